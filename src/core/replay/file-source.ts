import { DatasetReader, DeviceNames, filterBatch, type SourceFile, InputError, type Batch, type SkipReason } from '../ingest';
import { addCaptureCounters, isCaptureName, newCaptureCounters, type CaptureCounters } from '../packets';
import { nameList } from '../text';
import { type Schema, ClassVocabulary } from '../schema';
import { NO_DEVICE, type SourceMeta } from './flow-batch';
import type { FlowRows, FlowSource } from './flow-source';
import type { ByteFile } from '../util';

// a file is read from any byte (a browser `File`'s `slice`, a Node buffer) and only ever
// streamed, so several GB work
export type { ByteFile };

/** how far the first line may run before a seek gives up looking for it */
const MAX_HEADER_BYTES = 1 << 20;
const NEWLINE = 10;
/** rows of each file's first batch: `open` waits for it, so a drop shows scored flows sooner */
const FIRST_BATCH_ROWS = 512;

/**
 * Dropped files as a flow source, through the core's streaming `DatasetReader`.
 *
 * Seeking (to a fraction of all the files' bytes): the file holding that byte is read
 * again from the first line break at or after it, with its header line put in front, so
 * nothing before is parsed. Compressed files cannot be entered in the middle: they are
 * read from their start and the rows before the byte are passed over without being
 * emitted (roughly: the byte count is of compressed bytes, which the decompressor reads
 * ahead of the rows). Row numbers after a seek into the middle of a plain file count from the seek
 * point (the rows before it were not read, so their number is unknown); flows carry
 * them as they are. Class indices stay stable across seeks and loops (one vocabulary);
 * a categorical column's codes may be renumbered after a seek, which the new 'meta'
 * message carries.
 */
export class FileFlowSource implements FlowSource {
  /** one class vocabulary and dialect for every reader, so class indices stay stable across seeks and loops */
  private vocabulary: ClassVocabulary | null = null;
  private dialect: DatasetReader['dialect'] = null;
  /** one device list for every reader, so device indices stay stable across seeks and loops too */
  private readonly devices = new DeviceNames();
  private reader: DatasetReader | null = null;
  /** null once closed, or after a seek past the last row: the source yields nothing more until a restart */
  private iterator: AsyncIterator<Batch> | null = null;
  /** index of the reader's first file among all files */
  private firstFile = 0;
  /** where the reader's first file starts being read (bytes) */
  private readStart = 0;
  private bytesRead = 0;
  private readonly total: number;
  private skippedSeen: Record<string, number> = {};
  private skippedDelta: Record<string, number> = {};
  private metaKey = '';
  private version = 0;
  private currentMeta: SourceMeta | null = null;
  private hasOwnTime: boolean | null = null;
  private timeOffset = 0;
  private minTime = Infinity;
  private maxTime = -Infinity;
  /** rows of the first batch, read by `open` before anyone asked */
  private held: Batch | null = null;
  /** compressed files: bytes to pass over before emitting (a seek) */
  private passOverUntil = 0;
  /** what the captures held, summed over the readers closed so far (a seek or a loop reads them again) */
  private packetsBefore: CaptureCounters | null = null;
  /** packets and flows last reported, so an unchanged tally is not sent again */
  private packetsKey = '';

  constructor(
    private readonly files: readonly ByteFile[],
    private readonly batchSize = 8192,
  ) {
    if (files.length === 0) throw new InputError('no files to replay');
    this.total = files.reduce((a, f) => a + f.size, 0);
  }

  get metaVersion(): number {
    return this.version;
  }

  async open(): Promise<void> {
    this.startReader(0, 0);
    this.held = await this.pull();
    if (!this.held) throw new InputError(`${nameList(this.files.map((f) => f.name))} ${this.files.length === 1 ? 'holds' : 'hold'} no flows`);
  }

  meta(): SourceMeta {
    if (!this.currentMeta) throw new Error('open the source first');
    return this.currentMeta;
  }

  async next(): Promise<FlowRows | null> {
    const batch = this.held ?? (await this.pull());
    this.held = null;
    if (!batch) return null;
    return { ...batch, device: batch.device ?? new Uint16Array(batch.n).fill(NO_DEVICE) };
  }

  fraction(): number | null {
    return this.total > 0 ? Math.min(1, this.bytesRead / this.total) : null;
  }

  async seek(fraction: number): Promise<void> {
    if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`seek to a fraction between 0 and 1, not ${fraction}`);
    this.held = null;
    let target = Math.floor(fraction * this.total);
    let k = 0;
    while (k < this.files.length - 1 && target >= this.files[k].size) target -= this.files[k++].size;
    target = Math.min(target, this.files[k].size);
    const file = this.files[k];
    if (target === 0) return this.startReader(k, 0);
    if (isCompressed(file.name) || isCaptureName(file.name)) {
      this.startReader(k, 0);
      this.passOverUntil = this.offsetOf(k) + target;
      return;
    }
    const start = await nextLineStart(file, target - 1);
    if (start === null || start >= file.size) {
      if (k + 1 < this.files.length) return this.startReader(k + 1, 0);
      // past the last row of the last file: nothing is left to read
      this.close();
      this.passOverUntil = 0;
      this.bytesRead = this.total;
      return;
    }
    this.startReader(k, start, await this.headerOf(file));
  }

  async restart(): Promise<void> {
    if (this.hasOwnTime && this.maxTime >= this.minTime) {
      // the next lap continues the flow time one second after this one ended
      this.timeOffset += this.maxTime - this.minTime + 1;
      this.minTime = Infinity;
      this.maxTime = -Infinity;
    }
    this.held = null;
    this.startReader(0, 0);
  }

  takeSkipped(): Record<string, number> {
    const out = this.skippedDelta;
    this.skippedDelta = {};
    return out;
  }

  takePackets(): CaptureCounters | null {
    const current = this.reader?.captures ?? null;
    if (!current && !this.packetsBefore) return null;
    const total = newCaptureCounters();
    if (this.packetsBefore) addCaptureCounters(total, this.packetsBefore);
    if (current) addCaptureCounters(total, current);
    const key = `${total.packets}|${total.flows}|${total.problems.length}`;
    if (key === this.packetsKey) return null;
    this.packetsKey = key;
    return total;
  }

  close(): void {
    const done = this.reader?.captures;
    if (done) addCaptureCounters((this.packetsBefore ??= newCaptureCounters()), done);
    void this.iterator?.return?.();
    this.iterator = null;
    this.reader = null;
  }

  private offsetOf(k: number): number {
    let off = 0;
    for (let i = 0; i < k; i++) off += this.files[i].size;
    return off;
  }

  private startReader(k: number, start: number, header?: Uint8Array): void {
    this.close();
    const sources: SourceFile[] = this.files.slice(k).map((f, i) => {
      if (i > 0 || start === 0) return { name: f.name, size: f.size, stream: () => f.stream(0) };
      return { name: f.name, size: header!.length + f.size - start, stream: () => prepend(header!, f.stream(start)) };
    });
    this.firstFile = k;
    this.readStart = start;
    // a pass-over belongs to the seek that set it, never to a later reader
    this.passOverUntil = 0;
    const from = this.offsetOf(k) + start;
    this.bytesRead = from;
    this.skippedSeen = {};
    // the reader counts the header put in front too
    const base = from - (start === 0 ? 0 : header!.length);
    const reader = new DatasetReader(sources, {
      batchSize: this.batchSize,
      // the run's first flows go out (and are scored) while the rest of the first batch's worth is still being read
      firstBatchSize: Math.min(this.batchSize, FIRST_BATCH_ROWS),
      vocabulary: this.vocabulary ?? undefined,
      dialect: this.dialect ?? undefined,
      devices: this.devices,
      onProgress: (p) => {
        this.bytesRead = Math.max(from, base + p.bytesRead);
      },
    });
    this.reader = reader;
    this.iterator = reader.batches()[Symbol.asyncIterator]();
  }

  private async pull(): Promise<Batch | null> {
    for (;;) {
      const reader = this.reader;
      const iterator = this.iterator;
      if (!reader || !iterator) return null;
      const step = await iterator.next();
      this.collectSkipped(reader);
      if (step.done) return null;
      this.vocabulary ??= reader.classes;
      this.dialect = reader.dialect;
      if (this.firstFile > 0) for (let i = 0; i < step.value.n; i++) step.value.fileIndex[i] += this.firstFile;
      if (this.passOverUntil > 0) {
        if (this.bytesRead < this.passOverUntil) continue;
        this.passOverUntil = 0;
      }
      const batch = this.withoutCut(step.value);
      if (batch.n === 0) continue;
      this.noteTimes(batch);
      this.refreshMeta(reader);
      return batch;
    }
  }

  /** a capture's windows its end cut short are not scored: skipped, counted (read = scored + skipped) */
  private withoutCut(batch: Batch): Batch {
    const cut = batch.cut;
    if (!cut?.includes(1)) return batch;
    const reason: SkipReason = 'window cut by the end of its capture';
    this.skippedDelta[reason] = (this.skippedDelta[reason] ?? 0) + cut.reduce((a, c) => a + c, 0);
    return filterBatch(batch, (i) => cut[i] === 0);
  }

  private noteTimes(batch: Batch): void {
    if (this.hasOwnTime === null) {
      let own = false;
      for (let i = 0; i < batch.n && !own; i++) own = batch.time[i] !== batch.rowNumber[i];
      this.hasOwnTime = own;
    }
    if (!this.hasOwnTime) return;
    const t = batch.time;
    for (let i = 0; i < batch.n; i++) {
      const v = t[i];
      if (v < this.minTime) this.minTime = v;
      if (v > this.maxTime) this.maxTime = v;
      if (this.timeOffset) t[i] = v + this.timeOffset;
    }
  }

  private refreshMeta(reader: DatasetReader): void {
    const key = `${vocabulariesKey(reader)}|${this.firstFile}:${this.readStart}`;
    if (key === this.metaKey && this.currentMeta) return;
    this.metaKey = key;
    this.version++;
    const label = this.files.length === 1 ? this.files[0].name : `${this.files.length} files (${this.files[0].name}, …)`;
    this.currentMeta = readerMeta(reader, label, this.hasOwnTime ?? false);
  }

  private collectSkipped(reader: DatasetReader): void {
    for (const [reason, count] of Object.entries(reader.counters.skipped)) {
      const before = this.skippedSeen[reason] ?? 0;
      if (count! > before) {
        this.skippedDelta[reason] = (this.skippedDelta[reason] ?? 0) + count! - before;
        this.skippedSeen[reason] = count!;
      }
    }
  }

  private async headerOf(file: ByteFile): Promise<Uint8Array> {
    const head = await file.read(0, Math.min(file.size, MAX_HEADER_BYTES));
    const end = head.indexOf(NEWLINE);
    if (end === -1) throw new InputError(`${file.name} has no line break in its first ${MAX_HEADER_BYTES} bytes: it cannot be entered in the middle`);
    return head.slice(0, end + 1);
  }
}

/**
 * whether the name says gzip (a gzip file without the name is read from its start too: its magic bytes are checked then);
 * captures cannot be entered in the middle either (packets, not lines): they are read from the start and passed over too
 */
function isCompressed(name: string): boolean {
  return /\.gz$/i.test(name);
}

/** the byte after the first line break at or after `from`, or null if none */
async function nextLineStart(file: ByteFile, from: number): Promise<number | null> {
  const step = 64 * 1024;
  for (let at = Math.max(0, from); at < file.size; at += step) {
    const bytes = await file.read(at, Math.min(file.size, at + step));
    const i = bytes.indexOf(NEWLINE);
    if (i !== -1) return at + i + 1;
  }
  return null;
}

function prepend(head: Uint8Array, rest: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = rest.getReader();
  let sentHead = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        controller.enqueue(head.slice());
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/** changes whenever a reader's classes, devices or category lists grow, so a source knows to send its meta again */
export function vocabulariesKey(reader: DatasetReader): string {
  const categories = reader.schema!.columns.map((c) => c.categories?.length ?? '').join(',');
  return `${reader.classes.names.length}|${reader.devices.names.length}|${categories}`;
}

/** a source's meta from what its reader has met so far (copies: the meta is posted while the reader goes on) */
export function readerMeta(reader: DatasetReader, label: string, hasOwnTime: boolean): SourceMeta {
  const classes = reader.classes;
  return {
    label,
    dataset: reader.dialect!.name,
    schema: copySchema(reader.schema!),
    classes: classes.names.map((name, i) => ({ name, ...classes.info[i] })),
    devices: [...reader.devices.names],
    hasOwnTime,
  };
}

/** a snapshot: the reader keeps growing its categories */
function copySchema(schema: Schema): Schema {
  return { dialect: schema.dialect, columns: schema.columns.map((c) => ({ ...c, categories: c.categories ? [...c.categories] : undefined })) };
}
