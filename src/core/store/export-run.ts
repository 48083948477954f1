import { csvCell, csvNumber, float32Text, jsonNumber, lpKey, lpMeasurement, lpString, lpTimestampNs, snakeCase } from './export-values';
import { PROTOCOLS, protocolIndexer } from './flow-protocol';
import { NO_DEVICE, type FlowChunk, type LabStore, type RunRecord } from './records';

/**
 * Exports a stored run as text, streamed: chunks are read a page at a time and each
 * becomes one piece of text, so a run of millions of flows never becomes one string.
 *
 * - `csv`: header `time,row,device,class,score,verdict[,predicted_class,confidence],<feature columns…>,score_<detector>…`
 *   (predicted_class and confidence where a classifier or hybrid named the alerts)
 *   (one `score_` column per detector scored alongside the run's own), RFC 4180
 *   quoting; ±∞ as `inf`/`-inf`, NaN (missing) as an empty cell; an unlabelled flow has
 *   an empty class, a flow without device an empty device.
 * - `ndjson`: one object per flow with the same fields; ±∞ as the strings "inf"/"-inf"
 *   (JSON has no infinities), NaN and absent device/class as null.
 * - `influx`: InfluxDB line protocol, measurement `iomt_flow`; tags `device` (omitted
 *   without one), `label` (the class; omitted for an unlabelled flow), `predicted` (where
 *   a classifier named a flagged flow), `protocol`, `verdict` (`anomaly`/`normal`); fields
 *   `score`, `score_<detector>`, `confidence` (with `predicted`), `row` (integer) and every
 *   feature in snake_case (`rate`, `header_length`, `tot_size`, …); non-finite values
 *   are left out (line protocol cannot hold them); timestamp in ns from the flow time.
 *
 * verdict is `anomaly`/`normal` in all three. Categorical features (BoT-IoT `proto`, …)
 * are written as their category names where the run has them (`run.categories`).
 * A feature whose name clashes with a fixed field gets a `feature_` prefix.
 */
export type ExportFormat = 'csv' | 'ndjson' | 'influx';

export const EXPORT_FORMATS: Record<ExportFormat, { extension: string; mimeType: string; label: string }> = {
  csv: { extension: 'csv', mimeType: 'text/csv', label: 'CSV' },
  ndjson: { extension: 'ndjson', mimeType: 'application/x-ndjson', label: 'NDJSON' },
  influx: { extension: 'lp', mimeType: 'text/plain', label: 'InfluxDB line protocol' },
};

export interface ExportOptions {
  /** chunks read per `readChunks` call (default 8) */
  pageSize?: number;
  /** most flows per yielded piece of text (default 4096) */
  rowsPerPiece?: number;
}

export const INFLUX_MEASUREMENT = 'iomt_flow';

type ChunkReader = Pick<LabStore, 'getRun' | 'readChunks'>;

/** `<run name>.csv` etc., with characters file systems refuse replaced by `_` */
export function exportFileName(run: Pick<RunRecord, 'name'>, format: ExportFormat): string {
  // eslint-disable-next-line no-control-regex
  const base =
    run.name
      .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]+/g, '_')
      .replace(/^[\s.]+|[\s.]+$/g, '')
      .slice(0, 120) || 'run';
  return `${base}.${EXPORT_FORMATS[format].extension}`;
}

/** The run as a byte stream of UTF-8 text (for `new Response(stream).blob()` or a file writer). */
export function exportRun(store: ChunkReader, runId: string, format: ExportFormat, options: ExportOptions = {}): ReadableStream<Uint8Array> {
  const pieces = exportRunText(store, runId, format, options);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { value, done } = await pieces.next();
        if (done) {
          controller.close();
          return;
        }
        if (value) {
          controller.enqueue(encoder.encode(value));
          return;
        }
      }
    },
    async cancel() {
      await pieces.return(undefined);
    },
  });
}

/** The run as pieces of text, in flow order (chunk seq, then row). */
export async function* exportRunText(
  store: ChunkReader,
  runId: string,
  format: ExportFormat,
  options: ExportOptions = {},
): AsyncGenerator<string, void, undefined> {
  const run = await store.getRun(runId);
  if (!run) throw new Error(`There is no stored run ${runId} to export.`);
  const pageSize = Math.max(1, options.pageSize ?? 8);
  const rowsPerPiece = Math.max(1, options.rowsPerPiece ?? 4096);

  let page = await store.readChunks(runId, 0, pageSize);
  const writer = makeWriter(format, run, detectorsOf(run, page[0]));
  const header = writer.header();
  if (header) yield header;
  while (page.length > 0) {
    for (const chunk of page) {
      checkWidth(run, chunk);
      for (let from = 0; from < chunk.n; from += rowsPerPiece) yield writer.rows(chunk, from, Math.min(chunk.n, from + rowsPerPiece));
    }
    if (page.length < pageSize) break;
    page = await store.readChunks(runId, page[page.length - 1].seq + 1, pageSize);
  }
}

/** detectors scored alongside the run's own (the chunks of a run share them; the first decides the columns) */
export function detectorsOf(run: RunRecord, first: FlowChunk | undefined): string[] {
  return Object.keys(first?.scores ?? {}).filter((k) => k !== run.detector);
}

function checkWidth(run: RunRecord, c: FlowChunk): void {
  if (c.n > 0 && c.features.length !== c.n * run.columns.length) {
    throw new Error(`Chunk ${c.seq} of run ${run.id} has ${c.features.length / c.n} features per flow where the run has ${run.columns.length} columns.`);
  }
}

export interface RowWriter {
  header(): string;
  /** rows [from, to) of a chunk, each ending with a line break */
  rows(c: FlowChunk, from: number, to: number): string;
}

function makeWriter(format: ExportFormat, run: RunRecord, detectors: string[]): RowWriter {
  if (format === 'csv') return csvWriter(run, detectors);
  if (format === 'ndjson') return ndjsonWriter(run, detectors);
  if (format === 'influx') return influxWriter(run, detectors);
  throw new Error(`Unknown export format "${format as string}": choose csv, ndjson or influx.`);
}

const FIXED = ['time', 'row', 'device', 'class', 'score', 'verdict'];
/** after the fixed fields, where a classifier named the run's alerts */
const NAMED = ['predicted_class', 'confidence'];

/** fixed field names of a run's table: the second stage's two when its model named alerts */
function fixedOf(run: RunRecord): string[] {
  return run.predictedClasses ? [...FIXED, ...NAMED] : FIXED;
}

/** names made unique against those already taken: a clash gets `feature_`, then a number */
function uniqueNames(taken: Set<string>, wanted: string[], fallback: (j: number) => string): string[] {
  return wanted.map((w, j) => {
    let name = w || fallback(j);
    if (taken.has(name)) name = `feature_${name}`;
    for (let k = 2; taken.has(name); k++) name = `${w || fallback(j)}_${k}`;
    taken.add(name);
    return name;
  });
}

/** field names for CSV and NDJSON: fixed, features, `score_<detector>` */
function tableNames(run: RunRecord, detectors: string[]): { features: string[]; detectors: string[] } {
  const taken = new Set(fixedOf(run));
  const detectorNames = uniqueNames(
    taken,
    detectors.map((d) => `score_${d}`),
    (j) => `score_${j}`,
  );
  return { features: uniqueNames(taken, run.columns, (j) => `feature_${j}`), detectors: detectorNames };
}

/** per feature column: its category names, or null for a numeric column */
function categoryNames(run: RunRecord): (string[] | null)[] {
  return run.columns.map((c) => run.categories?.[c] ?? null);
}

/** a categorical feature's name (as the format writes it) for the code v; undefined for a numeric column or a code without a name */
function categoryOf(names: string[] | null, v: number): string | undefined {
  return names && Number.isInteger(v) ? names[v] : undefined;
}

/**
 * The second stage's cells of flow i: the class named and its probability, written by
 * the format's own cell writers; `none` where the flow was not flagged (or the chunk predates naming).
 */
function namedCells(c: FlowChunk, i: number, names: string[], num: (v: number) => string, none: string, before: string, between = ','): string {
  const p = c.predicted?.[i] ?? -1;
  if (p < 0) return `${before}${none}${between}${none}`;
  return `${before}${names[p] ?? none}${between}${num(c.confidence![i])}`;
}

/** scores of the detectors scored alongside, per flow of the chunk (undefined where a chunk lacks one) */
type ExtraScores = (Float32Array | undefined)[];

/** a writer of one line per flow: `line` writes flow i of a chunk, without its line break */
function lineWriter(header: string, detectors: string[], line: (c: FlowChunk, i: number, extra: ExtraScores) => string): RowWriter {
  return {
    header: () => header,
    rows(c, from, to) {
      const lines: string[] = new Array(to - from);
      const extra = detectors.map((k) => c.scores?.[k]);
      for (let i = from; i < to; i++) lines[i - from] = line(c, i, extra);
      return lines.join('\n') + '\n';
    },
  };
}

function csvWriter(run: RunRecord, detectors: string[]): RowWriter {
  const names = tableNames(run, detectors);
  const devices = run.devices.map(csvCell);
  const classes = run.classes.map(csvCell);
  const catCells = categoryNames(run).map((c) => c?.map(csvCell) ?? null);
  const d = run.columns.length;
  const header = [...fixedOf(run), ...names.features, ...names.detectors].map(csvCell).join(',') + '\n';
  const predicted = run.predictedClasses?.map(csvCell);
  return lineWriter(header, detectors, (c, i, extra) => {
    const dev = c.device[i];
    const cls = c.classIndex[i];
    let line = `${csvNumber(c.time[i], false)},${csvNumber(c.rowNumber[i], false)},${dev === NO_DEVICE ? '' : (devices[dev] ?? String(dev))},${cls < 0 ? '' : (classes[cls] ?? String(cls))},${csvNumber(c.score[i], true)},${c.verdict[i] ? 'anomaly' : 'normal'}`;
    if (predicted) line += namedCells(c, i, predicted, (v) => csvNumber(v, true), '', ',');
    const base = i * d;
    for (let j = 0; j < d; j++) {
      const v = c.features[base + j];
      line += ',' + (categoryOf(catCells[j], v) ?? csvNumber(v, true));
    }
    for (const s of extra) line += ',' + (s ? csvNumber(s[i], true) : '');
    return line;
  });
}

export function ndjsonWriter(run: RunRecord, detectors: string[]): RowWriter {
  const names = tableNames(run, detectors);
  const cats = categoryNames(run).map((c) => c?.map((s) => JSON.stringify(s)) ?? null);
  const devices = run.devices.map((s) => JSON.stringify(s));
  const classes = run.classes.map((s) => JSON.stringify(s));
  const predicted = run.predictedClasses?.map((s) => JSON.stringify(s));
  const featureKeys = names.features.map((n) => `,${JSON.stringify(n)}:`);
  const detectorKeys = names.detectors.map((n) => `,${JSON.stringify(n)}:`);
  const d = run.columns.length;
  return lineWriter('', detectors, (c, i, extra) => {
    const dev = c.device[i];
    const cls = c.classIndex[i];
    let line = `{"time":${jsonNumber(c.time[i], false)},"row":${jsonNumber(c.rowNumber[i], false)},"device":${dev === NO_DEVICE ? 'null' : (devices[dev] ?? JSON.stringify(String(dev)))},"class":${cls < 0 ? 'null' : (classes[cls] ?? JSON.stringify(String(cls)))},"score":${jsonNumber(c.score[i], true)},"verdict":${c.verdict[i] ? '"anomaly"' : '"normal"'}`;
    if (predicted) line += namedCells(c, i, predicted, (v) => jsonNumber(v, true), 'null', ',"predicted_class":', ',"confidence":');
    const base = i * d;
    for (let j = 0; j < d; j++) {
      const v = c.features[base + j];
      line += featureKeys[j] + (categoryOf(cats[j], v) ?? jsonNumber(v, true));
    }
    for (let k = 0; k < extra.length; k++) {
      const s = extra[k];
      line += detectorKeys[k] + (s ? jsonNumber(s[i], true) : 'null');
    }
    return line + '}';
  });
}

export interface InfluxWriterOptions {
  /** a flow's timestamp (ns, as text); default: its flow time. Live sinks stamp arrival, as their flows' times are ordinals. */
  timestampNs?: (c: FlowChunk, i: number) => string;
  /** the same tags on every point (a live sink's `monitor=<name>`, so points of monitors sharing a feed stay apart) */
  tags?: Record<string, string>;
  /** write every feature as a field (default true); false: the verdict only (score, row, scores alongside, confidence) */
  features?: boolean;
}

/**
 * The `influx` format's lines (one flow per line; a flow without any finite value becomes
 * a `#` comment line). Tags: the options' constant tags, `device` (none without one),
 * `label` (none for an unlabelled flow, so no class literally named "unlabelled" is
 * confused with it), `predicted` (the class a classifier named a flagged flow),
 * `protocol`, `verdict`. Fields: `score`, `score_<detector>`, `confidence`, `row`,
 * then the features in snake_case.
 */
export function influxWriter(run: RunRecord, detectors: string[], options: InfluxWriterOptions = {}): RowWriter {
  const stamp = options.timestampNs ?? ((c: FlowChunk, i: number) => (Number.isFinite(c.time[i]) ? lpTimestampNs(c.time[i]) : ''));
  const constant = Object.entries(options.tags ?? {})
    .filter(([k, v]) => k && v)
    .map(([k, v]) => `,${lpKey(k)}=${lpKey(v)}`)
    .join('');
  const measurement = lpMeasurement(INFLUX_MEASUREMENT) + constant;
  const reserved = new Set(['time', 'score', 'row', 'confidence']);
  const detectorFields = uniqueNames(
    reserved,
    detectors.map((k) => `score_${snakeCase(k)}`),
    (j) => `score_${j}`,
  ).map((name) => `,${lpKey(name)}=`);
  const featureFields = uniqueNames(reserved, run.columns.map(snakeCase), (j) => `feature_${j}`).map((name) => `,${lpKey(name)}=`);
  const withFeatures = options.features ?? true;
  const cats = categoryNames(run).map((c) => c?.map(lpString) ?? null);
  // tags in key order (device, label, predicted, protocol, verdict), as InfluxDB prefers them
  const deviceTags = run.devices.map((s) => (s ? `,device=${lpKey(s)}` : ''));
  const labelTags = run.classes.map((s) => (s ? `,label=${lpKey(s)}` : ''));
  const predictedTags = run.predictedClasses?.map((s) => (s ? `,predicted=${lpKey(s)}` : ''));
  const protocolTags = PROTOCOLS.map((p) => `,protocol=${lpKey(p)}`);
  const protocolOf = protocolIndexer(run.columns, run.categories);
  const d = run.columns.length;
  return lineWriter('', detectors, (c, i, extra) => {
    const dev = c.device[i];
    const cls = c.classIndex[i];
    const named = predictedTags && c.predicted ? c.predicted[i] : -1;
    const tags =
      (dev === NO_DEVICE ? '' : (deviceTags[dev] ?? `,device=${dev}`)) +
      (cls < 0 ? '' : (labelTags[cls] ?? `,label=${cls}`)) +
      (named < 0 ? '' : (predictedTags![named] ?? `,predicted=${named}`)) +
      protocolTags[protocolOf(c.features, i)] +
      (c.verdict[i] ? ',verdict=anomaly' : ',verdict=normal');
    // fields, each with a leading comma (cut off below)
    let fields = '';
    const score = c.score[i];
    if (Number.isFinite(score)) fields += `,score=${float32Text(score)}`;
    for (let k = 0; k < extra.length; k++) {
      const v = extra[k]?.[i];
      if (v !== undefined && Number.isFinite(v)) fields += detectorFields[k] + float32Text(v);
    }
    if (named >= 0 && Number.isFinite(c.confidence![i])) fields += `,confidence=${float32Text(c.confidence![i])}`;
    const row = c.rowNumber[i];
    if (Number.isInteger(row)) fields += `,row=${row}i`;
    if (withFeatures) {
      const base = i * d;
      for (let j = 0; j < d; j++) {
        const v = c.features[base + j];
        const name = categoryOf(cats[j], v);
        if (name !== undefined) fields += featureFields[j] + name;
        else if (Number.isFinite(v)) fields += featureFields[j] + float32Text(v);
      }
    }
    const t = stamp(c, i);
    return fields ? `${measurement}${tags} ${fields.slice(1)}${t ? ' ' + t : ''}` : `# row ${row}: no finite value to write`;
  });
}
