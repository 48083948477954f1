import { type ColumnIssues, type SkipReason, totalSkipped, DatasetReader, type ReadProgress, type SourceFile } from '../ingest';
import type { Dialect, Schema, ClassVocabulary } from '../schema';
import type { CaptureCounters } from '../packets';
import { HistogramScan, RangeScan } from './feature-profile';

/**
 * One streaming pass over dropped files: which dataset they are and how sure the header
 * detection is, rows read / kept / skipped (with reasons and examples), rows per class,
 * cells repaired per column, each column's range, and a bounded sample of rows per class.
 * Only these aggregates leave; the rows do not.
 */
export interface DatasetProfile {
  dialect: Dialect;
  /** the lowest detection confidence over the files (null where the dialect was given) */
  confidence: number | null;
  candidates: { id: string; confidence: number }[];
  files: { name: string; size: number | null; rows: number }[];
  /** rows read = accepted + skipped */
  read: number;
  accepted: number;
  skipped: Partial<Record<SkipReason, number>>;
  skippedTotal: number;
  skippedExamples: { file: string; row: number; reason: string; detail: string }[];
  classes: { name: string; rows: number; benign: boolean; family: string }[];
  /** rows kept with no class (a capture read without a label): neither benign nor attack */
  unlabelled: number;
  /** what the packet captures among the files held (null: no captures) */
  captures: CaptureCounters | null;
  schema: Schema;
  /** feature columns the detectors leave out by default, with why */
  excluded: Record<string, string>;
  /** per feature column: cells that were not plain numbers */
  cells: Record<string, ColumnIssues>;
  /** for the exploration: ranges and per-class samples */
  scan: RangeScan;
  vocabulary: ClassVocabulary;
}

export interface InspectOptions {
  dialect?: Dialect;
  signal?: AbortSignal;
  onProgress?: (p: ReadProgress) => void;
  /** rows kept per class for the scatter */
  samplePerClass?: number;
  seed?: number;
}

export async function inspectDataset(files: SourceFile[], options: InspectOptions = {}): Promise<DatasetProfile> {
  const reader = new DatasetReader(files, { dialect: options.dialect, signal: options.signal, onProgress: options.onProgress });
  let scan: RangeScan | null = null;
  let unlabelled = 0;
  for await (const batch of reader.batches()) {
    scan ??= new RangeScan(batch.d, options.samplePerClass ?? 1000, options.seed ?? 0);
    scan.add(batch);
    for (let i = 0; i < batch.n; i++) if (batch.classIndex[i] < 0) unlabelled++;
  }
  const dialect = reader.dialect!;
  const schema = reader.schema!;
  scan ??= new RangeScan(schema.columns.length);
  const vocabulary = reader.classes;
  const c = reader.counters;
  const detections = reader.files.map((f) => f.detection).filter((d) => d !== null);
  return {
    dialect,
    confidence: detections.length ? Math.min(...detections.map((d) => d.confidence)) : null,
    candidates: detections[0]?.candidates ?? [],
    files: reader.files.map((f, i) => ({ name: f.name, size: files[i]?.size ?? null, rows: f.rows })),
    read: c.read,
    accepted: c.accepted,
    skipped: { ...c.skipped },
    skippedTotal: totalSkipped(c),
    skippedExamples: c.skippedExamples.map((e) => ({ ...e })),
    classes: vocabulary.names.map((name, i) => ({ name, rows: scan.classRows[i] ?? 0, benign: vocabulary.info[i].benign, family: vocabulary.info[i].family })),
    unlabelled,
    captures: reader.captures,
    schema,
    excluded: Object.fromEntries(Object.entries(dialect.defaultExclusions).filter(([col]) => schema.columns.some((s) => s.name === col))),
    cells: copyCells(c.cells),
    scan,
    vocabulary,
  };
}

/** Pass 2 of the exploration: every column's benign and attack histograms on edges from the profile's ranges. */
export async function featureHistograms(
  files: SourceFile[],
  profile: DatasetProfile,
  options: { signal?: AbortSignal; bins?: number; onProgress?: (p: ReadProgress) => void } = {},
): Promise<HistogramScan> {
  const ranges = profile.schema.columns.map((_, j) => profile.scan.range(j));
  const hist = new HistogramScan(ranges, (c) => profile.vocabulary.isBenign(c), options.bins ?? 40);
  const reader = new DatasetReader(files, { dialect: profile.dialect, vocabulary: profile.vocabulary, signal: options.signal, onProgress: options.onProgress });
  for await (const batch of reader.batches()) hist.add(batch);
  return hist;
}

function copyCells(cells: Record<string, ColumnIssues>): Record<string, ColumnIssues> {
  return Object.fromEntries(Object.entries(cells).map(([k, v]) => [k, { ...v, examples: [...v.examples] }]));
}
