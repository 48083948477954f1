/**
 * Simulated rows as a CSV file written like the newer CICIoMT2024 release: its 39 feature
 * columns in order, `attack_type` as `WiFi_and_MQTT_test_<Class>_test.pcap`, then the
 * simulator's `device` and `time` (seconds). Integer columns are written without `.0`,
 * an infinite `Rate` as `inf`, floats in their shortest float32 form. The v2 dialect reads
 * it back like a real file.
 */
import { CICIOMT_V2_COLUMNS } from '../schema/cic-columns';
import type { SimBatch } from './simulator';

export const SIM_CSV_HEADER = [...CICIOMT_V2_COLUMNS, 'attack_type', 'device', 'time'].join(',');

/** columns the release writes as integers */
const INTEGER_COLUMNS = new Set(['Protocol Type', 'ack_count', 'syn_count', 'fin_count', 'rst_count', 'Tot sum', 'Min', 'Max', 'Number']);
const IS_INTEGER = CICIOMT_V2_COLUMNS.map((c) => INTEGER_COLUMNS.has(c));

/** the label cell of a class, as the release's label column has it */
function attackTypeCell(className: string): string {
  return `WiFi_and_MQTT_test_${className}_test.pcap`;
}

/** The shortest decimal that reads back as the same float32, Python-style (`20.0`, `2.5e-05`, `inf`). */
export function formatFloat32(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x !== x) return 'nan';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  let s = '';
  for (let p = 6; p <= 9; p++) {
    s = String(Number(x.toPrecision(p)));
    if (Math.fround(Number(s)) === x) break;
  }
  // Python switches to exponents below 1e-4 and writes 2.5e-05 where JavaScript writes 2.5e-5
  if (Math.abs(x) < 1e-4) s = Number(s).toExponential();
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** The rows of a batch as CSV lines (each ending in a newline). */
export function csvRows(batch: SimBatch, classNames: readonly string[], deviceNames: readonly string[]): string {
  const d = batch.d;
  const labels = classNames.map(attackTypeCell);
  const parts: string[] = [];
  const cells: string[] = new Array(d + 3);
  for (let r = 0; r < batch.n; r++) {
    const off = r * d;
    for (let j = 0; j < d; j++) {
      const v = batch.data[off + j];
      cells[j] = IS_INTEGER[j] && Number.isInteger(v) ? String(v) : formatFloat32(v);
    }
    cells[d] = labels[batch.classIndex[r]];
    cells[d + 1] = deviceNames[batch.device[r]];
    cells[d + 2] = String(Math.round(batch.time[r] * 1e6) / 1e6);
    parts.push(cells.join(','));
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}
