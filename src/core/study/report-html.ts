import { escapeHtml } from '../text';
import type { CompareResult, ModelResult } from './compare';
import { f3, rankedModels, summaryCells } from './format-text';
import { describeSplit } from '../pipeline';

/**
 * The study as one self-contained HTML file (inline CSS and SVG, no scripts, nothing
 * fetched): settings, the comparison table, per-class F1, a macro-F1 chart and every
 * confusion matrix. It prints cleanly, as the original performance report did.
 */
export function studyReportHtml(result: CompareResult, createdAt = new Date()): string {
  const ranked = rankedModels(result);
  const classes = result.classes.filter((c) => (result.test.per_class[c] ?? 0) > 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Model comparison: ${escapeHtml(result.dataset.name)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;color:#1b2430;margin:2rem auto;max-width:1100px;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccd;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.5rem 0;font-variant-numeric:tabular-nums}
th,td{border:1px solid #d5dae1;padding:.2rem .45rem;text-align:right}th:first-child,td:first-child{text-align:left}
th{background:#eef1f5}.muted{color:#5b6675}.cm td{min-width:2.2rem}.grid{display:flex;flex-wrap:wrap;gap:1.5rem}
@media print{h2{break-after:avoid}.cm-block{break-inside:avoid}}
</style></head><body>
<h1>Model comparison: ${escapeHtml(result.dataset.name)}</h1>
<p class="muted">Task <b>${result.task}</b>, balancing <b>${result.balance}</b>, seed ${result.settings.seed}, made ${createdAt.toISOString()} by IoMT Anomaly Lab.</p>
<h2>Data and settings</h2>
${keyValues({
  'training files': result.train.files.join(', '),
  'test rows': result.settings.split ? `split ${describeSplit(result.settings.split)}` : `the test files ${result.test.files.join(', ')}`,
  'training rows (read / used / skipped)': `${result.train.rows.read} / ${result.train.rows.used} / ${result.train.rows.skipped}`,
  features: `${result.settings.features.length}: ${result.settings.features.join(', ')}`,
  'left out':
    Object.entries(result.settings.excluded)
      .map(([c, why]) => `${c} (${why})`)
      .join('; ') || 'none',
})}
${countsTable(result)}
<h2>Comparison</h2>
${table(['model', 'kind', 'accuracy', 'balanced accuracy', 'macro-F1', 'weighted F1', 'benign FPR', 'fit ms', 'predict rows/s'], ranked.map(summaryCells))}
${macroF1Chart(ranked)}
${result.notes.length ? `<ul>${result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
${syntheticTable(result)}
<h2>F1 per class</h2>
${table(
  ['class', ...ranked.map(([n]) => n)],
  classes.map((c) => [c, ...ranked.map(([, r]) => f3(r.per_class[c]?.f1 ?? NaN))]),
)}
<h2>Recall per class</h2>
${table(
  ['class', ...ranked.map(([n]) => n)],
  classes.map((c) => [c, ...ranked.map(([, r]) => f3(r.per_class[c]?.recall ?? NaN))]),
)}
<h2>Confusion matrices</h2>
<p class="muted">Rows: true class; columns: predicted class.</p>
<div class="grid">${ranked.map(([name, r]) => `<div class="cm-block"><h3>${escapeHtml(name)}</h3>${confusion(r)}</div>`).join('')}</div>
</body></html>
`;
}

function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function keyValues(kv: Record<string, string>): string {
  return `<table>${Object.entries(kv)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td style="text-align:left">${escapeHtml(v)}</td></tr>`)
    .join('')}</table>`;
}

function countsTable(result: CompareResult): string {
  const names = result.classes;
  const after = result.train.after_balancing;
  return table(
    ['class', 'training rows', ...(after ? ['after balancing'] : []), 'test rows'],
    names.map((c) => [c, String(result.train.per_class[c] ?? 0), ...(after ? [String(after[c] ?? 0)] : []), String(result.test.per_class[c] ?? 0)]),
  );
}

function syntheticTable(result: CompareResult): string {
  const q = result.synthetic_quality;
  if (!q) return '';
  return `<h2>Synthetic rows against real rows (${escapeHtml(result.balance)})</h2><p class="muted">Two-sample Kolmogorov–Smirnov statistic per feature between a class's synthetic and real training rows (0 = same distribution, 1 = disjoint).</p>${table(
    ['class', 'synthetic rows', 'median KS', 'worst KS', 'worst feature'],
    Object.entries(q).map(([c, v]) => [c, String(v.rows), f3(v.median_ks), f3(v.max_ks), v.worst_feature]),
  )}`;
}

/** horizontal bars, one per model, 0–1 */
function macroF1Chart(ranked: [string, ModelResult][]): string {
  const rowH = 22;
  const labelW = 230;
  const barW = 520;
  const h = ranked.length * rowH + 24;
  const bars = ranked
    .map(([name, r], i) => {
      const v = Number.isFinite(r.macro_f1) ? r.macro_f1 : 0;
      const y = i * rowH + 4;
      const colour = r.kind === 'supervised' ? '#3b7dd8' : '#d8893b';
      return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" font-size="12">${escapeHtml(name)}</text><rect x="${labelW}" y="${y}" width="${(v * barW).toFixed(1)}" height="${rowH - 6}" fill="${colour}"/><text x="${labelW + v * barW + 4}" y="${y + 14}" font-size="12">${v.toFixed(3)}</text>`;
    })
    .join('');
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (t) =>
        `<line x1="${labelW + t * barW}" x2="${labelW + t * barW}" y1="0" y2="${h - 18}" stroke="#dde"/><text x="${labelW + t * barW}" y="${h - 4}" font-size="11" text-anchor="middle">${t}</text>`,
    )
    .join('');
  return `<svg width="${labelW + barW + 60}" height="${h}" role="img" aria-label="macro-F1 per model">${axis}${bars}</svg>`;
}

function confusion(r: ModelResult): string {
  const { names, matrix } = r.confusion;
  const k = names.length;
  const rows = names.map((t, i) => {
    const rowTotal = matrix.slice(i * k, i * k + k).reduce((a, b) => a + b, 0);
    if (rowTotal === 0) return '';
    const cells = names.map((_, j) => {
      const v = matrix[i * k + j];
      const share = v / rowTotal;
      const bg = i === j ? `rgba(59,125,216,${share.toFixed(2)})` : `rgba(216,59,59,${Math.min(1, share * 2).toFixed(2)})`;
      return `<td style="background:${v ? bg : 'transparent'}">${v || ''}</td>`;
    });
    return `<tr><th>${escapeHtml(t)}</th>${cells.join('')}</tr>`;
  });
  return `<table class="cm"><thead><tr><th></th>${names.map((n, j) => `<th title="${escapeHtml(n)}">${j + 1}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table><p class="muted">Columns: ${names.map((n, j) => `${j + 1} = ${escapeHtml(n)}`).join(', ')}</p>`;
}
