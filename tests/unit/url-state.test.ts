import { describe, expect, it } from 'vitest';
import { parseUrlState, toSearch } from '../../src/core/lab';
import { parseRate, rateText } from '../../src/core/replay';
import { withoutCredentials } from '../../src/core/util';

describe('the Live view in the page URL', () => {
  it('keeps the broker address and topic but never a password typed into the address', () => {
    const state = { ...parseUrlState('?view=live'), broker: 'ws://lab:s3cret@127.0.0.1:9001', topic: 'ward/+/flows' };
    const search = toSearch(state);
    expect(decodeURIComponent(search)).not.toMatch(/s3cret|lab:/);
    expect(parseUrlState(search)).toMatchObject({ broker: 'ws://127.0.0.1:9001', topic: 'ward/+/flows' });
    // an address without credentials is kept as typed
    expect(parseUrlState(toSearch({ ...state, broker: 'wss://broker.example:8884/mqtt' })).broker).toBe('wss://broker.example:8884/mqtt');
  });

  it('drops credentials from text that is not a URL too', () => {
    expect(withoutCredentials('ws://a:b@ host')).toBe('ws:// host');
  });
});

describe("one parser for every tab's parameters", () => {
  it('gives Live the detector and a numeric threshold, and the other tabs what they asked for', () => {
    const live = parseUrlState('?view=live&detector=iforest&threshold=0.62&rate=x4');
    expect(live).toMatchObject({ detector: 'iforest', threshold: 0.62, rate: { kind: 'speed', multiplier: 4 } });
    expect(live.tabs).toMatchObject({ detector: 'iforest', threshold: { kind: 'fixed', value: 0.62 } });
    // a detector Live cannot play and a threshold rule: Live keeps its defaults, the Detectors tab gets them
    const detectors = parseUrlState('?view=detectors&detector=ensemble&threshold=p99.5&split=random');
    expect(detectors).toMatchObject({ detector: 'ae', threshold: null });
    expect(detectors.tabs).toEqual({ detector: 'ensemble', threshold: { kind: 'percentile', p: 99.5 }, split: 'random', task: null, balance: null });
    expect(parseUrlState('?view=compare&task=binary&balance=smote').tabs).toMatchObject({ task: 'binary', balance: 'smote' });
    // what no tab understands is dropped, not passed on
    expect(parseUrlState('?detector=<b>&threshold=p200&split=sideways&task=x&balance=y').tabs).toEqual({
      detector: null,
      threshold: null,
      split: null,
      task: null,
      balance: null,
    });
  });

  it('writes Live parameters only while Live is shown and keeps a threshold rule for the Detectors tab', () => {
    const state = parseUrlState('?view=live&rate=200&threshold=0.5');
    expect(toSearch({ ...state, view: 'history' }, '?view=live&rate=200&threshold=0.5')).toBe('?view=history');
    expect(toSearch({ ...state, view: 'detectors' }, '?view=detectors&threshold=p99')).toBe('?view=detectors&threshold=p99');
  });

  it('reads back every rate it writes', () => {
    for (const text of ['max', 'x4', '4x', '10k', '100', '0.5']) expect(rateText(parseRate(rateText(parseRate(text)!))!)).toBe(rateText(parseRate(text)!));
    for (const text of ['', 'x0', '-5', 'fast', '10kk']) expect(parseRate(text)).toBeNull();
  });
});
