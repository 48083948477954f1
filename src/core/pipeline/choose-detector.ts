import type { ModelKind } from '../detectors';
import { DatasetReader, type SourceFile } from '../ingest';
import { RankedScores } from '../metrics';
import type { Dialect, ClassVocabulary } from '../schema';
import type { FittedPipeline } from './fitted-pipeline';
import { countTimeSplit, splitPart, type RowPredicate } from './row-split';
import { ScoreLog } from './score-log';

/**
 * The detector for a dataset, chosen on its training rows rather than fixed: each
 * candidate is fitted on the earlier training rows and judged on the latest ones (a time
 * split within the training part, so the test rows stay unseen), at its own calibrated
 * threshold, as a user would meet it. Candidates are tried cheapest first, and a dearer
 * one must do clearly better to be chosen, so once one is within that margin of perfect
 * (recall 1 within the false-positive budget) the dearer ones are not fitted at all. The
 * hybrid needs labelled attacks in the training files and is skipped without them.
 */
export const AUTO_CANDIDATES: readonly ModelKind[] = ['iforest', 'ae', 'hybrid'];
/**
 * A classifier or hybrid candidate calibrates on this many out-of-fold blocks rather than
 * the five of a full fit: each block is a fit, and the choice only needs the candidate's
 * rough standing, not the kept model's threshold.
 */
export const CHOICE_FOLDS = 3;
/** the latest share of the training rows of each file and class that judges the candidates */
export const VALIDATION_FRACTION = 0.3;
/** false positives above this cost the candidate five times their excess in recall */
const FPR_BUDGET = 0.02;
/** how much better a dearer candidate must be */
const MARGIN = 0.01;
/** recall 1 within the false-positive budget */
const PERFECT_MERIT = 1;
const UNMEASURED = { roc_auc: NaN, tpr: NaN, fpr: NaN, merit: -Infinity };

export interface CandidateResult {
  detector: ModelKind;
  roc_auc: number;
  tpr: number;
  fpr: number;
  /** recall less five times the false positives above 2 %: what the choice ranks by */
  merit: number;
  /** set when the candidate could not be fitted (e.g. no attack rows for a hybrid) */
  error?: string;
  /** set when a cheaper candidate was already as good as any could be chosen over it */
  skipped?: string;
}

export interface DetectorChoice {
  detector: ModelKind;
  candidates: CandidateResult[];
  /** validation rows: benign and attack */
  rows: { benign: number; attack: number };
}

export async function chooseDetector(
  files: SourceFile[],
  options: {
    /** the test part of the evaluation's own split, never read here (null: test files are separate) */
    outer: RowPredicate | null;
    dialect?: Dialect;
    vocabulary?: ClassVocabulary;
    signal?: AbortSignal;
    fit: (kind: ModelKind, excludeRow: RowPredicate) => Promise<FittedPipeline>;
    candidates?: readonly ModelKind[];
  },
): Promise<DetectorChoice> {
  const outer = options.outer;
  const {
    split: inner,
    vocabulary,
    dialect,
  } = await countTimeSplit(files, VALIDATION_FRACTION, {
    dialect: options.dialect,
    vocabulary: options.vocabulary,
    signal: options.signal,
    exclude: outer ?? undefined,
  });
  // fit on the earlier training rows: neither the outer test part nor the validation tail
  const fitExclude: RowPredicate = (f, r, c) => (outer?.(f, r, c) ?? false) || inner.isTest(f, r, c);
  const candidates: CandidateResult[] = [];
  let rows = { benign: 0, attack: 0 };
  let best: CandidateResult | null = null;
  for (const kind of options.candidates ?? AUTO_CANDIDATES) {
    if (best && best.merit >= PERFECT_MERIT - MARGIN) {
      candidates.push({ ...UNMEASURED, detector: kind, skipped: `${best.detector} was already within ${MARGIN} of perfect` });
      continue;
    }
    let pipeline: FittedPipeline;
    try {
      pipeline = await options.fit(kind, fitExclude);
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') throw e;
      candidates.push({ ...UNMEASURED, detector: kind, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    try {
      const { scores, truth } = await validationScores(files, pipeline, { dialect, vocabulary, signal: options.signal, outer, inner: inner.isTest });
      let tp = 0;
      let fp = 0;
      let attacks = 0;
      for (let i = 0; i < scores.length; i++) {
        if (truth[i]) attacks++;
        if (scores[i] > pipeline.threshold.value) truth[i] ? tp++ : fp++;
      }
      rows = { benign: scores.length - attacks, attack: attacks };
      const tpr = attacks ? tp / attacks : NaN;
      const fpr = rows.benign ? fp / rows.benign : NaN;
      const merit = attacks ? tpr - 5 * Math.max(0, fpr - FPR_BUDGET) : -fpr;
      const result = { detector: kind, roc_auc: attacks && rows.benign ? new RankedScores(scores, truth).rocAuc() : NaN, tpr, fpr, merit };
      candidates.push(result);
      if (!best || result.merit > best.merit + MARGIN) best = result;
    } finally {
      pipeline.dispose();
    }
  }
  if (!best) throw new Error(`no detector could be fitted on the training rows: ${candidates.map((c) => `${c.detector}: ${c.error}`).join('; ')}`);
  return { detector: best.detector, candidates, rows };
}

/** scores of the validation tail (outer training rows that the inner split tests), with 1 for attack rows */
async function validationScores(
  files: SourceFile[],
  pipeline: FittedPipeline,
  o: { dialect: Dialect; vocabulary: ClassVocabulary; signal?: AbortSignal; outer: RowPredicate | null; inner: RowPredicate },
) {
  const reader = new DatasetReader(files, { dialect: o.dialect, vocabulary: o.vocabulary, signal: o.signal });
  const log = new ScoreLog();
  const outer = o.outer;
  for await (const raw of reader.batches()) {
    const trainPart = outer ? splitPart(raw, outer, 'train') : raw;
    const batch = splitPart(trainPart, o.inner, 'test');
    if (batch.n === 0) continue;
    log.append((await pipeline.score(batch, reader.schema!)).scores, batch.classIndex);
  }
  const { scores, classIndex } = log.view;
  return { scores, truth: o.vocabulary.truthOf(classIndex) };
}
