import type { Detector, DetectorJSON } from '../detectors';
import { loadDetector } from '../detectors';
import type { Matrix } from '../ingest';
import { Preprocessor, type PreprocessorJSON } from '../features';
import { incompatibility, type Schema, dialectById } from '../schema';
import { displayText, nameList } from '../text';
import type { Threshold } from '../threshold';

/** What a fit learned from, for the model card and for "model for another schema" errors. */
export interface TrainingSummary {
  files: string[];
  /** dialect name as people know it */
  dataset: string;
  rowsRead: number;
  benignRows: number;
  trainRows: number;
  holdoutRows: number;
  /** capture windows the end of their capture cut short, left out of training and calibration (absent: none) */
  cutRows?: number;
  /**
   * a classifier's or hybrid's threshold: from scores of benign rows each scored by models
   * that did not learn it (folds refitted, a forest's out-of-bag trees, or a hybrid's detector
   * out of fold beside its forest out of bag); absent: held-back rows
   */
  calibration?: 'out-of-fold' | 'out-of-bag' | 'out-of-fold and out-of-bag';
  fitMs: number;
  createdAt: string;
}

export interface PipelineJSON {
  format: typeof PIPELINE_FORMAT;
  version: 1;
  schema: Schema;
  preprocessor: PreprocessorJSON;
  detector: DetectorJSON;
  threshold: Threshold;
  training: TrainingSummary;
}

export const PIPELINE_FORMAT = 'iomt-anomaly-lab/pipeline';

/** A batch's anomaly scores and the model inputs they were scored on. */
export interface ScoredRows {
  readonly scores: Float32Array;
  readonly features: Matrix;
}
/** the JSON's file name in a saved model folder; the detector's files sit beside it */
export const PIPELINE_FILE = 'pipeline.json';

/** Preprocessor + detector + threshold, fitted together: raw batches in, scores and verdicts out. */
export class FittedPipeline {
  /** the detector's scorer of raw rows, for the schema last scored */
  private raw: { schema: Schema; width: number; scorer: ((x: Matrix) => Float32Array | null) | null } | null = null;

  constructor(
    readonly schema: Schema,
    readonly preprocessor: Preprocessor,
    readonly detector: Detector,
    public threshold: Threshold,
    readonly training: TrainingSummary,
  ) {}

  /**
   * Raw rows laid out as `schema` (which must be compatible) → their anomaly scores, and the
   * model's inputs: a detector that scores raw rows as it would their inputs (an isolation
   * forest) skips the preprocessing, which is then done only if `features` is read.
   */
  async score(x: Matrix, schema: Schema): Promise<ScoredRows> {
    const scores = this.rawScorer(schema, x.d)?.(x);
    if (!scores) {
      const features = this.preprocessor.transform(x, schema);
      return { features, scores: await this.detector.score(features) };
    }
    const preprocessor = this.preprocessor;
    let features: Matrix | null = null;
    return {
      scores,
      get features() {
        return (features ??= preprocessor.transform(x, schema));
      },
    };
  }

  /** the detector's scorer of raw rows of `schema` (`width` cells), made once per schema; null where it has none */
  private rawScorer(schema: Schema, width: number): ((x: Matrix) => Float32Array | null) | null {
    if (this.raw?.schema !== schema || this.raw.width !== width) {
      const columns = this.detector.scorerOfRaw ? this.preprocessor.monotoneColumns(schema) : null;
      this.raw = { schema, width, scorer: columns && this.detector.scorerOfRaw!(columns, width) };
    }
    return this.raw.scorer;
  }

  /** Throws a one-sentence error when data of `schema` cannot be scored by this model. */
  assertCompatible(schema: Schema): void {
    const why = incompatibility(this.schema, schema);
    if (why) throw new Error(`This model cannot score the data: ${why}.`);
  }

  toJSON(): PipelineJSON {
    return {
      format: PIPELINE_FORMAT,
      version: 1,
      schema: { dialect: this.schema.dialect, columns: this.schema.columns.map(({ name, kind }) => ({ name, kind })) },
      preprocessor: this.preprocessor.toJSON(),
      detector: this.detector.toJSON(),
      threshold: this.threshold,
      training: this.training,
    };
  }

  artifacts(): Promise<Record<string, Uint8Array>> {
    return this.detector.artifacts();
  }

  static async fromJSON(json: unknown, files: Record<string, Uint8Array>): Promise<FittedPipeline> {
    const p = json as Partial<PipelineJSON>;
    if (!p || p.format !== PIPELINE_FORMAT) throw new Error(`not a saved IoMT Anomaly Lab model (expected "format": "${PIPELINE_FORMAT}")`);
    if (p.version !== 1) throw new Error(`saved model version ${String(p.version)} is not supported (this lab reads version 1)`);
    const missing = (['schema', 'preprocessor', 'detector', 'threshold', 'training'] as const).filter((k) => !p[k] || typeof p[k] !== 'object');
    if (missing.length) throw new Error(`the saved model is incomplete: ${PIPELINE_FILE} lacks ${missing.join(', ')}`);
    const detector = await loadDetector(p.detector!, files);
    const pipeline = new FittedPipeline(p.schema!, Preprocessor.fromJSON(p.preprocessor!), detector, p.threshold!, p.training!);
    const why = pipeline.inconsistency();
    if (why) {
      pipeline.dispose();
      throw new Error(`the saved model's parts disagree: ${why}`);
    }
    return pipeline;
  }

  /**
   * Why the parts of a loaded pipeline cannot have been fitted together (files from
   * different saves, or edited by hand), or null: the preprocessor reads columns the
   * schema lacks, gives another number of columns than the detector takes, or the schema's
   * dialect is not the dataset the training summary names.
   */
  inconsistency(): string | null {
    const names = new Set(this.schema.columns.map((c) => c.name));
    const unknown = this.preprocessor.inputNames.filter((n) => !names.has(n));
    if (unknown.length) return `its preprocessor reads ${nameList(unknown)}, which its schema lacks`;
    const width = this.detector.inputWidth;
    const given = this.preprocessor.outputDim;
    if (width !== undefined && width !== given) return `its preprocessor gives ${given} columns but its ${this.detector.kind} detector takes ${width}`;
    const dialect = dialectById(this.schema.dialect);
    const dataset = this.training.dataset;
    // the dataset as people name it: "BoT-IoT" agrees with "BoT-IoT (UNSW, Argus flows)"
    const family = (name: string) =>
      name
        .trim()
        .split(/[\s,(]/, 1)[0]
        .toLowerCase();
    const agrees = family(this.schema.dialect === 'generic' ? 'generic' : (dialect?.name ?? this.schema.dialect)) === family(dataset);
    if (!agrees) return `its schema is ${dialect?.name ?? displayText(this.schema.dialect, 40)} but it says it was trained on ${displayText(dataset, 60)} data`;
    return null;
  }

  dispose(): void {
    // the raw scorer holds its own copy of the trees: scoring after this fails as the detector's own would
    this.raw = null;
    this.detector.dispose();
  }
}
