/**
 * Flow rows as CSV written like the newer CICIoMT2024 release: its 39 feature columns in
 * order (rows made from packets: then the host's SYN counts, `host_syn_1s`, `host_syn_10s`),
 * `attack_type` as `WiFi_and_MQTT_test_<Class>_test.pcap` (empty when unlabelled), then
 * `device` and `time` (seconds), and for rows made from packets the window's first
 * packet's `src`, `dst`, `sport`, `dport`. Integer columns are written without `.0`, an
 * infinite `Rate` as `inf`, floats in their shortest float32 form. The v2 dialect reads it
 * back like a real file. Text cells are never formulas (addresses and MACs cannot start
 * with = + - @).
 */
import { CICIOMT_V2_COLUMNS } from '../schema';
import { FLOW_COLUMNS, type PacketFlows } from './flow-extractor';

/** columns the release writes as integers */
const INTEGER_COLUMNS = new Set(['Protocol Type', 'ack_count', 'syn_count', 'fin_count', 'rst_count', 'Tot sum', 'Min', 'Max', 'Number']);
const IS_INTEGER = CICIOMT_V2_COLUMNS.map((c) => INTEGER_COLUMNS.has(c));

export const FLOW_CSV_HEADER = [...FLOW_COLUMNS, 'attack_type', 'device', 'time', 'src', 'dst', 'sport', 'dport'].join(',');

/** the label of a class as the release's label column has it */
export function attackTypeLabel(className: string): string {
  return `WiFi_and_MQTT_test_${className}_test.pcap`;
}

/** the label cell of a class (quoted where a typed class name holds a comma, quote or line break) */
export function attackTypeCell(className: string): string {
  const cell = attackTypeLabel(className);
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
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

/** The `d` feature cells of row `r` of `data` (`d` a row) into `cells[0..d)`: the release's 39, then any the lab adds. */
export function featureCells(data: Float32Array, d: number, r: number, cells: string[]): void {
  const off = r * d;
  for (let j = 0; j < d; j++) {
    const v = data[off + j];
    cells[j] = IS_INTEGER[j] && Number.isInteger(v) ? String(v) : formatFloat32(v);
  }
}

/** a time in seconds as the files write it (to the microsecond) */
export function timeCell(t: number): string {
  return String(Math.round(t * 1e6) / 1e6);
}

/** Flow rows made from packets as CSV lines (each ending in a newline). */
export function flowCsvRows(rows: PacketFlows, names: readonly string[], classNames: readonly string[]): string {
  const d = rows.d;
  const parts: string[] = [];
  const cells: string[] = new Array(d + 7);
  for (let r = 0; r < rows.n; r++) {
    featureCells(rows.data, d, r, cells);
    const c = rows.classIndex[r];
    cells[d] = c >= 0 ? attackTypeCell(classNames[c]) : '';
    cells[d + 1] = names[rows.device[r]];
    cells[d + 2] = timeCell(rows.time[r]);
    cells[d + 3] = names[rows.src[r]];
    cells[d + 4] = names[rows.dst[r]];
    cells[d + 5] = String(rows.sport[r]);
    cells[d + 6] = String(rows.dport[r]);
    parts.push(cells.join(','));
  }
  return parts.length ? parts.join('\n') + '\n' : '';
}
