import { KMeans, type KMeansJSON } from '../classifiers';
import type { Matrix } from '../ingest';
import type { Detector, DetectorJSON, DetectorLoader, FitOptions } from './detector';

/**
 * k-means as the original system's seed named it: clusters of benign traffic, and a
 * row's distance to the nearest cluster centre as its anomaly score. (Its other use, a
 * clustering whose clusters are named after their majority class, is the
 * `kmeans_classifier` detector.)
 */
export interface KMeansDetectorParams {
  /** scikit-learn's default */
  n_clusters: number;
  random_state: number;
}

export const DEFAULT_KMEANS_DETECTOR: Readonly<KMeansDetectorParams> = { n_clusters: 8, random_state: 0 };

export class KMeansDetector implements Detector {
  readonly kind = 'kmeans';
  readonly params: KMeansDetectorParams;
  private model: KMeans | null = null;

  constructor(params: Partial<KMeansDetectorParams> = {}) {
    this.params = { ...DEFAULT_KMEANS_DETECTOR, ...params };
    if (!Number.isInteger(this.params.n_clusters) || this.params.n_clusters < 1)
      throw new Error(`n_clusters must be a positive integer, got ${this.params.n_clusters}`);
  }

  async fit(x: Matrix, options: FitOptions = {}): Promise<void> {
    // fewer rows than clusters: one cluster per row is all the data supports
    const model = new KMeans({ n_clusters: Math.min(this.params.n_clusters, x.n), random_state: this.params.random_state });
    await model.fit(x, new Int32Array(x.n), 1, options);
    this.model = model;
  }

  async score(x: Matrix): Promise<Float32Array> {
    if (!this.model) throw new Error('the k-means detector is not fitted');
    return this.model.distanceToNearest(x);
  }

  toJSON(): DetectorJSON {
    if (!this.model) throw new Error('the k-means detector is not fitted');
    return { kind: this.kind, params: { ...this.params }, clusters: this.model.toJSON() };
  }

  async artifacts(): Promise<Record<string, Uint8Array>> {
    return {};
  }

  dispose(): void {}

  static fromJSON(json: DetectorJSON): KMeansDetector {
    const clusters = json.clusters as KMeansJSON | undefined;
    if (!clusters || typeof clusters !== 'object') throw new Error('the k-means model file lacks its clusters');
    const d = new KMeansDetector(json.params as Partial<KMeansDetectorParams>);
    d.model = KMeans.fromJSON(clusters);
    return d;
  }
}

export const loadKMeansDetector: DetectorLoader = async (json) => KMeansDetector.fromJSON(json);
