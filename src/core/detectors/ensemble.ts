import type { Matrix } from '../ingest';
import { quantile } from '../util';
import type { Detector, DetectorJSON, DetectorLoader, FitOptions } from './detector';

/**
 * Several detectors as one: each member's score is put on a common scale learned from
 * its scores on the training rows ((s − median) / (p99 − median), so 1 means "as high as
 * the top 1 % of benign training rows"), then the scaled scores are fused.
 */
export interface EnsembleParams {
  /** mean is steadier; max flags what any member finds strange */
  fusion: 'mean' | 'max';
  /** weight per member for the mean (default equal) */
  weights?: number[];
}

interface Normalisation {
  median: number;
  spread: number;
}

export class Ensemble implements Detector {
  readonly kind = 'ensemble';
  private norms: Normalisation[] = [];

  constructor(
    readonly members: Detector[],
    readonly params: EnsembleParams = { fusion: 'mean' },
  ) {
    if (members.length === 0) throw new Error('an ensemble needs at least one detector');
    if (params.weights && params.weights.length !== members.length) throw new Error('one weight per ensemble member');
  }

  async fit(x: Matrix, options: FitOptions = {}): Promise<void> {
    this.norms = [];
    for (let m = 0; m < this.members.length; m++) {
      const member = this.members[m];
      await member.fit(x, {
        signal: options.signal,
        progress: options.progress && ((p) => options.progress!({ ...p, stage: `${member.kind}: ${p.stage}` })),
      });
      this.norms.push(normalisation(await member.score(x)));
    }
  }

  async score(x: Matrix): Promise<Float32Array> {
    if (this.norms.length !== this.members.length) throw new Error('the ensemble is not fitted');
    const out = new Float32Array(x.n);
    const weights = this.params.weights ?? this.members.map(() => 1);
    const total = weights.reduce((a, b) => a + b, 0);
    const max = this.params.fusion === 'max';
    if (max) out.fill(-Infinity);
    for (let m = 0; m < this.members.length; m++) {
      const s = await this.members[m].score(x);
      const { median, spread } = this.norms[m];
      const w = weights[m] / total;
      for (let i = 0; i < x.n; i++) {
        const z = (s[i] - median) / spread;
        if (max) out[i] = z > out[i] ? z : out[i];
        else out[i] += w * z;
      }
    }
    return out;
  }

  toJSON(): DetectorJSON {
    return { kind: this.kind, params: this.params, norms: this.norms, members: this.members.map((m) => m.toJSON()) };
  }

  /** Members' files, each under its own folder `member-<i>/`. */
  async artifacts(): Promise<Record<string, Uint8Array>> {
    const files: Record<string, Uint8Array> = {};
    for (let m = 0; m < this.members.length; m++) {
      for (const [name, data] of Object.entries(await this.members[m].artifacts())) files[`member-${m}/${name}`] = data;
    }
    return files;
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }

  /** `loadMember` rebuilds any member kind (the registry passes itself, so ensembles can nest). */
  static async fromJSON(json: DetectorJSON, files: Record<string, Uint8Array>, loadMember: DetectorLoader): Promise<Ensemble> {
    const memberJSON = json.members as DetectorJSON[];
    const members = await Promise.all(
      memberJSON.map((mj, m) => {
        const prefix = `member-${m}/`;
        const own = Object.fromEntries(
          Object.entries(files)
            .filter(([k]) => k.startsWith(prefix))
            .map(([k, v]) => [k.slice(prefix.length), v]),
        );
        return loadMember(mj, own);
      }),
    );
    const widths = [...new Set(members.map((m) => m.inputWidth).filter((w) => w !== undefined))];
    if (widths.length > 1) {
      for (const m of members) m.dispose();
      throw new Error(`the ensemble's members take different numbers of columns (${widths.join(' and ')})`);
    }
    const e = new Ensemble(members, json.params as EnsembleParams);
    e.norms = json.norms as Normalisation[];
    return e;
  }

  /** the members' common input width (checked at load) */
  get inputWidth(): number | undefined {
    return this.members.find((m) => m.inputWidth !== undefined)?.inputWidth;
  }
}

function normalisation(scores: Float32Array): Normalisation {
  const sorted = Float64Array.from(scores).sort();
  const median = quantile(sorted, 0.5);
  const spread = quantile(sorted, 0.99) - median;
  // a member whose training scores are all equal still needs a finite scale
  return { median, spread: spread > 0 ? spread : Math.abs(median) || 1 };
}
