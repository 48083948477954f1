const f32 = new Float32Array(1);
const f32bits = new Int32Array(f32.buffer);

/**
 * The largest float32 ≤ t. For a float32 x, x ≤ t exactly when x ≤ floorToFloat32(t), so
 * a float64 threshold compared with float32 inputs can be stored as a float32 losing
 * nothing (sklearn keeps float64 thresholds but compares float32 inputs).
 */
export function floorToFloat32(t: number): number {
  f32[0] = t;
  if (f32[0] <= t) return f32[0];
  if (f32[0] > 0) f32bits[0]--;
  else if (f32[0] < 0) f32bits[0]++;
  else f32bits[0] = 0x80000001 | 0;
  return f32[0];
}

/** the float32 at place `o` of the line −∞ … −0 = +0 … +∞ (o from −0x7f800000 to 0x7f800000) */
function float32At(o: number): number {
  f32bits[0] = o >= 0 ? o : -o | 0x80000000;
  return f32[0];
}

/**
 * The largest float32 x from −∞ to +∞ for which `holds(x)`, for a `holds` that is true up to
 * some x and false after it (a threshold on a non-decreasing function); null where it holds
 * for none. About 32 calls of `holds`.
 */
export function lastFloat32Where(holds: (x: number) => boolean): number | null {
  let lo = -0x7f800000;
  let hi = 0x7f800000;
  if (!holds(float32At(lo))) return null;
  if (holds(float32At(hi))) return Infinity;
  // holds at lo, not at hi
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (holds(float32At(mid))) lo = mid;
    else hi = mid;
  }
  return float32At(lo);
}
