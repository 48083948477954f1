import { type BackendInfo, isClassifierDetector } from '../detectors';
import { detectorSettings, trainRun } from '../training';
import type { SourceFile } from '../ingest';
import { evaluate, type PipelineProgress, type FittedPipeline, fitSupervisedPipeline } from '../pipeline';
import { simulationSource } from '../sim';
import type { LabStore } from '../store';
import { compareModels, studyReportHtml, type CompareProgress } from '../study';
import { describeThreshold, parseThreshold, thresholdCaveat } from '../threshold';
import { blobFile, throttle } from '../util';
import { DatasetExplorer } from './dataset-explorer';
import { Jobs } from './jobs';
import { ModelShelf } from './model-shelf';
import type {
  CompareRequest,
  ComparisonResult,
  DatasetInfo,
  EvaluateRequest,
  EvaluationResult,
  ExploreOptions,
  FeatureExploration,
  InspectProgress,
  KeepRequest,
  ModelSummary,
  TrainProgress,
  TrainRequest,
  TrainResult,
  TrainWorkerApi,
} from './train-api';

/** What a host gives the train service: its store and its scoring backend. */
export interface TrainHost {
  openStore(): Promise<LabStore>;
  backend(): Promise<BackendInfo>;
}

/** progress of fitting across a worker boundary: a few times a second, every phase */
const PROGRESS_MS = 150;

/**
 * The train side of the lab, DOM-free: inspect and explore dropped files, evaluate a
 * detector, compare supervised models, train a pipeline and keep it for Save, and the
 * stored models. `cancel` stops every running job. The train worker hosts it; Node tests
 * host it over fake-indexeddb.
 */
export class TrainService implements TrainWorkerApi {
  private readonly jobs = new Jobs();
  private readonly explorer = new DatasetExplorer();
  private readonly shelf: ModelShelf;
  private readonly ready: () => Promise<BackendInfo>;
  private readonly openStore: () => Promise<LabStore>;

  constructor(host: TrainHost) {
    let store: Promise<LabStore> | null = null;
    // a store that failed to open is tried again next time
    this.openStore = () => (store ??= host.openStore().catch((e: unknown) => ((store = null), Promise.reject(e))));
    this.ready = () => host.backend();
    this.shelf = new ModelShelf(this.openStore, this.ready);
  }

  backend(): Promise<BackendInfo> {
    return this.ready();
  }

  evaluate(request: EvaluateRequest, onProgress: (p: PipelineProgress) => void): Promise<EvaluationResult> {
    return this.jobs.run(async (signal) => {
      const result = await evaluate({
        ...sources(request),
        detector: request.detector,
        threshold: parseThreshold(request.threshold),
        seed: request.seed,
        split: request.split,
        signal,
        onProgress: throttle(onProgress, PROGRESS_MS, (p) => p.phase),
      });
      const { report, rows, dataset, warnings, trainRows, split, choice, packets } = result;
      const { training, threshold, preprocessor, detector } = result.pipeline;
      result.pipeline.dispose();
      return {
        report,
        rows,
        dataset,
        warnings,
        trainRows,
        split,
        choice,
        packets,
        training,
        threshold,
        excluded: preprocessor.excluded,
        detector: detector.kind,
      };
    }, this.ready);
  }

  compare(request: CompareRequest, onProgress: (p: CompareProgress) => void): Promise<ComparisonResult> {
    return this.jobs.run(async (signal) => {
      const result = await compareModels({
        ...sources(request),
        task: request.task,
        balance: request.balance,
        split: request.split,
        seed: request.seed,
        signal,
        onProgress: throttle(onProgress, PROGRESS_MS, (p) => `${p.stage}${p.model}`),
      });
      return { result, reportHtml: studyReportHtml(result) };
    }, this.ready);
  }

  cancel(): void {
    this.jobs.cancelAll();
  }

  /** reads the files once: dialect, classes, counts, skipped rows (the Data view) */
  inspect(files: File[], onProgress: (p: InspectProgress) => void): Promise<DatasetInfo> {
    return this.jobs.run((signal) => this.explorer.inspect(files, signal, onProgress));
  }

  explore(
    files: File[],
    feature: string,
    scatter?: { x: string; y: string },
    options?: ExploreOptions,
    onProgress?: (p: InspectProgress) => void,
  ): Promise<FeatureExploration> {
    return this.jobs.run((signal) => this.explorer.explore(files, feature, signal, scatter, options, onProgress));
  }

  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainResult> {
    return this.jobs.run(async (signal) => {
      const source = request.source;
      if (source.kind === 'files' && source.files.length === 0) throw new Error('no files to train on: drop CSV files in the Data view first');
      const files = source.kind === 'files' ? source.files.map(blobFile) : [simulationSource(source.scenario, source.seed, request.rows)];
      const settings = detectorSettings(request.detector, request.settings);
      // every epoch passes, so the loss curve gets all its points
      const report = throttle(onProgress, PROGRESS_MS, (p) => `${p.phase}|${p.stage ?? ''}|${p.epoch ?? ''}`);
      const run = await trainRun(files, {
        detector: request.detector,
        settings,
        threshold: parseThreshold(request.threshold),
        seed: request.seed,
        signal,
        onProgress: report,
      });
      const { pipeline } = run;
      const t = pipeline.training;
      const names = source.kind === 'simulation' ? `simulated ${source.scenario}` : t.files.length === 1 ? t.files[0] : `${t.files.length} files`;
      const summary: ModelSummary = {
        id: crypto.randomUUID(),
        name: request.name?.trim() || `${request.detector} · ${names}`,
        createdAt: Date.now(),
        detector: pipeline.detector.kind,
        dataset: t.dataset,
        origin: 'trained',
      };
      this.shelf.keep(summary, pipeline);
      const r = run.report;
      return {
        model: summary,
        scores: run.distributions,
        saved: false,
        threshold: thresholdOf(pipeline),
        report: { roc_auc: r.roc_auc, pr_auc: r.pr_auc, tpr: r.tpr, fpr: r.fpr, precision: r.precision, f1: r.f1, per_class: r.per_class },
        heldOut: run.heldOut,
        training: {
          rowsRead: t.rowsRead,
          benignRows: t.benignRows,
          trainRows: t.trainRows,
          holdoutRows: t.holdoutRows,
          calibration: t.calibration ?? null,
          cutRows: t.cutRows ?? 0,
          fitMs: t.fitMs,
          skipped: run.read.skipped,
        },
        history: run.history && { loss: [...run.history.loss], valLoss: [...run.history.valLoss], bestEpoch: run.history.bestEpoch },
        excluded: { ...pipeline.preprocessor.excluded },
        packets: run.packets,
      };
    }, this.ready);
  }

  keepCompared(request: KeepRequest, onProgress: (p: PipelineProgress) => void): Promise<ModelSummary> {
    return this.jobs.run(async (signal) => {
      if (request.train.length === 0) throw new Error('no training files to train the model on');
      const kind = request.model === 'kmeans' ? 'kmeans_classifier' : request.model;
      if (!isClassifierDetector(kind)) throw new Error(`"${String(request.model)}" is not a model of the comparison`);
      const { pipeline } = await fitSupervisedPipeline(request.train.map(blobFile), {
        // the model as the comparison trained it: scikit-learn's defaults
        detector: kind,
        settings: { asCompared: true },
        seed: request.seed,
        signal,
        onProgress: throttle(onProgress, PROGRESS_MS, (p) => p.phase),
      });
      const t = pipeline.training;
      const summary: ModelSummary = {
        id: crypto.randomUUID(),
        name: `${kind} · ${t.files.length === 1 ? t.files[0] : `${t.files.length} files`} (kept from the comparison)`,
        createdAt: Date.now(),
        detector: kind,
        dataset: t.dataset,
        origin: 'trained',
      };
      this.shelf.keep(summary, pipeline);
      return this.shelf.save(summary.id);
    }, this.ready);
  }

  saveModel(id: string, name?: string): Promise<ModelSummary> {
    return this.shelf.save(id, name);
  }

  setThreshold(id: string, value: number): Promise<{ value: number; spec: string }> {
    return this.shelf.setThreshold(id, value);
  }

  listModels(): Promise<ModelSummary[]> {
    return this.shelf.list();
  }

  loadModelFiles(files: File[], against?: File[], paths?: string[]): Promise<ModelSummary> {
    return this.shelf.load(files, against?.length ? () => this.explorer.schemaOf(against) : undefined, paths);
  }

  modelFiles(id: string): Promise<{ name: string; blob: Blob }[]> {
    return this.shelf.files(id);
  }

  deleteModel(id: string): Promise<void> {
    return this.shelf.delete(id);
  }
}

function thresholdOf(pipeline: FittedPipeline): { value: number; spec: string; caveat: string | null } {
  return { value: pipeline.threshold.value, spec: describeThreshold(pipeline.threshold.spec), caveat: thresholdCaveat(pipeline.threshold) };
}

/** the request's dropped files as the core reads them; no test files means "split the training files" */
function sources(request: { train: File[]; test: File[] }): { train: SourceFile[]; test?: SourceFile[] } {
  return { train: request.train.map(blobFile), test: request.test.length ? request.test.map(blobFile) : undefined };
}
