import { formatTable } from '../metrics';
import { describeSplit } from '../pipeline';
import type { CompareResult, ModelResult } from './compare';

export const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(2)} %` : '–');
export const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '–');

/** One model's row of the comparison summary, as the text table and the HTML report show it. */
export function summaryCells([name, r]: [string, ModelResult]): string[] {
  return [
    name,
    r.kind,
    pct(r.accuracy),
    pct(r.balanced_accuracy),
    f3(r.macro_f1),
    f3(r.weighted_f1),
    pct(r.benign_fpr),
    String(r.fit_ms),
    r.predict_rows_per_s.toLocaleString('en'),
  ];
}

/** Models best first by macro-F1. */
export function rankedModels(result: CompareResult): [string, ModelResult][] {
  return Object.entries(result.models).sort((a, b) => (b[1].macro_f1 || 0) - (a[1].macro_f1 || 0));
}

/** The comparison as plain-text tables, as the command prints it. */
export function formatCompare(result: CompareResult): string {
  const ranked = rankedModels(result);
  const summary = formatTable(
    ['model', 'kind', 'accuracy', 'balanced acc.', 'macro-F1', 'weighted F1', 'benign FPR', 'fit ms', 'predict rows/s'],
    ranked.map(summaryCells),
  );
  const classes = result.classes.filter((c) => (result.test.per_class[c] ?? 0) > 0);
  const perClass = formatTable(
    ['class (test rows)', ...ranked.map(([name]) => name)],
    classes.map((c) => [
      `${c} (${result.test.per_class[c]})`,
      ...ranked.map(([, r]) => `${f3(r.per_class[c]?.f1 ?? NaN)}/${f3(r.per_class[c]?.recall ?? NaN)}`),
    ]),
  );
  const synthetic = result.synthetic_quality
    ? [
        '',
        `Synthetic rows against real rows of their class (${result.balance}; KS per feature)`,
        formatTable(
          ['class', 'synthetic rows', 'median KS', 'worst KS', 'worst feature'],
          Object.entries(result.synthetic_quality).map(([c, q]) => [c, String(q.rows), f3(q.median_ks), f3(q.max_ks), q.worst_feature]),
        ),
      ]
    : [];
  return [
    `Model comparison: ${result.dataset.name}, task ${result.task}, balancing ${result.balance}`,
    `split: ${result.settings.split ? describeSplit(result.settings.split) : `the test files (${result.test.files.join(', ')})`}`,
    '',
    summary,
    '',
    'F1 / recall per class',
    perClass,
    ...synthetic,
    ...(result.notes.length ? ['', ...result.notes.map((n) => `note: ${n}`)] : []),
  ].join('\n');
}
