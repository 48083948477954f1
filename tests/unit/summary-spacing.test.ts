import { describe, expect, it } from 'vitest';
import { MAX_PUBLISH_MS, noCoreToSpare, PUBLISH_MS, summarySpacing } from '../../src/ui/state/summary-spacing';

describe('how far apart the page shows summaries', () => {
  it('four a second while drawing is quick, spaced out as it slows, at least one a second', () => {
    expect(summarySpacing(5, false)).toBe(PUBLISH_MS);
    expect(summarySpacing(50, false)).toBe(500);
    expect(summarySpacing(400, false)).toBe(MAX_PUBLISH_MS);
  });

  it('once a second while a max-rate replay has the cores, however quick the drawing looks', () => {
    expect(summarySpacing(5, true)).toBe(MAX_PUBLISH_MS);
  });

  it('takes a machine of two logical cores (or one) as having none to spare beside the two workers; unknown as enough', () => {
    expect([1, 2, 3, 8].map(noCoreToSpare)).toEqual([true, true, false, false]);
    expect(noCoreToSpare(undefined)).toBe(false);
    expect(noCoreToSpare(0)).toBe(false);
  });
});
