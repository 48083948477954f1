import type { Detector } from '../detectors';
import { isSupervised, type ModelKind, type DetectorSettings } from '../detectors';
import {
  fitSupervisedPipeline,
  DEFAULT_TEST_FRACTION,
  fitPipeline,
  type FittedPipeline,
  type PipelineProgress,
  countTimeSplit,
  splitPart,
  ScoreLog,
} from '../pipeline';
import type { TrainingHistory } from '../detectors';
import { DatasetReader, type SourceFile, totalSkipped } from '../ingest';
import { evaluateBinary, type BinaryReport } from '../metrics';
import type { CaptureCounters } from '../packets';
import type { Dialect, ClassVocabulary } from '../schema';
import type { ThresholdSpec } from '../threshold';
import { Eta } from './eta';
import { scoreDistributions, type ScoreDistributions } from '../explore';

/**
 * The Train view's job: fit a pipeline on the benign rows of the files' training split
 * (`fitPipeline`, the same code as `npm run evaluate`), then score the held-out split —
 * benign and attack rows the model never saw, the rows `evaluate` scores without --test —
 * and keep those scores as histograms per class, so the threshold can move afterwards
 * without rescoring.
 */
export interface TrainRunOptions {
  /** an unsupervised detector (learns the benign rows of the split), or a classifier or hybrid (learns every labelled row) */
  detector: ModelKind;
  settings?: DetectorSettings;
  threshold?: ThresholdSpec;
  seed?: number;
  /** share of the later rows of each file and class held out for the score distributions (evaluate's default, 0.3) */
  testFraction?: number;
  maxTrainRows?: number;
  dialect?: Dialect;
  signal?: AbortSignal;
  onProgress?: (p: TrainRunProgress) => void;
}

export interface TrainRunProgress {
  /** read: the training pass; fit; calibrate; score: the held-out pass */
  phase: 'read' | 'fit' | 'calibrate' | 'score';
  /** rows read in this pass */
  rows: number;
  bytesRead?: number;
  bytesTotal?: number | null;
  /** fit: what is being done ("epoch", "tree", "ae: epoch", …) and how far */
  stage?: string;
  done?: number;
  total?: number;
  epoch?: number;
  epochs?: number;
  loss?: number;
  valLoss?: number;
  /** seconds left in this phase, from its pace so far */
  timeLeft?: number;
}

export interface TrainRun {
  pipeline: FittedPipeline;
  distributions: ScoreDistributions;
  /** the figures at the calibrated threshold, on the held-out rows */
  report: BinaryReport;
  /** held-out rows: benign + attack + unlabelled (a capture read without a label) */
  heldOut: { rows: number; benign: number; attack: number; unlabelled: number };
  /** rows of the training pass: read = accepted + skipped */
  read: { read: number; accepted: number; skipped: number; reasons: Record<string, number> };
  /** per-epoch losses of the (first) autoencoder, where there is one */
  history: TrainingHistory | null;
  vocabulary: ClassVocabulary;
  /** what the packet captures among the files held (the scoring pass reads every file once; null: no captures) */
  packets: CaptureCounters | null;
}

export async function trainRun(files: SourceFile[], options: TrainRunOptions): Promise<TrainRun> {
  const seed = options.seed ?? 0;
  const testFraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
  const eta = new Eta();
  const report = (p: TrainRunProgress, fraction: number | null) => options.onProgress?.({ ...p, timeLeft: eta.update(p.phase, fraction) });

  const readProgress = (phase: 'read' | 'score') => (p: { rows: number; bytesRead: number; bytesTotal: number | null }) =>
    report({ phase, rows: p.rows, bytesRead: p.bytesRead, bytesTotal: p.bytesTotal }, p.bytesTotal ? p.bytesRead / p.bytesTotal : null);
  const { split, vocabulary, dialect } = await countTimeSplit(files, testFraction, {
    dialect: options.dialect,
    signal: options.signal,
    onProgress: readProgress('read'),
  });
  const onProgress = (p: PipelineProgress) => {
    if (p.phase === 'read') readProgress('read')(p);
    else if (p.phase === 'fit') {
      const epochs = /epoch$/.test(p.stage);
      report(
        {
          phase: 'fit',
          rows: 0,
          stage: p.stage,
          done: p.done,
          total: p.total,
          loss: p.loss,
          valLoss: p.valLoss,
          ...(epochs ? { epoch: p.done, epochs: p.total } : {}),
        },
        p.total ? p.done / p.total : null,
      );
    } else report({ phase: 'calibrate', rows: 0 }, null);
  };
  const common = {
    settings: options.settings,
    threshold: options.threshold,
    seed,
    maxTrainRows: options.maxTrainRows,
    dialect,
    vocabulary,
    signal: options.signal,
    excludeRow: split.isTest,
    onProgress,
  };
  let pipeline: FittedPipeline;
  let read: TrainRun['read'];
  if (isSupervised(options.detector)) {
    const fitted = await fitSupervisedPipeline(files, { ...common, detector: options.detector });
    pipeline = fitted.pipeline;
    const r = fitted.rows;
    read = { read: r.read, accepted: r.read - r.skipped, skipped: r.skipped, reasons: {} };
  } else {
    const fitted = await fitPipeline(files, { ...common, detector: options.detector });
    pipeline = fitted.pipeline;
    const c = fitted.reader.counters;
    read = { read: c.read, accepted: c.accepted, skipped: totalSkipped(c), reasons: { ...c.skipped } as Record<string, number> };
  }
  try {
    const reader = new DatasetReader(files, { dialect, vocabulary, signal: options.signal, onProgress: readProgress('score') });
    const log = new ScoreLog();
    for await (const raw of reader.batches()) {
      const batch = splitPart(raw, split.isTest, 'test');
      if (batch.n === 0) continue;
      const { scores } = await pipeline.score(batch, reader.schema!);
      log.append(scores, batch.classIndex);
    }
    const { scores, classIndex } = log.view;
    const threshold = pipeline.threshold.value;
    const classes = vocabulary.names.map((name, c) => ({ name, benign: vocabulary.info[c].benign, family: vocabulary.info[c].family }));
    const binary = evaluateBinary({
      scores,
      threshold,
      truth: vocabulary.truthOf(classIndex),
      classIndex,
      classNames: vocabulary.names,
      isBenign: vocabulary.info.map((c) => c.benign),
      families: vocabulary.info.map((c) => c.family),
    });
    const { tp, fn, fp, tn } = binary.confusion;
    return {
      pipeline,
      distributions: scoreDistributions(scores, classIndex, classes, threshold),
      report: binary,
      heldOut: { rows: scores.length, benign: fp + tn, attack: tp + fn, unlabelled: binary.unlabelled.rows },
      read,
      history: historyOf(pipeline.detector),
      vocabulary,
      packets: reader.captures,
    };
  } catch (e) {
    pipeline.dispose();
    throw e;
  }
}

/** the losses of a reconstruction detector, or of an ensemble's first one (read from the detector, not its JSON) */
function historyOf(detector: Detector): TrainingHistory | null {
  const d = detector as Detector & { history?: TrainingHistory; members?: Detector[] };
  if (d.history) return d.history;
  for (const m of d.members ?? []) {
    const h = historyOf(m);
    if (h) return h;
  }
  return null;
}
