/**
 * Simulated rows as a CSV file written like the newer CICIoMT2024 release: its 39 feature
 * columns in order, `attack_type` as `WiFi_and_MQTT_test_<Class>_test.pcap`, then the
 * simulator's `device` and `time` (seconds). Integer columns are written without `.0`,
 * an infinite `Rate` as `inf`, floats in their shortest float32 form. The v2 dialect reads
 * it back like a real file.
 */
import { CICIOMT_V2_COLUMNS } from '../schema';
import { attackTypeCell, featureCells, timeCell } from '../packets';
import type { SimBatch } from './simulator';

export { formatFloat32 } from '../packets';

export const SIM_CSV_HEADER = [...CICIOMT_V2_COLUMNS, 'attack_type', 'device', 'time'].join(',');

/** The rows of a batch as CSV lines (each ending in a newline). */
export function csvRows(batch: SimBatch, classNames: readonly string[], deviceNames: readonly string[]): string {
  const d = batch.d;
  const labels = classNames.map(attackTypeCell);
  const parts: string[] = [];
  const cells: string[] = new Array(d + 3);
  for (let r = 0; r < batch.n; r++) {
    featureCells(batch.data, d, r, cells);
    cells[d] = labels[batch.classIndex[r]];
    cells[d + 1] = deviceNames[batch.device[r]];
    cells[d + 2] = timeCell(batch.time[r]);
    parts.push(cells.join(','));
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}
