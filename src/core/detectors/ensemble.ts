import type { Matrix } from '../ingest';
import { benignRank, fitBenignRank, type BenignRank } from '../threshold';
import { quantile } from '../util';
import type { Detector, DetectorJSON, DetectorLoader, FitOptions } from './detector';

/**
 * Several detectors as one. Each member's score is put on the scale of benign traffic (its
 * benign rank: the share of benign rows scoring below it, see `BenignRank`), so members
 * whose raw scores live on different scales (a forest's path lengths, an autoencoder's
 * squared errors) weigh alike, then the ranks are fused.
 *
 * `fit` learns the ranks from the training rows' scores; `calibrate` relearns them from
 * benign rows the members did not learn (training scores flatter an autoencoder more than
 * a forest) and, with fusion "auto", keeps whichever of the mean, the max and each member
 * alone finds most attack rows of the training files at the calibrated false-positive
 * rate. Fusing never beats the best member by construction, so the choice is what makes
 * the ensemble at least as good as its best member on the rows it is judged on.
 */
export interface EnsembleParams {
  /** mean is steadier; max flags what any member finds strange; auto chooses at calibration */
  fusion: EnsembleFusion | 'auto';
  /** weight per member for the mean (default equal) */
  weights?: number[];
}

export type EnsembleFusion = 'mean' | 'max';

/** how the members' ranks are fused now: `fitted` says what was chosen and why */
interface Fused {
  fusion: EnsembleFusion;
  weights: number[];
  /** e.g. "mean: recall 0.93 on 2,000 training attack rows at the 99th percentile of 384 held-back benign rows" */
  chosen: string | null;
}

export class Ensemble implements Detector {
  readonly kind = 'ensemble';
  private ranks: BenignRank[] = [];
  private fused: Fused;

  constructor(
    readonly members: Detector[],
    readonly params: EnsembleParams = { fusion: 'auto' },
  ) {
    if (members.length === 0) throw new Error('an ensemble needs at least one detector');
    if (params.weights && params.weights.length !== members.length) throw new Error('one weight per ensemble member');
    this.fused = { fusion: params.fusion === 'max' ? 'max' : 'mean', weights: params.weights ?? members.map(() => 1), chosen: null };
  }

  /** what the fusion is, and how it was chosen (null: as asked) */
  get fusion(): Readonly<Fused> {
    return this.fused;
  }

  async fit(x: Matrix, options: FitOptions = {}): Promise<void> {
    const ranks: BenignRank[] = [];
    for (const member of this.members) {
      await member.fit(x, {
        signal: options.signal,
        progress: options.progress && ((p) => options.progress!({ ...p, stage: `${member.kind}: ${p.stage}` })),
      });
      ranks.push(fitBenignRank(await member.score(x)));
    }
    this.ranks = ranks;
  }

  /**
   * Puts each member on the scale of `benign` (rows none of them learned) and, with fusion
   * "auto" and `attacks` given, chooses the fusion that flags most of them at the `p`-th
   * percentile of the fused benign scores.
   */
  async calibrate(benign: Matrix, attacks: Matrix | null, p: number): Promise<void> {
    if (benign.n === 0) return;
    const benignScores: Float32Array[] = [];
    for (const member of this.members) benignScores.push(await member.score(benign));
    this.ranks = benignScores.map((s) => fitBenignRank(s));
    if (this.params.fusion !== 'auto' || !attacks || attacks.n === 0) return;
    const benignRanks = benignScores.map((s, m) => benignRank(this.ranks[m], s, new Float32Array(s.length)));
    const attackRanks: Float32Array[] = [];
    for (let m = 0; m < this.members.length; m++) {
      const s = await this.members[m].score(attacks);
      attackRanks.push(benignRank(this.ranks[m], s, s));
    }
    const equal = this.members.map(() => 1);
    const options: Omit<Fused, 'chosen'>[] = [
      { fusion: 'mean', weights: this.params.weights ?? equal },
      ...(this.members.length > 1 ? [{ fusion: 'max' as const, weights: equal }] : []),
      ...this.members.map((_, m) => ({ fusion: 'mean' as const, weights: equal.map((_, k) => (k === m ? 1 : 0)) })),
    ];
    let best: { option: Omit<Fused, 'chosen'>; recall: number } | null = null;
    for (const option of options) {
      const threshold = quantile(fuse(benignRanks, option).sort(), p / 100);
      const a = fuse(attackRanks, option);
      let caught = 0;
      for (let i = 0; i < a.length; i++) if (a[i] > threshold) caught++;
      const recall = caught / a.length;
      // earlier options win ties: the mean of all before the max before a member alone
      if (!best || recall > best.recall) best = { option, recall };
    }
    const { option, recall } = best!;
    this.fused = {
      ...option,
      chosen: `${describeFusion(option, this.members)}: recall ${recall.toFixed(3)} on ${attacks.n} attack rows of the training files at the ${p}th percentile of ${benign.n} held-back benign rows`,
    };
  }

  async score(x: Matrix): Promise<Float32Array> {
    if (this.ranks.length !== this.members.length) throw new Error('the ensemble is not fitted');
    const ranks: Float32Array[] = [];
    for (let m = 0; m < this.members.length; m++) {
      // a member with no weight in the fusion chosen is not scored at all
      if (this.fused.fusion === 'mean' && this.fused.weights[m] === 0) ranks.push(new Float32Array(0));
      else {
        const s = await this.members[m].score(x);
        ranks.push(benignRank(this.ranks[m], s, s));
      }
    }
    return fuse(ranks, this.fused, x.n);
  }

  toJSON(): DetectorJSON {
    return { kind: this.kind, version: JSON_VERSION, params: this.params, ranks: this.ranks, fused: this.fused, members: this.members.map((m) => m.toJSON()) };
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
    if (json.version !== JSON_VERSION)
      throw new Error(`this ensemble was saved by an older version of the lab (its members were fused on another scale): train it again`);
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
    e.ranks = json.ranks as BenignRank[];
    e.fused = json.fused as Fused;
    return e;
  }

  /** the members' common input width (checked at load) */
  get inputWidth(): number | undefined {
    return this.members.find((m) => m.inputWidth !== undefined)?.inputWidth;
  }
}

/** version 2: members fused on benign ranks (version 1 scaled them by their training median and 99th percentile) */
const JSON_VERSION = 2;

/** the members' benign ranks fused as `f` says (members without weight in a mean may be empty) */
function fuse(ranks: Float32Array[], f: Omit<Fused, 'chosen'>, n = ranks.find((r) => r.length)?.length ?? 0): Float32Array {
  const out = new Float32Array(n);
  if (f.fusion === 'max') {
    out.fill(-Infinity);
    for (const r of ranks) for (let i = 0; i < n; i++) if (r[i] > out[i]) out[i] = r[i];
    return out;
  }
  const total = f.weights.reduce((a, b) => a + b, 0);
  ranks.forEach((r, m) => {
    const w = f.weights[m] / total;
    if (w > 0) for (let i = 0; i < n; i++) out[i] += w * r[i];
  });
  return out;
}

function describeFusion(f: Omit<Fused, 'chosen'>, members: Detector[]): string {
  const used = f.weights.flatMap((w, m) => (w > 0 ? [members[m].kind] : []));
  if (f.fusion === 'max') return `max of ${members.map((m) => m.kind).join(', ')}`;
  return used.length === 1 ? `${used[0]} alone` : `mean of ${used.join(', ')}`;
}
