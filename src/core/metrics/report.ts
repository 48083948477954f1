import { binaryConfusion, binaryRates, type Confusion } from './confusion';
import { countByClass, perClassRates, perFamilyRates, type ClassDetail } from './per-class';
import { RankedScores } from './roc';
import { scoreStatsByClass, type ScoreStats } from './score-stats';
import { formatFixed, formatPercent, formatScore, formatTable } from './table';

export interface BinaryInput {
  /** higher = more anomalous */
  scores: ArrayLike<number>;
  /** a row is flagged when its score is above this */
  threshold: number;
  /** 1 = attack, per row */
  truth: Uint8Array;
  /** class per row, −1 = unlabelled (left out of the per-class figures) */
  classIndex: Int32Array;
  classNames: readonly string[];
  isBenign: readonly boolean[];
  /** family of every class */
  families: readonly string[];
}

/**
 * Everything measured about a binary detector on one test set, as plain JSON. Undefined
 * figures (see BinaryRates: a test set without attacks has no recall) are NaN, which
 * JSON.stringify writes as null.
 */
export interface BinaryReport {
  roc_auc: number;
  /** average precision */
  pr_auc: number;
  tpr: number;
  fpr: number;
  tnr: number;
  precision: number;
  f1: number;
  balanced_accuracy: number;
  accuracy: number;
  confusion: Confusion;
  /** class → share flagged: the detection rate, or for a benign class its false-positive rate */
  per_class: Record<string, number>;
  per_class_detail: Record<string, ClassDetail>;
  /** attack family → detection rate (benign classes are left out: their rate is `fpr`) */
  per_family: Record<string, number>;
  score_stats: Record<string, ScoreStats>;
  threshold: number;
  /**
   * rows with no class (a packet capture read without a label): scored and counted here,
   * left out of every figure that needs a label (recall, false positives, confusion, ROC)
   */
  unlabelled: { rows: number; flagged: number };
}

export function evaluateBinary(input: BinaryInput): BinaryReport {
  const { scores, threshold, truth, classIndex, classNames, isBenign, families } = input;
  if (families.length !== classNames.length) throw new RangeError(`${families.length} families for ${classNames.length} classes`);
  // the same rule as the threshold module's verdicts: NaN scores are never flagged
  const flagged = new Uint8Array(scores.length);
  for (let r = 0; r < flagged.length; r++) flagged[r] = scores[r] > threshold ? 1 : 0;

  const labelled = labelledRows(classIndex);
  const unlabelled = { rows: scores.length - labelled.length, flagged: 0 };
  for (let r = 0; r < classIndex.length; r++) if (classIndex[r] < 0) unlabelled.flagged += flagged[r];
  // the figures that need a label are of the labelled rows only
  const only = unlabelled.rows > 0 ? labelled : null;
  const labelledTruth = only ? Uint8Array.from(only, (r) => truth[r]) : truth;
  const ranked = new RankedScores(only ? Float64Array.from(only, (r) => scores[r]) : scores, labelledTruth);
  const confusion = binaryConfusion(only ? Uint8Array.from(only, (r) => flagged[r]) : flagged, labelledTruth);
  const rates = binaryRates(confusion);
  const counts = countByClass(classIndex, flagged, classNames.length);
  const detail = perClassRates(counts, classNames, isBenign);
  const perFamily = perFamilyRates(
    counts,
    families.map((f, c) => (isBenign[c] ? null : f)),
  );
  return {
    roc_auc: ranked.rocAuc(),
    pr_auc: ranked.averagePrecision(),
    tpr: rates.tpr,
    fpr: rates.fpr,
    tnr: rates.tnr,
    precision: rates.precision,
    f1: rates.f1,
    balanced_accuracy: rates.balanced_accuracy,
    accuracy: rates.accuracy,
    confusion,
    per_class: mapValues(detail, (d) => d.rate),
    per_class_detail: detail,
    per_family: mapValues(perFamily, (f) => f.rate),
    score_stats: scoreStatsByClass(scores, classIndex, classNames),
    threshold,
    unlabelled,
  };
}

/** indices of the rows that have a class */
function labelledRows(classIndex: Int32Array): Uint32Array {
  let n = 0;
  for (let r = 0; r < classIndex.length; r++) if (classIndex[r] >= 0) n++;
  const out = new Uint32Array(n);
  for (let r = 0, i = 0; r < classIndex.length; r++) if (classIndex[r] >= 0) out[i++] = r;
  return out;
}

/**
 * The report as plain-text tables, as the original evaluation script printed it: the
 * confusion matrix, score statistics by traffic type, detection rate by class and by
 * family, and a summary. Benign classes come first, then attacks by detection rate.
 */
export function formatReport(report: BinaryReport): string {
  const c = report.confusion;
  const classes = Object.entries(report.per_class_detail).sort(benignFirstThenByRate);
  const sections: [string, string][] = [
    [
      'Confusion matrix',
      formatTable(
        ['', 'Predicted Benign', 'Predicted Attack'],
        [
          ['Actual Benign', String(c.tn), String(c.fp)],
          ['Actual Attack', String(c.fn), String(c.tp)],
        ],
      ),
    ],
    [
      'Score statistics by traffic type',
      formatTable(
        ['Class', 'Count', 'Mean', 'Std', 'Min', 'P50', 'P90', 'P99', 'Max'],
        classes.flatMap(([name]) => {
          const s = report.score_stats[name];
          return s ? [[name, String(s.count), ...[s.mean, s.std, s.min, s.p50, s.p90, s.p99, s.max].map(formatScore)]] : [];
        }),
      ),
    ],
    [
      'Detection rate by class',
      formatTable(
        ['Class', 'Rows', 'Flagged', 'Rate', 'Measures'],
        classes.map(([name, d]) => [name, String(d.rows), String(d.flagged), formatPercent(d.rate), d.benign ? 'false-positive rate' : 'detection rate']),
        ['left', 'right', 'right', 'right', 'left'],
      ),
    ],
    [
      'Detection rate by attack family',
      formatTable(
        ['Family', 'Rate'],
        Object.entries(report.per_family)
          .sort(([, a], [, b]) => b - a)
          .map(([family, rate]) => [family, formatPercent(rate)]),
      ),
    ],
    [
      'Summary',
      formatTable(
        ['Metric', 'Value'],
        [
          ['ROC-AUC', formatFixed(report.roc_auc)],
          ['PR-AUC (average precision)', formatFixed(report.pr_auc)],
          ['TPR (recall)', formatPercent(report.tpr)],
          ['FPR', formatPercent(report.fpr)],
          ['Precision', formatPercent(report.precision)],
          ['Accuracy', formatPercent(report.accuracy)],
          ['Balanced accuracy', formatPercent(report.balanced_accuracy)],
          ['F1', formatFixed(report.f1)],
          ['Threshold', formatScore(report.threshold)],
        ],
      ),
    ],
  ];
  const u = report.unlabelled;
  if (u.rows === 0) return sections.map(([title, table]) => `${title}\n${table}`).join('\n\n');
  const alerts: [string, string] = [
    'Unlabelled rows (no class: alerts counted, left out of every figure that needs a label)',
    formatTable(
      ['Rows', 'Flagged', 'Share flagged', 'Threshold'],
      [[String(u.rows), String(u.flagged), formatPercent(u.flagged / u.rows), formatScore(report.threshold)]],
      ['right', 'right', 'right', 'right'],
    ),
  ];
  // no labelled row at all: the label-based tables would hold nothing but n/a
  const shown = c.tp + c.fp + c.tn + c.fn > 0 ? [...sections, alerts] : [alerts];
  return shown.map(([title, table]) => `${title}\n${table}`).join('\n\n');
}

function benignFirstThenByRate([an, a]: [string, ClassDetail], [bn, b]: [string, ClassDetail]): number {
  if (a.benign !== b.benign) return a.benign ? -1 : 1;
  // benign classes by size; attack classes best detected first
  return (a.benign ? 0 : b.rate - a.rate) || b.rows - a.rows || (an < bn ? -1 : 1);
}

function mapValues<T, U>(record: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}
