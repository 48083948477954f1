/** Two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical CDFs (NaN if a sample is empty). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const s = Float64Array.from(a).sort();
  const t = Float64Array.from(b).sort();
  let i = 0;
  let j = 0;
  let gap = 0;
  while (i < s.length && j < t.length) {
    // step past every copy of the next value in both samples, so ties count once
    const v = Math.min(s[i], t[j]);
    while (i < s.length && s[i] === v) i++;
    while (j < t.length && t[j] === v) j++;
    gap = Math.max(gap, Math.abs(i / s.length - j / t.length));
  }
  return gap;
}
