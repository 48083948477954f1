import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/core/ingest';
import { captureTimeColumns, findDriftingColumns } from '../../src/core/features';
import { evaluate } from '../../src/core/pipeline';
import { Random } from '../../src/core/util';
import { shared } from './sources';

/** columns: a converging running statistic, a level that steps once, noise; `shuffle` permutes the rows */
function capture(n: number, shuffle: boolean) {
  const random = new Random(3);
  const x = matrix(n, 3);
  const order = shuffle ? random.permutation(n) : Array.from({ length: n }, (_, i) => i);
  order.forEach((t, i) => {
    x.data[i * 3] = 5 / Math.sqrt(t + 1) + 0.01 * random.next();
    x.data[i * 3 + 1] = (t < n / 2 ? 10 : 30) + random.next();
    x.data[i * 3 + 2] = random.next();
  });
  return x;
}

describe('columns that drift over the capture', () => {
  it('are found from the rows themselves: a trend and a shift, not noise', () => {
    const found = findDriftingColumns(capture(1000, false), new Uint16Array(1000), ['Std', 'Level', 'Noise']);
    expect(Object.keys(found).sort()).toEqual(['Level', 'Std']);
    expect(found.Std).toMatch(/rank correlation with row order -1\.00/);
  });

  it('rows in random order show no drift, and a short file says nothing', () => {
    expect(findDriftingColumns(capture(1000, true), new Uint16Array(1000), ['Std', 'Level', 'Noise'])).toEqual({});
    expect(findDriftingColumns(capture(100, false), new Uint16Array(100), ['Std', 'Level', 'Noise'])).toEqual({});
  });

  it('running counters keep their own reason', () => {
    const x = matrix(300, 1);
    for (let i = 0; i < 300; i++) x.data[i] = 10 * i + 5.5;
    expect(captureTimeColumns(x, new Uint16Array(300), ['Number']).Number).toMatch(/running counter/);
  });

  it('on the Bluetooth capture the statistics since capture start are left out and said so; the shuffled newer release keeps all', async () => {
    const bt = await evaluate({
      train: shared('ciciomt2024_v1_45feat/Bluetooth_Benign_test.pcap.csv', 'ciciomt2024_v1_45feat/Bluetooth_DoS_test.pcap.csv'),
      detector: 'iforest',
    });
    expect(Object.keys(bt.pipeline.preprocessor.excluded)).toEqual(expect.arrayContaining(['Std', 'Radius', 'Number', 'Tot sum']));
    expect(bt.pipeline.preprocessor.excluded.Std).toMatch(/drifts over the capture/);
    const v2 = await evaluate({ train: shared('ciciomt2024_v2_39feat_sample.csv'), detector: 'iforest' });
    expect(v2.pipeline.preprocessor.excluded).toEqual({});
  });
});
