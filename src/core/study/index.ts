export { BALANCE_METHODS, type BalanceMethod } from './balance-step';
export { compareModels, DEFAULT_DETECTORS, type CompareOptions, type CompareProgress, type CompareResult, type ModelResult } from './compare';
export { formatCompare, rankedModels } from './format-text';
export { TASKS, type Task } from '../pipeline';
export { studyReportHtml } from './report-html';
