import { describe, expect, it } from 'vitest';
import { otherName, topAndOther } from '../../src/ui/components/charts/top-classes';

describe('bounded class charts', () => {
  const merge = (rest: { name: string; n: number }[]) => ({ name: otherName(rest.length), n: rest.reduce((a, r) => a + r.n, 0) });

  it('keeps the largest classes in their order and folds the rest into "other", losing no flow', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({ name: `c${i}`, n: i === 7 ? 10_000 : i % 97 }));
    const shown = topAndOther(items, (c) => c.n, merge, 20);
    expect(shown).toHaveLength(20);
    expect(shown[0].name).toBe('c7');
    expect(shown[19].name).toBe('other (4,981 classes)');
    expect(shown.reduce((a, c) => a + c.n, 0)).toBe(items.reduce((a, c) => a + c.n, 0));
  });

  it('leaves a short list as it is', () => {
    const items = [
      { name: 'a', n: 1 },
      { name: 'b', n: 2 },
    ];
    expect(topAndOther(items, (c) => c.n, merge, 20)).toEqual(items);
  });
});
