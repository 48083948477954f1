import { describe, expect, it } from 'vitest';
import { KnnDetector, loadDetector } from '../../src/core/detectors';
import { readModelFileSet } from '../../src/core/pipeline';
import { matrix } from '../../src/core/ingest';
import { Random } from '../../src/core/util';

function randomRows(n: number, d: number, seed: number, shift = 0) {
  const r = new Random(seed);
  return matrix(
    n,
    d,
    Float32Array.from({ length: n * d }, () => r.next() + shift),
  );
}

/** the k-th nearest distance by sorting every distance: what the pruned search must equal */
function bruteForce(ref: ReturnType<typeof randomRows>, x: ReturnType<typeof randomRows>, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < x.n; i++) {
    const dist: number[] = [];
    for (let r = 0; r < ref.n; r++) {
      let s = 0;
      for (let j = 0; j < x.d; j++) s += (x.data[i * x.d + j] - ref.data[r * ref.d + j]) ** 2;
      dist.push(s);
    }
    dist.sort((a, b) => a - b);
    out.push(Math.sqrt(dist[Math.min(k, ref.n) - 1]));
  }
  return out;
}

describe('k-nearest-neighbours detector', () => {
  it('scores each row by its distance to the k-th nearest benign row, as a full sort finds it', async () => {
    const benign = randomRows(300, 6, 1);
    const test = randomRows(50, 6, 2, 0.3);
    const d = new KnnDetector({ n_neighbors: 5 });
    await d.fit(benign);
    const scores = Array.from(await d.score(test));
    bruteForce(benign, test, 5).forEach((v, i) => expect(scores[i]).toBeCloseTo(v, 5));
    // a training row's nearest neighbour is itself: k = 1 gives 0
    const one = new KnnDetector({ n_neighbors: 1 });
    await one.fit(benign);
    expect(Array.from(await one.score(benign)).every((v) => v === 0)).toBe(true);
  });

  it('ranks rows far from benign traffic above benign rows it never saw', async () => {
    const d = new KnnDetector();
    await d.fit(randomRows(400, 4, 3));
    const mean = (s: Float32Array) => s.reduce((a, v) => a + v, 0) / s.length;
    expect(mean(await d.score(randomRows(100, 4, 4, 2)))).toBeGreaterThan(3 * mean(await d.score(randomRows(100, 4, 5))));
  });

  it('keeps a seeded sample of at most max_reference_rows, and uses every row it kept when k is larger', async () => {
    const few = new KnnDetector({ max_reference_rows: 40, n_neighbors: 100 });
    await few.fit(randomRows(200, 3, 6));
    expect(few.toJSON().rows).toBe(40);
    const again = new KnnDetector({ max_reference_rows: 40, n_neighbors: 100 });
    await again.fit(randomRows(200, 3, 6));
    const x = randomRows(10, 3, 7);
    expect(Array.from(await again.score(x))).toEqual(Array.from(await few.score(x)));
  });

  it('saves its reference rows beside the JSON and loads back with the same scores; a wrong file is one sentence', async () => {
    const d = new KnnDetector({ n_neighbors: 3 });
    await d.fit(randomRows(120, 5, 8));
    const files = await d.artifacts();
    const back = await loadDetector(JSON.parse(JSON.stringify(d.toJSON())), files);
    const x = randomRows(20, 5, 9);
    expect(Array.from(await back.score(x))).toEqual(Array.from(await d.score(x)));
    await expect(back.score(randomRows(2, 4, 1))).rejects.toThrow(/fitted on 5 columns, got 4/);
    await expect(loadDetector(d.toJSON(), {})).rejects.toThrow(/lacks its reference rows/);
    const [name, bytes] = Object.entries(files)[0];
    await expect(loadDetector(d.toJSON(), { [name]: bytes.subarray(4) })).rejects.toThrow(/not the 120×5 float32 values/);
    expect(() => new KnnDetector({ n_neighbors: 0 })).toThrow(/n_neighbors must be a positive integer/);
  });

  it('its file comes back from a dropped folder and from a download whose folders were flattened into the name', async () => {
    const d = new KnnDetector();
    await d.fit(randomRows(30, 2, 10));
    const [name, data] = Object.entries(await d.artifacts())[0];
    const pipeline = { path: 'x/pipeline.json', data: new TextEncoder().encode('{}') };
    expect(Object.keys(readModelFileSet([pipeline, { path: `my-model/${name}`, data }]).artifacts)).toEqual([name]);
    // a hybrid keeps it under member-0/
    expect(Object.keys(readModelFileSet([pipeline, { path: `member-0_${name}`, data }]).artifacts)).toEqual([`member-0/${name}`]);
  });
});
