import { describe, expect, it } from 'vitest';
import { createDetector, Ensemble, loadDetector } from '../../src/core/detectors';
import type { Matrix } from '../../src/core/ingest';
import { quantile } from '../../src/core/util';
import { Random } from '../../src/core/util';

/** benign rows on the line y = x (plus noise); attacks off it, inside the same ranges: a correlation only some detectors see */
function rows(n: number, attack: boolean, random: Random): Matrix {
  const data = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const x = 4 * random.next() - 2;
    const off = attack ? (random.next() < 0.5 ? -1 : 1) * (0.6 + random.next()) : 0.1 * (random.next() - 0.5);
    data.set([x, Math.max(-2, Math.min(2, x + off)), random.next()], i * 3);
  }
  return { n, d: 3, data };
}

/** share of `attacks` above the 99th percentile of `benign` */
function recallAtP99(benign: Float32Array, attacks: Float32Array): number {
  const t = quantile(Float64Array.from(benign).sort(), 0.99);
  return attacks.filter((s) => s > t).length / attacks.length;
}

describe('ensemble', () => {
  it('fuses its members on the benign scale and, with fusion auto, is at least as good as its best member where it chose', async () => {
    const random = new Random(3);
    const train = rows(2000, false, random);
    const benign = rows(500, false, random);
    const attacks = rows(500, true, random);
    const ensemble = createDetector('ensemble', { ensemble: { members: ['iforest', 'kmeans'] }, iforest: { n_estimators: 50 } }, 1) as Ensemble;
    await ensemble.fit(train);
    await ensemble.calibrate(benign, attacks, 99);
    const own = recallAtP99(await ensemble.score(benign), await ensemble.score(attacks));
    const members = await Promise.all(ensemble.members.map(async (m) => recallAtP99(await m.score(benign), await m.score(attacks))));
    expect(own).toBeGreaterThanOrEqual(Math.max(...members));
    expect(ensemble.fusion.chosen).toMatch(/recall \d\.\d{3} on 500 attack rows of the training files at the 99th percentile of 500 held-back benign rows/);

    // saved and loaded, it scores the same
    const back = (await loadDetector(ensemble.toJSON(), await ensemble.artifacts())) as Ensemble;
    expect(Array.from(await back.score(attacks))).toEqual(Array.from(await ensemble.score(attacks)));
    expect(back.fusion).toEqual(ensemble.fusion);
  });

  it('keeps the fusion asked for, and refuses an ensemble saved on the old scale', async () => {
    const random = new Random(4);
    const e = createDetector('ensemble', { ensemble: { members: ['iforest', 'kmeans'], fusion: 'max' }, iforest: { n_estimators: 20 } }, 1) as Ensemble;
    await e.fit(rows(500, false, random));
    await e.calibrate(rows(200, false, random), rows(200, true, random), 99);
    expect(e.fusion).toMatchObject({ fusion: 'max', chosen: null });
    const old = { ...e.toJSON(), version: undefined, norms: [] };
    await expect(loadDetector(old, await e.artifacts())).rejects.toThrow(/older version of the lab.*train it again/);
  });
});
