/**
 * A one-dimensional Gaussian mixture fitted by expectation–maximisation: how CTGAN's
 * mode-specific normalisation finds the modes of a continuous column.
 *
 * The paper uses a variational Bayesian mixture, whose Dirichlet-process prior switches
 * off the modes a column does not need. Plain EM uses every mode it is given (ten modes
 * on a two-peaked column become ten overlapping slivers), so the number of modes is
 * chosen instead: starting from one mode, the widest mode is split in two and EM rerun,
 * and the mixture with the lowest BIC is kept, stopping once two larger ones in a row did
 * worse or `max_modes` is reached. Within each fit, modes weighing less than
 * `weight_threshold` are dropped and EM resumes on the rest (CTGAN's pruning rule). EM runs on the column's distinct values weighted by their counts, which
 * makes the many near-discrete columns of flow data (counts, flags) cheap.
 */
export interface Mixture {
  weights: number[];
  means: number[];
  stds: number[];
}

export interface MixtureOptions {
  /** modes to start from (fewer when the column has fewer distinct values) */
  max_modes: number;
  /** modes lighter than this are pruned */
  weight_threshold: number;
  /** EM iterations per round */
  max_iter?: number;
  /** stop when the mean log-likelihood per value improves by less (scikit-learn's tol) */
  tol?: number;
  /** added to every variance so a mode on a single value stays finite (scikit-learn's reg_covar) */
  reg_covar?: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

export function fitMixture(values: ArrayLike<number>, options: MixtureOptions): Mixture {
  const { max_modes, weight_threshold, max_iter = 100, tol = 1e-3, reg_covar = 1e-6 } = options;
  if (values.length === 0) throw new RangeError('cannot fit a mixture to no values');
  const { xs, counts } = distinct(values);
  const total = values.length;
  const fit = (start: Component[]) => {
    let comps = em(xs, counts, total, start, max_iter, tol, reg_covar);
    for (;;) {
      const kept = comps.filter((c) => c.weight >= weight_threshold);
      if (kept.length === comps.length || kept.length === 0) break;
      const sum = kept.reduce((s, c) => s + c.weight, 0);
      comps = em(
        xs,
        counts,
        total,
        kept.map((c) => ({ ...c, weight: c.weight / sum })),
        max_iter,
        tol,
        reg_covar,
      );
    }
    // free parameters: a mean and a variance per mode, and the weights less one
    return { comps, bic: -2 * logLikelihood(xs, counts, comps) + (3 * comps.length - 1) * Math.log(total) };
  };
  let last = fit([whole(xs, counts, total, reg_covar)]);
  let best = last;
  for (let worse = 0; worse < 2 && last.comps.length < Math.min(max_modes, xs.length);) {
    last = fit(split(last.comps));
    if (last.bic < best.bic) {
      best = last;
      worse = 0;
    } else worse++;
  }
  return asMixture(best.comps);
}

/** log of each mode's weighted density at v, into `out`; returns their log-sum-exp */
export function logPosteriors(m: Mixture, v: number, out: Float64Array): number {
  let max = -Infinity;
  for (let c = 0; c < m.means.length; c++) {
    const z = (v - m.means[c]) / m.stds[c];
    out[c] = Math.log(m.weights[c]) - Math.log(m.stds[c]) - 0.5 * (LOG_2PI + z * z);
    if (out[c] > max) max = out[c];
  }
  let sum = 0;
  for (let c = 0; c < m.means.length; c++) sum += Math.exp(out[c] - max);
  return max + Math.log(sum);
}

interface Component {
  weight: number;
  mean: number;
  variance: number;
}

function distinct(values: ArrayLike<number>): { xs: Float64Array; counts: Float64Array } {
  const sorted = Float64Array.from(values).sort();
  const xs: number[] = [];
  const counts: number[] = [];
  for (const v of sorted) {
    if (xs.length > 0 && xs[xs.length - 1] === v) counts[counts.length - 1]++;
    else {
      xs.push(v);
      counts.push(1);
    }
  }
  return { xs: Float64Array.from(xs), counts: Float64Array.from(counts) };
}

function whole(xs: Float64Array, counts: Float64Array, total: number, reg: number): Component {
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += counts[i] * xs[i];
  const mean = sum / total;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += counts[i] * (xs[i] - mean) ** 2;
  return { weight: 1, mean, variance: ss / total + reg };
}

/** The modes with the widest one (by weight × spread) split in two, half a deviation either side of its mean, for EM to refine. */
function split(comps: Component[]): Component[] {
  let widest = 0;
  comps.forEach((c, i) => {
    if (c.weight * c.variance > comps[widest].weight * comps[widest].variance) widest = i;
  });
  const { weight, mean, variance } = comps[widest];
  const half = Math.sqrt(variance) / 2;
  const parts = [-half, half].map((shift) => ({ weight: weight / 2, mean: mean + shift, variance: variance / 2 }));
  return [...comps.slice(0, widest), ...parts, ...comps.slice(widest + 1)];
}

function em(xs: Float64Array, counts: Float64Array, total: number, start: Component[], maxIter: number, tol: number, reg: number): Component[] {
  let comps = start;
  const resp = new Float64Array(xs.length * comps.length);
  const logp = new Float64Array(comps.length);
  let previous = -Infinity;
  for (let iter = 0; iter < maxIter; iter++) {
    const k = comps.length;
    const mixture = asMixture(comps);
    let loglik = 0;
    for (let i = 0; i < xs.length; i++) {
      const norm = logPosteriors(mixture, xs[i], logp);
      loglik += counts[i] * norm;
      for (let c = 0; c < k; c++) resp[i * k + c] = counts[i] * Math.exp(logp[c] - norm);
    }
    const next: Component[] = [];
    for (let c = 0; c < k; c++) {
      let n = 0;
      let s = 0;
      for (let i = 0; i < xs.length; i++) {
        n += resp[i * k + c];
        s += resp[i * k + c] * xs[i];
      }
      // a mode that lost all its values would divide by zero; pruning would drop it anyway
      if (n < 1e-9 * total) continue;
      const mean = s / n;
      let ss = 0;
      for (let i = 0; i < xs.length; i++) ss += resp[i * k + c] * (xs[i] - mean) ** 2;
      next.push({ weight: n / total, mean, variance: ss / n + reg });
    }
    comps = next;
    loglik /= total;
    if (Math.abs(loglik - previous) < tol) break;
    previous = loglik;
  }
  return comps;
}

function logLikelihood(xs: Float64Array, counts: Float64Array, comps: Component[]): number {
  const mixture = asMixture(comps);
  const logp = new Float64Array(comps.length);
  let sum = 0;
  for (let i = 0; i < xs.length; i++) sum += counts[i] * logPosteriors(mixture, xs[i], logp);
  return sum;
}

function asMixture(comps: Component[]): Mixture {
  return { weights: comps.map((c) => c.weight), means: comps.map((c) => c.mean), stds: comps.map((c) => Math.sqrt(c.variance)) };
}
