import { DatasetReader, type ReadProgress, type SourceFile, RowSample, type Matrix, totalSkipped } from '../ingest';
import { type Dialect, type Schema, ClassVocabulary } from '../schema';
import type { CaptureCounters } from '../packets';
import { keptRows, type RowPredicate } from './row-split';

/** What the models learn to tell apart: benign/attack, every class, or every attack family. */
export type Task = 'binary' | 'multiclass' | 'family';
export const TASKS: readonly Task[] = ['binary', 'multiclass', 'family'];

/** Labelled raw rows of a reading, with their target under a task. */
export interface LabelledSet {
  x: Matrix;
  /** class index in the shared vocabulary, per row */
  classIndex: Int32Array;
  /** file of each row, for finding running counters */
  fileIndex: Uint16Array;
  schema: Schema;
  dialect: Dialect;
  /** `cut`: capture windows the end of their capture cut short, left out (of a test reading as of a training one) */
  rows: { read: number; used: number; skipped: number; unlabelled: number; sampled_out: number; cut: number };
  /** what the packet captures among the files held (packets read, used, skipped by reason, flows made); null: no captures */
  packets: CaptureCounters | null;
}

/**
 * Every labelled row of the files (a uniform sample of `maxRows` past that), in file
 * order. Share `vocabulary` between the training and the test reading.
 */
export async function readLabelled(
  files: SourceFile[],
  vocabulary: ClassVocabulary | undefined,
  options: {
    dialect?: Dialect;
    maxRows: number;
    seed: number;
    signal?: AbortSignal;
    /** leave these rows out (the test part of a split of the same files) */
    excludeRow?: RowPredicate;
    onProgress?: (p: ReadProgress) => void;
  },
): Promise<{ set: LabelledSet; vocabulary: ClassVocabulary }> {
  const reader = new DatasetReader(files, { dialect: options.dialect, vocabulary, signal: options.signal, onProgress: options.onProgress });
  let sample: RowSample | null = null;
  let unlabelled = 0;
  let cut = 0;
  for await (const raw of reader.batches()) {
    const batch = keptRows(raw, options.excludeRow, () => cut++);
    sample ??= new RowSample(batch.d, options.maxRows, options.seed);
    sample.add(batch, (c) => c >= 0 || (unlabelled++, false));
  }
  if (!sample || sample.seen === 0) throw new Error(`no labelled rows in ${files.map((f) => f.name).join(', ')}`);
  const { x, fileIndex, classIndex } = sample.rows();
  const kept = x.n;
  return {
    set: {
      x,
      classIndex,
      fileIndex,
      schema: reader.schema!,
      dialect: reader.dialect!,
      rows: { read: reader.counters.read, used: kept, skipped: totalSkipped(reader.counters), unlabelled, sampled_out: sample.seen - kept, cut },
      packets: reader.captures,
    },
    vocabulary: reader.classes,
  };
}

/** Target index per row under a task, and the targets' names. */
export function targets(classIndex: Int32Array, vocabulary: ClassVocabulary, task: Task): { y: Int32Array; names: string[] } {
  if (task === 'multiclass') return { y: classIndex, names: [...vocabulary.names] };
  if (task === 'binary') return { y: Int32Array.from(classIndex, (c) => (vocabulary.isBenign(c) ? 0 : 1)), names: ['Benign', 'Attack'] };
  const families: string[] = [];
  const familyOf = vocabulary.info.map((info) => {
    let f = families.indexOf(info.family);
    if (f === -1) f = families.push(info.family) - 1;
    return f;
  });
  return { y: Int32Array.from(classIndex, (c) => familyOf[c]), names: families };
}
