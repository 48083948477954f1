import type { Matrix } from '../ingest';
import { Random, throwIfAborted, yielder } from '../util';
import type { Detector, DetectorJSON, DetectorLoader, FitOptions } from './detector';
import { TreeSearch } from './knn-search';

/**
 * k nearest neighbours as PyOD's `KNN` (method "largest"): a row's score is its Euclidean
 * distance to the k-th nearest benign training row. It needs no shape of normal traffic
 * (k-means assumes a few round clusters, an autoencoder a smooth surface through it), so a
 * kind of attack that sits between benign modes, close to none of them, still stands out:
 * on the time split of the BoT-IoT sample the later UDP DoS rows (a few packets over about
 * 25 s) lie between the short benign UDP exchanges and the long benign TCP flows, where the
 * autoencoder reconstructs them well. The training rows are kept (a seeded sample of at most
 * `max_reference_rows`, which bounds the cost of scoring a row), in a binary file beside the
 * JSON as an autoencoder's weights are.
 */
export interface KnnDetectorParams {
  /** PyOD's default */
  n_neighbors: number;
  /** benign rows kept to measure distances to: a uniform sample when more were given */
  max_reference_rows: number;
  random_state: number;
}

export const DEFAULT_KNN_DETECTOR: Readonly<KnnDetectorParams> = { n_neighbors: 5, max_reference_rows: 5_000, random_state: 0 };
/** at the top of the model's files, as an autoencoder's weights.bin (an ensemble's or hybrid's member under member-<i>/) */
export const KNN_REFERENCE_FILE = 'reference.bin';

interface Fitted {
  /** reference rows, row-major */
  rows: Float32Array;
  n: number;
  d: number;
}

export class KnnDetector implements Detector {
  readonly kind = 'knn';
  readonly params: KnnDetectorParams;
  private fitted: Fitted | null = null;
  /** built from the reference rows on the first score */
  private search: TreeSearch | null = null;

  constructor(params: Partial<KnnDetectorParams> = {}) {
    this.params = { ...DEFAULT_KNN_DETECTOR, ...params };
    const positiveInt = (v: number) => Number.isInteger(v) && v >= 1;
    if (!positiveInt(this.params.n_neighbors)) throw new Error(`n_neighbors must be a positive integer, got ${this.params.n_neighbors}`);
    if (!positiveInt(this.params.max_reference_rows)) throw new Error(`max_reference_rows must be a positive integer, got ${this.params.max_reference_rows}`);
  }

  get inputWidth(): number | undefined {
    return this.fitted?.d;
  }

  async fit(x: Matrix, options: FitOptions = {}): Promise<void> {
    if (x.n < 1 || x.d < 1) throw new Error(`cannot fit a k-nearest-neighbours detector on ${x.n}×${x.d} rows`);
    throwIfAborted(options.signal, 'k-nearest neighbours');
    const keep = x.n > this.params.max_reference_rows ? new Random(this.params.random_state).sample(x.n, this.params.max_reference_rows).sort() : null;
    const n = keep ? keep.length : x.n;
    const rows = new Float32Array(n * x.d);
    if (keep) keep.forEach((r, i) => rows.set(x.data.subarray(r * x.d, (r + 1) * x.d), i * x.d));
    else rows.set(x.data.subarray(0, n * x.d));
    this.fitted = { rows, n, d: x.d };
    this.search = null;
    options.progress?.({ stage: 'reference rows', done: 1, total: 1 });
  }

  /** the distance to the k-th nearest reference row (the n-th where fewer than k were kept) */
  async score(x: Matrix): Promise<Float32Array> {
    const { rows, n, d } = this.require();
    if (x.d !== d) throw new Error(`the k-nearest-neighbours detector was fitted on ${d} columns, got ${x.d}`);
    const k = Math.min(this.params.n_neighbors, n);
    const search = (this.search ??= new TreeSearch(rows, n, d));
    const out = new Float32Array(x.n);
    const pause = yielder();
    for (let i = 0; i < x.n; i++) {
      out[i] = Math.sqrt(search.kthSquared(x.data, i * d, k));
      if ((i & 255) === 255) await pause();
    }
    return out;
  }

  toJSON(): DetectorJSON {
    const { n, d } = this.require();
    return { kind: this.kind, params: { ...this.params }, rows: n, columns: d, reference: KNN_REFERENCE_FILE };
  }

  async artifacts(): Promise<Record<string, Uint8Array>> {
    const { rows } = this.require();
    return { [KNN_REFERENCE_FILE]: new Uint8Array(rows.buffer.slice(rows.byteOffset, rows.byteOffset + rows.byteLength)) };
  }

  dispose(): void {}

  private require(): Fitted {
    if (!this.fitted) throw new Error('the k-nearest-neighbours detector is not fitted');
    return this.fitted;
  }

  static fromJSON(json: DetectorJSON, files: Record<string, Uint8Array>): KnnDetector {
    const n = json.rows as number;
    const d = json.columns as number;
    if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(d) && d >= 1))
      throw new Error('the k-nearest-neighbours model file lacks its row and column counts');
    const bytes = files[KNN_REFERENCE_FILE];
    if (!bytes) throw new Error(`the k-nearest-neighbours model lacks its reference rows (${KNN_REFERENCE_FILE})`);
    if (bytes.byteLength !== n * d * 4)
      throw new Error(`${KNN_REFERENCE_FILE} holds ${bytes.byteLength} bytes, not the ${n}×${d} float32 values its JSON names`);
    const detector = new KnnDetector(json.params as Partial<KnnDetectorParams>);
    // a copy: the bytes may sit at an offset a Float32Array cannot start at
    detector.fitted = { rows: new Float32Array(bytes.slice().buffer), n, d };
    return detector;
  }
}

export const loadKnnDetector: DetectorLoader = async (json, files) => KnnDetector.fromJSON(json, files);
