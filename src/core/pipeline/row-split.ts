import { type Batch, DatasetReader, filterBatch, type ReadOptions, type SourceFile } from '../ingest';
import type { Dialect, ClassVocabulary } from '../schema';

/**
 * How the rows of the training files are split when no test files are given.
 * - `time`: the earlier rows of each file train, the later ones test, per class (a file
 *   that concatenates classes, as the newer CICIoMT2024 sample does, keeps each class on
 *   both sides). In capture order where the file is; this is what a deployed detector
 *   meets: traffic that comes after what it learned from.
 * - `random`: a seeded share of rows anywhere in the file, the optimistic textbook split.
 */
export type SplitKind = 'time' | 'random';
export const SPLIT_KINDS: readonly SplitKind[] = ['time', 'random'];

/** whether a row is in the test part; asked once for every row of a reading, in reading order */
export type RowPredicate = (fileIndex: number, rowNumber: number, classIndex: number) => boolean;

export interface RowSplit {
  readonly kind: SplitKind;
  readonly testFraction: number;
  /**
   * A time split counts the rows it has been asked about per file and class; a row number
   * that is not above the file's last one starts a new reading of that file, so one
   * predicate serves any number of readings.
   */
  readonly isTest: RowPredicate;
}

/**
 * A deterministic random split of a stream: whether a row is held out for testing
 * depends only on its file, its row number and the seed, so two passes over the same
 * files agree without remembering anything.
 */
export function isTestRow(fileIndex: number, rowNumber: number, seed: number, testFraction: number): boolean {
  let h = Math.imul(fileIndex + 1, 0x9e3779b1) ^ Math.imul(rowNumber, 0x85ebca6b) ^ Math.imul(seed + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296 < testFraction;
}

/** How a split chose its test rows, in one phrase ("time: the last 30 % of each file and class tested, the rest trained on"). */
export function describeSplit(split: { kind: SplitKind; test_fraction: number }): string {
  const time = split.kind === 'time';
  return `${split.kind}: the ${time ? 'last' : 'random'} ${Math.round(100 * split.test_fraction)} % of each file${time ? ' and class' : ''} tested, the rest trained on`;
}

export function randomSplit(testFraction: number, seed: number): RowSplit {
  return { kind: 'random', testFraction, isTest: (f, r) => isTestRow(f, r, seed, testFraction) };
}

/** What a counting pass learned about one file: its rows per class, and how often the class changed. */
export interface FileRows {
  /** rows per class index (−1: unlabelled) */
  perClass: Map<number, number>;
  /** stretches of consecutive rows of one class */
  runs: number;
}

/**
 * Whether a file's classes interleave (a capture in time order: benign traffic around the
 * attacks) rather than come one after another (a sample put together class by class).
 * Classes that come back once (file parts folded into one class, as TCP_IP `ICMP1` and
 * `ICMP2`) still count as one after another: interleaving means twice as many stretches
 * as classes.
 */
export function interleaved(rows: FileRows): boolean {
  return rows.runs >= 2 * rows.perClass.size;
}

/**
 * A time split from the rows of each file: the first ⌈(1 − testFraction)·n⌉ rows train,
 * the rest test. A file whose classes interleave (a capture in time order) is cut once,
 * at the same moment for every class; a file whose classes come one after another (a
 * sample put together class by class) is cut within each class, so every class is on
 * both sides and each side keeps its earliest rows for training.
 */
export function timeSplit(testFraction: number, files: ReadonlyMap<number, FileRows>): RowSplit {
  const trainRows = new Map<number, number>();
  const trainShare = (n: number) => Math.ceil(n * (1 - testFraction));
  for (const [f, rows] of files) {
    if (interleaved(rows)) trainRows.set(splitKey(f, null), trainShare([...rows.perClass.values()].reduce((a, b) => a + b, 0)));
    else for (const [c, n] of rows.perClass) trainRows.set(splitKey(f, c), trainShare(n));
  }
  const cutOnce = new Set([...files].filter(([, rows]) => interleaved(rows)).map(([f]) => f));
  const seen = new Map<number, number>();
  const lastRow = new Map<number, number>();
  return {
    kind: 'time',
    testFraction,
    isTest(fileIndex, rowNumber, classIndex) {
      if (rowNumber <= (lastRow.get(fileIndex) ?? -Infinity)) {
        for (const key of [...seen.keys()]) if (Math.floor(key / 65536) === fileIndex) seen.delete(key);
      }
      lastRow.set(fileIndex, rowNumber);
      const key = cutOnce.has(fileIndex) ? splitKey(fileIndex, null) : splitKey(fileIndex, classIndex);
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      return k >= (trainRows.get(key) ?? 0);
    },
  };
}

/** one key per file and class (unlabelled rows, class −1, are a class of their own), or per file (`null`) */
function splitKey(fileIndex: number, classIndex: number | null): number {
  return fileIndex * 65536 + (classIndex === null ? 65535 : classIndex + 1);
}

/**
 * Counts the rows of each file and class (one reading) and returns the time split, with
 * the class vocabulary of that reading so the later readings number classes alike.
 */
export async function countTimeSplit(
  files: SourceFile[],
  testFraction: number,
  options: Pick<ReadOptions, 'dialect' | 'signal' | 'onProgress' | 'vocabulary'> & {
    /** rows to leave out of the count and of the split (the test part of an outer split, for a validation split within its training part) */
    exclude?: RowPredicate;
  } = {},
): Promise<{ split: RowSplit; vocabulary: ClassVocabulary; dialect: Dialect }> {
  const reader = new DatasetReader(files, options);
  const exclude = options.exclude;
  const rows = new Map<number, FileRows>();
  let last = { file: -1, cls: 0 };
  for await (const batch of reader.batches()) {
    for (let i = 0; i < batch.n; i++) {
      const f = batch.fileIndex[i];
      const c = batch.classIndex[i];
      if (exclude?.(f, batch.rowNumber[i], c)) continue;
      let file = rows.get(f);
      if (!file) rows.set(f, (file = { perClass: new Map(), runs: 0 }));
      if (last.file !== f || last.cls !== c) file.runs++;
      file.perClass.set(c, (file.perClass.get(c) ?? 0) + 1);
      last = { file: f, cls: c };
    }
  }
  return { split: timeSplit(testFraction, rows), vocabulary: reader.classes, dialect: reader.dialect! };
}

/**
 * The rows of a reading that `exclude` does not take (the test part of a split). With
 * `onCut` the rows cut short by the end of their capture are left out too, each told to
 * `onCut` with its class: a fragment of a window (where the capture stopped, not the
 * device) is neither learned, nor used to set a threshold, nor scored.
 */
export function keptRows(batch: Batch, exclude: RowPredicate | undefined, onCut?: (classIndex: number) => void): Batch {
  const cut = onCut && batch.cut;
  if (!exclude && !cut) return batch;
  return filterBatch(batch, (i) => {
    if (exclude?.(batch.fileIndex[i], batch.rowNumber[i], batch.classIndex[i])) return false;
    if (cut && cut[i]) return (onCut(batch.classIndex[i]), false);
    return true;
  });
}

/** The rows of `batch` on one side of a split. */
export function splitPart(batch: Batch, isTest: RowPredicate, part: 'train' | 'test'): Batch {
  const want = part === 'test';
  return filterBatch(batch, (i) => isTest(batch.fileIndex[i], batch.rowNumber[i], batch.classIndex[i]) === want);
}
