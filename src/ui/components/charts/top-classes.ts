/**
 * Bounded charts: a chart draws at most `TOP_CLASSES` classes (one bar or heatmap row
 * each) and folds the rest into one "other" entry, so a file with thousands of labels
 * still gives a chart of a sensible size; the full list goes in a table beside it.
 */
export const TOP_CLASSES = 20;

/** the "other" entry's name for `count` classes folded together */
export const otherName = (count: number) => `other (${count.toLocaleString('en-US')} classes)`;

/**
 * The `top` items of largest `weight`, in their original order, then (when more were
 * given) one entry made by `merge` from the rest.
 */
export function topAndOther<T>(items: readonly T[], weight: (t: T) => number, merge: (rest: T[]) => T, top = TOP_CLASSES): T[] {
  if (items.length <= top) return items.slice();
  const order = items.map((t, i) => ({ i, w: weight(t) })).sort((a, b) => b.w - a.w || a.i - b.i);
  const keep = new Set(order.slice(0, top - 1).map((o) => o.i));
  return [...items.filter((_, i) => keep.has(i)), merge(items.filter((_, i) => !keep.has(i)))];
}
