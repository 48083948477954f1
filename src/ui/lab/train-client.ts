import * as Comlink from 'comlink';
import type { CompareRequest, ComparisonResult, EvaluateRequest, EvaluationResult, KeepRequest, TrainWorkerApi } from '../../core/lab';
import type { PipelineProgress } from '../../core/pipeline';
import type { CompareProgress } from '../../core/study';
import type {
  DatasetInfo,
  ExploreOptions,
  FeatureExploration,
  InspectProgress,
  ModelSummary,
  TrainApi,
  TrainProgress,
  TrainRequest,
  TrainResult,
} from './lab-api';
import { workerName } from './backend-choice';
import { pathOf } from './dropped-files';

export type { CompareProgress, CompareRequest, ComparisonResult, EvaluateRequest, EvaluationResult, PipelineProgress };

/** The page's only way to the train worker; one worker serves every view. */
export class TrainClient implements TrainApi {
  private worker = new Worker(new URL('../../../workers/train.worker.ts', import.meta.url), { type: 'module', name: workerName('train') });
  private api = Comlink.wrap<TrainWorkerApi>(this.worker);

  backend() {
    return this.api.backend();
  }

  evaluate(request: EvaluateRequest, onProgress: (p: PipelineProgress) => void): Promise<EvaluationResult> {
    return this.api.evaluate(request, Comlink.proxy(onProgress));
  }

  compare(request: CompareRequest, onProgress: (p: CompareProgress) => void): Promise<ComparisonResult> {
    return this.api.compare(request, Comlink.proxy(onProgress));
  }

  cancel(): Promise<void> {
    return this.api.cancel();
  }

  inspect(files: File[], onProgress: (p: InspectProgress) => void): Promise<DatasetInfo> {
    return this.api.inspect(files, Comlink.proxy(onProgress));
  }

  explore(
    files: File[],
    feature: string,
    scatter?: { x: string; y: string },
    options?: ExploreOptions,
    onProgress?: (p: InspectProgress) => void,
  ): Promise<FeatureExploration> {
    return this.api.explore(files, feature, scatter, options, onProgress && Comlink.proxy(onProgress));
  }

  train(request: TrainRequest, onProgress: (p: TrainProgress) => void): Promise<TrainResult> {
    return this.api.train(request, Comlink.proxy(onProgress));
  }

  listModels(): Promise<ModelSummary[]> {
    return this.api.listModels();
  }

  loadModelFiles(files: File[], against?: File[]): Promise<ModelSummary> {
    // a File's folder path does not survive the trip to the worker: send it beside
    return this.api.loadModelFiles(files, against, files.map(pathOf));
  }

  modelFiles(id: string): Promise<{ name: string; blob: Blob }[]> {
    return this.api.modelFiles(id);
  }

  keepCompared(request: KeepRequest, onProgress: (p: PipelineProgress) => void): Promise<ModelSummary> {
    return this.api.keepCompared(request, Comlink.proxy(onProgress));
  }

  deleteModel(id: string): Promise<void> {
    return this.api.deleteModel(id);
  }

  saveModel(id: string, name?: string): Promise<ModelSummary> {
    return this.api.saveModel(id, name);
  }

  setThreshold(id: string, value: number): Promise<{ value: number; spec: string }> {
    return this.api.setThreshold(id, value);
  }
}
