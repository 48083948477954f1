import { describe, expect, it } from 'vitest';
import { parseUrlState, toSearch } from '../../src/ui/lab/url-state';
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
