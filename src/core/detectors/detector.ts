import type { Matrix } from '../ingest';
import type { FitOptions, FitProgress } from '../util';

// every fit takes these; they live in util so classifiers and balancers need not import detectors
export type { FitOptions, FitProgress };

/**
 * An unsupervised anomaly scorer, fitted on (preprocessed) benign rows.
 * Higher scores are more anomalous. Scores are comparable only within one detector.
 */
export interface Detector {
  readonly kind: string;
  fit(x: Matrix, options?: FitOptions): Promise<void>;
  score(x: Matrix): Promise<Float32Array>;
  /** plain JSON; autoencoders put their weights in the TensorFlow.js format beside it */
  toJSON(): DetectorJSON;
  /**
   * Binary files the JSON refers to by relative path (e.g. an autoencoder's
   * `autoencoder/weights.bin`, named in its TensorFlow.js `model.json`). Empty for
   * detectors that are plain JSON.
   */
  artifacts(): Promise<Record<string, Uint8Array>>;
  dispose(): void;
  /** the number of input columns a fitted detector takes (optional: for checking saved files against each other) */
  readonly inputWidth?: number;
  /**
   * Detectors that know attack classes (classifiers, hybrids): the classes they name, in
   * the order of `nameClasses`' indices. Absent on unsupervised detectors.
   */
  readonly classes?: readonly KnownClass[];
  /** per row, the most likely attack class (index into `classes`) and its probability */
  nameClasses?(x: Matrix): NamedRows;
  /**
   * Detectors whose score is a sum over input columns (autoencoders: squared reconstruction
   * errors): the scores with each column's part, for showing what made a row stand out.
   */
  scoreWithContributions?(x: Matrix): Promise<Contributions>;
  /**
   * Detectors that only compare each input with thresholds (isolation forests): a scorer of
   * raw rows `width` cells wide whose scores are, bit for bit, this detector's scores of the
   * mapped rows (input j is `columns[j].output(row[columns[j].column])`), without mapping
   * them; null where that cannot be exact (the scorer returns null for a batch it cannot score exactly).
   */
  scorerOfRaw?(columns: readonly ColumnMap[], width: number): ((x: Matrix) => Float32Array | null) | null;
}

/** A model input as a non-decreasing function of one raw cell (a preprocessor's scaled, clipped column). */
export interface ColumnMap {
  /** the raw cell's column */
  column: number;
  /** the input the cell value v gives (a missing cell is NaN) */
  output(v: number): number;
}

/** scores with each input column's part in them */
export interface Contributions {
  /** per row: the mean of its row of `perFeature` */
  scores: Float32Array;
  /** n × d parts (an autoencoder's squared reconstruction errors), row-major */
  perFeature: Float32Array;
}

/** A class a supervised detector was trained on. */
export interface KnownClass {
  name: string;
  benign: boolean;
  family: string;
}

export interface NamedRows {
  classIndex: Int32Array;
  confidence: Float32Array;
}

/** Rebuilds a detector from its JSON and the files `artifacts()` returned. */
export type DetectorLoader = (json: DetectorJSON, files: Record<string, Uint8Array>) => Promise<Detector>;

export interface DetectorJSON {
  kind: string;
  [key: string]: unknown;
}
