import Papa from 'papaparse';
import { ClassVocabulary, cleanHeader, type Dialect, detectDialect, type Detection, type Schema, type SchemaColumn, ciciomtV2 } from '../schema';
import type { Batch } from './batch';
import { CellKind, parseNumericCell } from './cells';
import { DeviceNames, NO_DEVICE } from './device-names';
import { columnIssues, countSkip, newCounters, noteExample, type IngestCounters } from './counters';
import { ArrayCells, type FloatRowCells, PlainRowCursor, type RowCells } from './row-cells';
import { RecordSplitter } from './record-splitter';
import { decodeText, InputError } from './text-stream';
import {
  addCaptureCounters,
  captureClass,
  CaptureReading,
  FLOW_COLUMNS,
  formatCaptureCounters,
  isCaptureName,
  newCaptureCounters,
  type CaptureCounters,
} from '../packets';
import { excerpt, nameList } from '../text';

/** A file to read: in Node from `fs`, in the browser from a `File`. */
export interface SourceFile {
  name: string;
  /** bytes, if known: for progress */
  size?: number;
  stream(): ReadableStream<Uint8Array>;
}

export interface ReadOptions {
  /** read every file in this dialect instead of detecting it */
  dialect?: Dialect;
  /** rows per batch */
  batchSize?: number;
  /**
   * rows in each CSV file's first batch (default: `batchSize`): a replay that waits for the
   * first batch before anything is scored gets it after a few hundred rows, not thousands
   */
  firstBatchSize?: number;
  /** share one with other readings so that class indices agree */
  vocabulary?: ClassVocabulary;
  /** share one with other readings so that device indices agree */
  devices?: DeviceNames;
  signal?: AbortSignal;
  onProgress?: (p: ReadProgress) => void;
  /**
   * keep rows whose class is unknown (class index -1) instead of skipping them, and take
   * no class from the source's name: a live feed's flows mostly carry no label, and a
   * topic names no class
   */
  keepUnlabelled?: boolean;
  /** how packet captures among the files become flow rows */
  capture?: CaptureReadOptions;
}

/** Captures (`.pcap`, `.pcapng`, also `.gz`) are read as the flow rows the packet extractor makes of them. */
export interface CaptureReadOptions {
  /** packets per window (default 10) */
  window?: number;
  /** seconds of silence that close a device's open window (default 60) */
  idleS?: number;
  /** the class of every capture's rows; otherwise a CICIoMT2024 file name's class, else unlabelled (-1) */
  label?: string;
}

export interface ReadProgress {
  file: string;
  fileIndex: number;
  files: number;
  bytesRead: number;
  /** total bytes of all files, where known */
  bytesTotal: number | null;
  rows: number;
}

export interface FileSummary {
  name: string;
  rows: number;
  detection: Detection | null;
}

/** how many first rows decide which columns of a generic CSV are numeric */
const SNIFF_ROWS = 1000;

/**
 * Streams one or more CSV files of one dataset into columnar batches. The files must
 * share a dialect and feature columns (their order may differ). Never holds more than a
 * chunk of text and one batch.
 */
export class DatasetReader {
  dialect: Dialect | null = null;
  schema: Schema | null = null;
  readonly counters: IngestCounters = newCounters();
  /** the packet captures read to the end, summed */
  private capturesDone: CaptureCounters | null = null;
  /** the capture being read */
  private capturing: CaptureReading | null = null;
  private vocabulary: ClassVocabulary | null;
  /** the devices batches' `device` columns index: captures' sources, flow CSVs' `device` cells */
  readonly devices: DeviceNames;
  readonly files: FileSummary[] = [];
  private readonly batchSize: number;
  private readonly arrayCells = new ArrayCells();
  private readonly plainCells = new PlainRowCursor();
  private lastClass: { name: string | null; index: number } = { name: null, index: -1 };
  /** the batch texts read at once go into between `gather` and `takeGathered` (made with the first row) */
  private gathering: { rows: number; builder: BatchBuilder | null } | null = null;
  /** the layout of the header `readRows` read last, and the schema it was made for */
  private recordLayout: { key: string; layout: FileLayout; schema: Schema | null } | null = null;

  constructor(
    private readonly sources: readonly SourceFile[],
    private readonly options: ReadOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 8192;
    this.dialect = options.dialect ?? null;
    this.vocabulary = options.vocabulary ?? null;
    this.devices = options.devices ?? new DeviceNames();
  }

  /**
   * What the packet captures among the files held so far (the one being read included):
   * packets read, used, skipped by reason, link types, flows made. Null: no captures. A copy.
   */
  get captures(): CaptureCounters | null {
    if (!this.capturesDone && !this.capturing) return null;
    const sum = newCaptureCounters();
    if (this.capturesDone) addCaptureCounters(sum, this.capturesDone);
    if (this.capturing) addCaptureCounters(sum, this.capturing.counters);
    return sum;
  }

  /** Class vocabulary in use (made from the dialect on the first file when none was shared). */
  get classes(): ClassVocabulary {
    if (!this.vocabulary) throw new Error('read a file first');
    return this.vocabulary;
  }

  async *batches(): AsyncGenerator<Batch> {
    if (this.sources.length === 0) throw new InputError('no files to read');
    const bytesTotal = this.sources.every((s) => s.size !== undefined) ? this.sources.reduce((a, s) => a + (s.size ?? 0), 0) : null;
    let bytesBefore = 0;
    for (let f = 0; f < this.sources.length; f++) {
      const source = this.sources[f];
      if (isCaptureName(source.name)) {
        yield* this.readCapture(source, f, () => bytesBefore, bytesTotal);
        bytesBefore += source.size ?? 0;
        continue;
      }
      const text = decodeText(source.stream(), source.name);
      const report = (rows: number) =>
        this.options.onProgress?.({
          file: source.name,
          fileIndex: f,
          files: this.sources.length,
          bytesRead: bytesBefore + text.bytesRead(),
          bytesTotal,
          rows,
        });
      yield* this.readFile(source.name, f, text.chunks, report);
      bytesBefore += text.bytesRead();
    }
  }

  /** A capture's flow rows: the newer CICIoMT2024 release's rows with the hosts' SYN counts after them (what the extractor makes). */
  private async *readCapture(source: SourceFile, fileIndex: number, bytesBefore: () => number, bytesTotal: number | null): AsyncGenerator<Batch> {
    const summary: FileSummary = { name: source.name, rows: 0, detection: null };
    this.files.push(summary);
    if (this.dialect && this.dialect.id !== ciciomtV2.id) {
      throw new InputError(
        `${source.name} is a packet capture, whose flows are CICIoMT2024 newer-release rows, not ${this.dialect.name} like the files before it; read them separately`,
      );
    }
    this.dialect = ciciomtV2;
    this.vocabulary ??= new ClassVocabulary(ciciomtV2);
    const columns = FLOW_COLUMNS.map((name) => ({ name, kind: 'numeric' as const }));
    if (!this.schema) this.schema = { dialect: ciciomtV2.id, columns };
    else {
      const missing = this.schema.columns.filter((c) => !FLOW_COLUMNS.includes(c.name)).map((c) => c.name);
      if (missing.length)
        throw new InputError(`${source.name} is a packet capture: its flows lack column(s) ${missing.join(', ')} that the files before it have`);
    }
    const order = this.schema.columns.map((c) => FLOW_COLUMNS.indexOf(c.name));
    const className = captureClass(source.name, this.options.capture?.label);
    const classIndex = className === null ? -1 : this.vocabulary.indexOf(className);
    let consumed = 0;
    const counted = source.stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          consumed += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    const reading = new CaptureReading([{ name: source.name, stream: () => counted }], {
      ...this.options.capture,
      signal: this.options.signal,
      labelOf: () => classIndex,
    });
    const builder = new BatchBuilder(order.length, this.batchSize, fileIndex, { withDevice: true, withCut: true });
    const c = this.counters;
    // the extractor's device names (its own indices) → this reading's device indices
    const deviceOf: number[] = [];
    this.capturing = reading;
    try {
      for await (const { rows, names } of reading.flows()) {
        for (let r = 0; r < rows.n; r++) {
          const at = builder.offset;
          const out = builder.data;
          const off = r * rows.d;
          for (let j = 0; j < order.length; j++) out[at + j] = rows.data[off + order[j]];
          c.read++;
          c.accepted++;
          const name = rows.device[r];
          builder.commit(rows.classIndex[r], rows.time[r], ++summary.rows, (deviceOf[name] ??= this.devices.indexOf(names[name])), rows.cut[r]);
          if (builder.full) yield builder.take();
        }
        this.options.onProgress?.({
          file: source.name,
          fileIndex,
          files: this.sources.length,
          bytesRead: bytesBefore() + consumed,
          bytesTotal,
          rows: summary.rows,
        });
      }
      if (builder.size > 0) yield builder.take();
    } finally {
      this.capturing = null;
      this.capturesDone ??= newCaptureCounters();
      addCaptureCounters(this.capturesDone, reading.counters);
    }
    // a capture none of whose packets made a flow is as empty as a CSV without rows: say what its packets were
    if (summary.rows === 0) throw new InputError(`no flows could be made from ${source.name}: ${formatCaptureCounters(reading.counters)}`);
  }

  /**
   * One whole CSV text with its own header line (a live message), read at once. The first
   * text read (or the `dialect` option) fixes the dialect and schema; a text of another
   * dialect, or lacking columns, throws an `InputError` before any of its rows is counted.
   * Its rows are counted in `counters` like a file's; null when it holds no accepted row.
   */
  readText(name: string, text: string): Batch | null {
    // at most one row a line after the header: a batch that size fills, if at all, with the last row
    const file = this.openText(name, Math.max(1, lineCount(text) - 1));
    const body = text.endsWith('\n') ? text : text + '\n';
    const headerEnd = body.indexOf('\n');
    const headerLine = body.slice(0, body.charCodeAt(headerEnd - 1) === 13 ? headerEnd - 1 : headerEnd);
    const known = this.recordLayout;
    // a feed repeats one header message after message: a known one is not judged again from rows read as text
    const repeated = known?.key === headerLine && known.schema === this.schema && !headerLine.includes('"');
    if (repeated) {
      file.layout = known.layout;
      file.newline = headerEnd > 0 && body.charCodeAt(headerEnd - 1) === 13 ? '\r\n' : '\n';
      file.builder = this.textBuilder(file, file.layout);
    }
    const batches = [...this.readBlock(file, repeated ? body.slice(headerEnd + 1) : body)];
    if (!file.layout) throw new InputError(`${name} has no header row`);
    if (!repeated && headerLine && !headerLine.includes('"') && headerLine.split(',').length === file.layout.width)
      this.recordLayout = { key: headerLine, layout: file.layout, schema: this.schema };
    if (this.gathering) return null;
    if (file.builder!.size > 0) batches.push(file.builder!.take());
    if (batches.length > 1) throw new Error('a batch sized to the text cannot fill before its end');
    return batches[0] ?? null;
  }

  /** Rows already cut into cells (NDJSON objects by column name), read like `readText`. */
  readCells(name: string, header: string[], rows: readonly string[][]): Batch | null {
    let r = 0;
    const next = () => r < rows.length && ((this.arrayCells.fields = rows[r++]), true);
    return this.readRows(name, header, rows.slice(0, SNIFF_ROWS), rows.length, this.arrayCells, next);
  }

  /** The records of a binary message (float32 values and labels behind `cells`), read like `readText`. */
  readRecords(name: string, header: string[], cells: FloatRowCells): Batch | null {
    // rows as text only where columns are still to be sniffed (the first message)
    const sample: string[][] = [];
    if (!this.schema) for (let r = 0; r < SNIFF_ROWS && cells.next(); r++) sample.push(header.map((_, j) => cells.text(j)));
    cells.rewind();
    return this.readRows(name, header, sample, cells.rows, cells, () => cells.next());
  }

  /** a whole message's rows: `next` moves `cells` to the next row (false at the end); `sample` holds its first rows as text */
  private readRows(name: string, header: string[], sample: string[][], rows: number, cells: RowCells, next: () => boolean): Batch | null {
    const file = this.openText(name, rows);
    // a feed repeats one header message after message: its layout is worked out once
    const key = header.join(',');
    if (this.recordLayout?.key !== key || this.recordLayout.schema !== this.schema)
      this.recordLayout = { key, layout: this.openLayout(name, header, sample, file.summary), schema: this.schema };
    file.layout = this.recordLayout.layout;
    file.builder = this.textBuilder(file, file.layout);
    for (let r = 1; next(); r++) if (this.takeRow(file, cells) && r < rows) throw new Error('a batch sized to the rows cannot fill before the last');
    if (this.gathering) return null;
    return file.builder.size > 0 ? file.builder.take() : null;
  }

  /**
   * Until `takeGathered`, the rows of `readText`, `readCells` and `readRecords` all go into
   * one batch (about `rows` rows, larger if need be) and those return null: a live source
   * reads many messages into one batch without a batch for each and a copy to join them.
   */
  gather(rows: number): void {
    this.gathering = { rows, builder: null };
  }

  /** rows gathered since `gather` */
  get gathered(): number {
    return this.gathering?.builder?.size ?? 0;
  }

  /** the rows gathered since `gather` as one batch (null: none); gathering stops */
  takeGathered(): Batch | null {
    const builder = this.gathering?.builder;
    this.gathering = null;
    return builder && builder.size > 0 ? builder.take() : null;
  }

  /** the batch a text read at once fills: its own, sized to it, or the one being gathered */
  private textBuilder(file: OpenFile, layout: FileLayout): BatchBuilder {
    const d = layout.features.length;
    const g = this.gathering;
    if (!g) return new BatchBuilder(d, file.capacity!, file.fileIndex, { withDevice: layout.device >= 0, once: true });
    g.builder ??= new BatchBuilder(d, Math.max(1, g.rows), 0, { withDevice: true, once: true, grows: true });
    // the schema, and with it the width, is fixed by the first text read
    if (g.builder.d !== d) throw new Error(`a batch of ${g.builder.d} features cannot gather rows of ${d}`);
    return g.builder;
  }

  /**
   * A text read at once: not listed in `files` (a feed reads millions); its batch holds
   * `rows` rows, so when every row is kept the batch's arrays are handed on without a copy.
   */
  private openText(name: string, rows: number): OpenFile {
    return { summary: { name, rows: 0, detection: null }, fileIndex: 0, layout: null, builder: null, newline: '\n', capacity: rows };
  }

  private async *readFile(name: string, fileIndex: number, chunks: AsyncIterable<string>, report: (rows: number) => void): AsyncGenerator<Batch> {
    const splitter = new RecordSplitter();
    const file: OpenFile = { summary: { name, rows: 0, detection: null }, fileIndex, layout: null, builder: null, newline: '\n' };
    this.files.push(file.summary);
    // the first rows are gathered before the header is judged, so a generic CSV's columns can be sniffed
    let opening = '';
    for await (const chunk of chunks) {
      if (this.options.signal?.aborted) throw abortError();
      const block = splitter.push(chunk);
      if (file.layout) yield* this.readBlock(file, block);
      else if (countLines((opening += block), SNIFF_ROWS + 1)) {
        yield* this.readBlock(file, opening);
        opening = '';
      }
      report(file.summary.rows);
    }
    yield* this.readBlock(file, opening + splitter.flush());
    if (!file.layout) throw new InputError(`${name} has no header row`);
    if (file.summary.rows === 0) throw new InputError(`${name} has a header but no data rows`);
    if (file.builder && file.builder.size > 0) yield file.builder.take();
    report(file.summary.rows);
  }

  private *readBlock(file: OpenFile, block: string): Generator<Batch> {
    if (!block) return;
    if (!file.layout) file.newline = block.includes('\r\n') ? '\r\n' : '\n';
    const quoted = block.includes('"');
    const rows = quoted ? Papa.parse<string[]>(block, { delimiter: ',', newline: file.newline as '\n', skipEmptyLines: true }).data : null;
    const cells = rows ? this.arrayCells : this.plainCells;
    let r = 0;
    const nextRow = rows ? () => r < rows.length && ((this.arrayCells.fields = rows[r++]), true) : () => this.plainCells.next();
    if (!rows) this.plainCells.reset(block);
    if (!file.layout) {
      if (!nextRow()) return;
      const header: string[] = [];
      for (let j = 0; j < cells.count; j++) header.push(cells.text(j));
      const firstRows: string[][] = [];
      while (firstRows.length < SNIFF_ROWS && nextRow()) {
        const fields: string[] = [];
        for (let j = 0; j < cells.count; j++) fields.push(cells.text(j));
        firstRows.push(fields);
      }
      file.layout = this.openLayout(file.summary.name, header, firstRows, file.summary);
      file.builder =
        file.capacity === undefined
          ? new BatchBuilder(file.layout.features.length, this.batchSize, file.fileIndex, {
              withDevice: file.layout.device >= 0,
              first: this.options.firstBatchSize,
            })
          : this.textBuilder(file, file.layout);
      // the sniffed rows are data too
      for (const fields of firstRows) {
        this.arrayCells.fields = fields;
        if (this.takeRow(file, this.arrayCells)) yield file.builder.take();
      }
    }
    // the hot loop: a generator per row would cost more than reading the row
    while (nextRow()) if (this.takeRow(file, cells)) yield file.builder!.take();
  }

  /** counts and reads one row into the file's batch; true when the batch is full */
  private takeRow(file: OpenFile, cells: RowCells): boolean {
    const { layout, builder, summary } = file as Required<OpenFile> & { layout: FileLayout; builder: BatchBuilder };
    summary.rows++;
    this.acceptRow(cells, layout, builder, summary.name, summary.rows);
    return builder.full;
  }

  /** Works out the columns of a file from its header (and, for generic CSVs, its first rows). */
  private openLayout(name: string, rawHeader: string[], firstRows: string[][], summary: FileSummary): FileLayout {
    const header = cleanHeader(rawHeader);
    if (header.length < 2)
      throw new InputError(`${name} does not look like a CSV file: its first line has ${header.length} column (it starts ${excerpt(header[0] ?? '')})`);
    let dialect = this.dialect;
    if (!dialect) {
      const detection = detectDialect(header, name);
      if (!detection) {
        throw new InputError(
          `${name}: the header is not one of CICIoMT2024, CICIoT2023 or BoT-IoT (first columns: ${excerpt(header.slice(0, 4).join(', '), 60)}); name its label column to read it as a generic CSV`,
        );
      }
      summary.detection = detection;
      dialect = this.dialect = detection.dialect;
    } else {
      summary.detection = detectDialect(header, name);
      if (summary.detection && summary.detection.dialect.id !== dialect.id && dialect.id !== 'generic') {
        throw new InputError(`${name} is ${summary.detection.dialect.name}, not ${dialect.name} like the files before it; read them separately`);
      }
    }
    this.vocabulary ??= new ClassVocabulary(dialect);

    let columns: SchemaColumn[] = dialect.featureColumns(header).map((c) => ({ ...c }));
    if (dialect.sniffFeatures && !this.schema) columns = columns.filter((c) => isMostlyNumeric(firstRows, header.indexOf(c.name)));
    if (columns.length === 0) throw new InputError(noFeatures(name, header, firstRows, dialect));
    for (const c of columns) if (c.kind === 'categorical') c.categories = [];

    if (!this.schema) {
      this.schema = { dialect: dialect.id, columns };
    } else {
      const missing = this.schema.columns.filter((c) => !header.includes(c.name)).map((c) => c.name);
      if (missing.length) throw new InputError(`${name} lacks column(s) ${nameList(missing)} that the files before it have`);
    }
    const labelColumn = dialect.labelColumn(header);
    const timeColumn = dialect.timeColumn(header);
    // the flow's device, as `npm run features`, the sensor and the simulator write it (never a feature)
    const device = header.indexOf('device');
    return {
      dialect,
      width: header.length,
      header,
      features: this.schema.columns.map((c) => ({ index: header.indexOf(c.name), column: c })),
      featureIndex: Int32Array.from(this.schema.columns, (c) => header.indexOf(c.name)),
      categorical: Uint8Array.from(this.schema.columns, (c) => (c.kind === 'categorical' ? 1 : 0)),
      numeric: this.schema.columns.every((c) => c.kind !== 'categorical'),
      label: labelColumn === null ? -1 : header.indexOf(labelColumn),
      time: timeColumn === null ? -1 : header.indexOf(timeColumn),
      device: device >= 0 && !this.schema.columns.some((c) => c.name === 'device') ? device : -1,
      lastDevice: null,
      lastDeviceIndex: NO_DEVICE,
      classFromName: labelColumn === null && !this.options.keepUnlabelled ? dialect.labelOf(null, name) : null,
      labels: new Map(),
      lastLabel: null,
      lastClass: null,
    };
  }

  private acceptRow(cells: RowCells, layout: FileLayout, builder: BatchBuilder, file: string, row: number): void {
    const c = this.counters;
    c.read++;
    // a trailing comma gives one empty field more than the header
    const width = cells.count === layout.width + 1 && cells.is(layout.width, '') ? layout.width : cells.count;
    if (width !== layout.width) {
      countSkip(c, 'malformed row', file, row, `${cells.count} fields where the header has ${layout.width}`);
      return;
    }
    if (cells.is(0, layout.header[0]) && layout.header.every((h, i) => cells.text(i).trim() === h)) {
      countSkip(c, 'repeated header', file, row, 'the header line again (files joined together?)');
      return;
    }
    const className = layout.classFromName ?? (layout.label >= 0 ? classOfCell(layout, cells, file) : null);
    if (className === null && !this.options.keepUnlabelled) {
      countSkip(
        c,
        'missing label',
        file,
        row,
        layout.label >= 0 ? `empty label cell ${excerpt(cells.text(layout.label))}` : 'no label column and no class in the file name',
      );
      return;
    }
    // the row's values go straight into the batch's matrix; a skipped row is overwritten by the next
    const at = builder.offset;
    const out = builder.data;
    const { featureIndex, categorical } = layout;
    // the common row: every feature a plain finite number the cells have already read
    if (layout.numeric && cells.plainInto?.(featureIndex, out, at)) return this.commitRow(cells, layout, builder, className, row);
    let present = 0;
    for (let j = 0; j < featureIndex.length; j++) {
      const index = featureIndex[j];
      if (categorical[j]) {
        out[at + j] = categoryCode(layout.features[j].column, cells.text(index).trim());
        present++;
        continue;
      }
      const cell = cells.numeric(index);
      out[at + j] = cell.value;
      if (cell.kind === CellKind.Number) {
        present++;
        continue;
      }
      const column = layout.features[j].column;
      const issues = columnIssues(c, column.name);
      if (cell.kind === CellKind.Infinite) {
        issues.infinite++;
        present++;
      } else if (cell.kind === CellKind.Empty) issues.empty++;
      else if (cell.kind === CellKind.NotANumber) issues.notANumber++;
      else {
        issues.text++;
        noteExample(issues, cells.text(index));
      }
    }
    if (present === 0) {
      countSkip(c, 'no feature values', file, row, 'every feature cell is empty or not a number');
      return;
    }
    this.commitRow(cells, layout, builder, className, row);
  }

  /** a row whose features are in the batch: its class, time, row number and device too */
  private commitRow(cells: RowCells, layout: FileLayout, builder: BatchBuilder, className: string | null, row: number): void {
    const time = layout.time >= 0 ? cells.numeric(layout.time).value : NaN;
    builder.commit(
      className === null ? -1 : this.classIndexOf(className),
      Number.isFinite(time) ? time : row,
      row,
      layout.device >= 0 ? this.deviceOfCell(layout, cells) : NO_DEVICE,
    );
    this.counters.accepted++;
  }

  /** the device index of a row's device cell; rows of one device come in runs, so the last is remembered */
  private deviceOfCell(layout: FileLayout, cells: RowCells): number {
    if (layout.lastDevice !== null && cells.is(layout.device, layout.lastDevice)) return layout.lastDeviceIndex;
    const cell = cells.text(layout.device);
    layout.lastDevice = cell;
    return (layout.lastDeviceIndex = this.devices.indexOf(cell.trim()));
  }

  /** the vocabulary index of a class; rows come in runs of one class, so the last is remembered */
  private classIndexOf(name: string): number {
    if (name !== this.lastClass.name) this.lastClass = { name, index: this.classes.indexOf(name) };
    return this.lastClass.index;
  }
}

interface OpenFile {
  summary: FileSummary;
  fileIndex: number;
  layout: FileLayout | null;
  builder: BatchBuilder | null;
  newline: string;
  /** rows per batch where not the reader's batch size */
  capacity?: number;
}

interface FileLayout {
  dialect: Dialect;
  width: number;
  header: string[];
  features: { index: number; column: SchemaColumn }[];
  /** features[j].index, for the per-row loop */
  featureIndex: Int32Array;
  /** 1 where features[j] is categorical */
  categorical: Uint8Array;
  /** no feature is categorical */
  numeric: boolean;
  label: number;
  time: number;
  /** the `device` column, -1: none */
  device: number;
  /** the previous row's device cell and its index */
  lastDevice: string | null;
  lastDeviceIndex: number;
  classFromName: string | null;
  /** label cell → class: a file repeats a handful of labels, so each is worked out once */
  labels: Map<string, string | null>;
  /** the previous row's label cell and its class: labels come in runs */
  lastLabel: string | null;
  lastClass: string | null;
}

/** The class of a row's label cell (null: none), without a string per row while the label repeats. */
function classOfCell(layout: FileLayout, cells: RowCells, file: string): string | null {
  if (layout.lastLabel !== null && cells.is(layout.label, layout.lastLabel)) return layout.lastClass;
  const cell = cells.text(layout.label);
  layout.lastLabel = cell;
  return (layout.lastClass = labelOf(layout, cell, file));
}

function labelOf(layout: FileLayout, cell: string, file: string): string | null {
  let name = layout.labels.get(cell);
  if (name === undefined) {
    name = layout.dialect.labelOf(cell, file);
    if (layout.labels.size < 10_000) layout.labels.set(cell, name);
  }
  return name;
}

/** Fills preallocated typed arrays one row at a time and hands them out as a batch. */
class BatchBuilder {
  size = 0;
  /** the matrix being filled (a new one after each take) */
  data!: Float32Array;
  private classIndex!: Int32Array;
  private time!: Float64Array;
  private rowNumber!: Float64Array;
  private device: Uint16Array | null = null;
  private cut: Uint8Array | null = null;
  private capacity: number;
  private readonly withDevice: boolean;
  private readonly withCut: boolean;
  private readonly once: boolean;
  private readonly grows: boolean;
  /** rows of the batches after the first */
  private readonly later: number;

  constructor(
    readonly d: number,
    capacity: number,
    private readonly fileIndex: number,
    options: {
      /** whether the rows name their device */
      withDevice?: boolean;
      /** whether they say if the end of their capture cut their window (a capture's rows) */
      withCut?: boolean;
      /** one batch only (a message): after `take` no arrays are made for another */
      once?: boolean;
      /** never full: rows past `capacity` make it larger (a batch gathered from messages whose counts are bounds) */
      grows?: boolean;
      /** rows of the first batch where fewer than `capacity` */
      first?: number;
    } = {},
  ) {
    this.later = capacity;
    this.capacity = Math.min(capacity, options.first ?? capacity);
    this.withDevice = options.withDevice ?? false;
    this.withCut = options.withCut ?? false;
    this.once = options.once ?? false;
    this.grows = options.grows ?? false;
    this.allocate(this.capacity);
  }

  get full() {
    return !this.grows && this.size === this.capacity;
  }

  /** where the next row's feature slots start in `data` (ask before reading `data`: a growing batch moves); they are kept only if `commit` follows */
  get offset(): number {
    if (this.grows && this.size === this.capacity) this.grow();
    return this.size * this.d;
  }

  commit(classIndex: number, time: number, rowNumber: number, device = NO_DEVICE, cut = 0) {
    if (this.device) this.device[this.size] = device;
    if (this.cut) this.cut[this.size] = cut;
    this.classIndex[this.size] = classIndex;
    this.time[this.size] = time;
    this.rowNumber[this.size] = rowNumber;
    this.size++;
  }

  take(): Batch {
    const n = this.size;
    const batch: Batch = {
      n,
      d: this.d,
      data: n === this.capacity ? this.data : this.data.slice(0, n * this.d),
      classIndex: n === this.capacity ? this.classIndex : this.classIndex.slice(0, n),
      time: n === this.capacity ? this.time : this.time.slice(0, n),
      rowNumber: n === this.capacity ? this.rowNumber : this.rowNumber.slice(0, n),
      fileIndex: new Uint16Array(n).fill(this.fileIndex),
    };
    if (this.device) batch.device = n === this.capacity ? this.device : this.device.slice(0, n);
    if (this.cut) batch.cut = n === this.capacity ? this.cut : this.cut.slice(0, n);
    // after a smaller first batch, full ones (a grown batch keeps its room)
    this.capacity = Math.max(this.capacity, this.later);
    this.allocate(this.once ? 0 : this.capacity); // the batch owns its arrays: they may be transferred to another worker
    return batch;
  }

  private allocate(rows: number) {
    this.size = 0;
    this.data = new Float32Array(rows * this.d);
    this.classIndex = new Int32Array(rows);
    this.time = new Float64Array(rows);
    this.rowNumber = new Float64Array(rows);
    if (this.withDevice) this.device = new Uint16Array(rows);
    if (this.withCut) this.cut = new Uint8Array(rows);
  }

  /** twice the room, the rows so far kept */
  private grow() {
    const { data, classIndex, time, rowNumber, device, cut, size } = this;
    this.capacity = Math.max(1, this.capacity * 2);
    this.allocate(this.capacity);
    this.size = size;
    this.data.set(data);
    this.classIndex.set(classIndex);
    this.time.set(time);
    this.rowNumber.set(rowNumber);
    if (device) this.device!.set(device);
    if (cut) this.cut!.set(cut);
  }
}

function categoryCode(column: SchemaColumn, value: string): number {
  const cats = column.categories!;
  let i = cats.indexOf(value);
  if (i === -1) {
    i = cats.length;
    cats.push(value);
  }
  return i;
}

/** Why a file has no feature columns, naming its numeric columns and what they are taken for. */
function noFeatures(name: string, header: string[], firstRows: string[][], dialect: Dialect): string {
  if (!dialect.sniffFeatures) return `${name} has none of the feature columns of ${dialect.name}`;
  if (firstRows.length === 0) return `${name} has a header but no data rows`;
  const numeric = header.filter((_, i) => isMostlyNumeric(firstRows, i));
  const text = header.filter((h) => !numeric.includes(h));
  const textPart = text.length ? `; ${nameList(text)} ${text.length === 1 ? 'holds' : 'hold'} text` : '';
  if (numeric.length === 0) return `${name} has no numeric columns to use as features${textPart}`;
  const roles = [dialect.labelColumn(header) && 'the label', dialect.timeColumn(header) && 'the time'].filter(Boolean).join(' and ');
  const one = numeric.length === 1;
  return `${name} has no numeric feature columns: ${nameList(numeric)} ${one ? 'is' : 'are'} numeric but ${one ? 'is' : 'are'} ${roles || 'left out'} column${one ? '' : 's'}${textPart}`;
}

function isMostlyNumeric(rows: string[][], index: number): boolean {
  let numeric = 0;
  let filled = 0;
  for (const row of rows) {
    const text = row[index];
    if (text === undefined || text.trim() === '') continue;
    filled++;
    const kind = parseNumericCell(text).kind;
    if (kind === CellKind.Number || kind === CellKind.Infinite) numeric++;
  }
  return filled > 0 && numeric / filled >= 0.9;
}

/** lines of a text, a last one without a line break included */
function lineCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++;
  return text.endsWith('\n') ? n : n + 1;
}

/** whether `text` holds at least `n` newlines */
function countLines(text: string, n: number): boolean {
  let at = -1;
  for (let k = 0; k < n; k++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1) return false;
  }
  return true;
}

function abortError(): Error {
  const e = new Error('reading was cancelled');
  e.name = 'AbortError';
  return e;
}
