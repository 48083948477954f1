/** The simulated hospital network: devices, scenarios, attacks, and flows in the CICIoMT2024 v2 schema. */
export { Simulator, type Caption, type Injection, type RowPackets, type SimBatch, type SimOptions } from './simulator';
export { CAPTURE_EPOCH, SimCapture, simulateCapture } from './capture';
export { ATTACKS, ATTACK_CLASSES, SIM_CLASSES, attackFamily, isAttackClass, type AttackClass, type AttackInfo } from './attacks';
export { type Device, type EpisodeSpec, type Scenario, type WardSpec } from './scenario';
export { DEFAULT_SCENARIO, SCENARIOS, SCENARIO_LIST, scenarioById } from './scenarios';
export { SIM_CSV_HEADER, csvRows, formatFloat32 } from './csv';
export { calibrate, calibrationMarkdown, formatCalibration, rowsByClassName, type CalibrationReport, type ClassCalibration } from './calibration';
export { simulateCsv, DEFAULT_DATASET } from './defaults';
export { simulationSource, DEFAULT_SIM_ROWS } from './csv-file';
