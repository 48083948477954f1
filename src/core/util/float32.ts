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
