import { featureHistograms, inspectDataset, scatterPoints, type DatasetProfile, type HistogramScan } from '../explore';
import { DatasetReader } from '../ingest';
import type { Schema } from '../schema';
import { blobFile, filePath, fnv1a, throttle } from '../util';
import type { DatasetInfo, ExploreOptions, FeatureExploration, InspectProgress } from './train-api';

/** progress across a worker boundary: often enough to move a bar */
const PROGRESS_MS = 100;
/** points of the Data view's scatter */
const SCATTER_POINTS = 4000;

/**
 * The Data view's reading of dropped files: one inspection (dataset, classes, skipped
 * rows, cells), then every feature's histograms on the first exploration, kept for the
 * last set of files so later explorations answer at once.
 */
export class DatasetExplorer {
  private explored: { key: string; profile: DatasetProfile; histograms: HistogramScan | null } | null = null;

  async inspect(files: File[], signal: AbortSignal, onProgress: (p: InspectProgress) => void): Promise<DatasetInfo> {
    const key = filesKey(files);
    const report = throttle(onProgress, PROGRESS_MS, () => '');
    const profile = await inspectDataset(files.map(blobFile), {
      signal,
      onProgress: (p) => report({ phase: 'inspect', bytesRead: p.bytesRead, bytesTotal: p.bytesTotal, rows: p.rows }),
    });
    const bytes = files.reduce((a, f) => a + f.size, 0);
    onProgress({ phase: 'inspect', bytesRead: bytes, bytesTotal: bytes, rows: profile.read });
    this.explored = { key, profile, histograms: null };
    return datasetInfo(key, files, profile);
  }

  async explore(
    files: File[],
    feature: string,
    signal: AbortSignal,
    scatter?: { x: string; y: string },
    options: ExploreOptions = {},
    onProgress?: (p: InspectProgress) => void,
  ): Promise<FeatureExploration> {
    const key = filesKey(files);
    if (this.explored?.key !== key) this.explored = { key, profile: await inspectDataset(files.map(blobFile), { signal }), histograms: null };
    const state = this.explored;
    const { profile } = state;
    const names = profile.schema.columns.map((c) => c.name);
    const j = names.indexOf(feature);
    if (j < 0) throw new Error(`"${feature}" is not a feature column of these files`);
    if (!state.histograms) {
      const report = onProgress && throttle(onProgress, PROGRESS_MS, () => '');
      state.histograms = await featureHistograms(files.map(blobFile), profile, {
        signal,
        onProgress: report && ((p) => report({ phase: 'explore', bytesRead: p.bytesRead, bytesTotal: p.bytesTotal, rows: p.rows })),
      });
    }
    const h = (options.log ? state.histograms.log : state.histograms.linear)[j];
    const side = (benign: boolean) => profile.classes.filter((c) => c.benign === benign).reduce((a, c) => a + c.rows, 0);
    const result: FeatureExploration = {
      feature,
      edges: h.edges,
      benign: h.benign,
      attack: h.attack,
      log: !!options.log,
      nonFinite: { benign: { ...h.nonFinite.benign }, attack: { ...h.nonFinite.attack } },
      rows: { benign: side(true), attack: side(false) },
    };
    if (scatter) {
      const x = names.indexOf(scatter.x);
      const y = names.indexOf(scatter.y);
      if (x < 0 || y < 0) throw new Error(`"${x < 0 ? scatter.x : scatter.y}" is not a feature column of these files`);
      result.scatter = {
        x: scatter.x,
        y: scatter.y,
        points: scatterPoints(profile.scan, x, y, SCATTER_POINTS),
        classes: profile.classes.map((c) => c.name),
        benign: profile.classes.map((c) => c.benign),
        families: profile.classes.map((c) => c.family),
        sampledFrom: profile.accepted,
      };
    }
    return result;
  }

  /** the schema of files, from their first batch (the profile's when they were inspected) */
  async schemaOf(files: File[]): Promise<Schema> {
    if (this.explored?.key === filesKey(files)) return this.explored.profile.schema;
    const reader = new DatasetReader(files.map(blobFile));
    for await (const _ of reader.batches()) break;
    return reader.schema!;
  }
}

function filesKey(files: File[]): string {
  return files.map((f) => `${filePath(f)}:${f.size}:${f.lastModified}`).join('|');
}

function datasetInfo(key: string, files: File[], p: DatasetProfile): DatasetInfo {
  return {
    id: `files:${fnv1a(key)}`,
    name: files.length === 1 ? files[0].name : `${files.length} files (${files[0].name}, …)`,
    files: files.map((f) => ({ name: filePath(f), size: f.size })),
    dataset: p.dialect.name,
    dialect: p.dialect.id,
    confidence: p.confidence ?? 1,
    rows: p.read,
    accepted: p.accepted,
    classes: p.classes.map((c) => ({ ...c })),
    unlabelled: p.unlabelled,
    captures: p.captures,
    skipped: { ...p.skipped } as Record<string, number>,
    skippedExamples: p.skippedExamples,
    columns: p.schema.columns.map((c) => c.name),
    excluded: p.excluded,
    cells: p.cells,
    fileRows: p.files.map((f) => ({ name: f.name, rows: f.rows })),
  };
}
