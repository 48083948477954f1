import type { DetectorKind } from '../detectors';
import { concatRows, type Batch, type Matrix } from '../ingest';
import { fitBenignRows, type FittedPipeline } from '../pipeline';
import { dialectById, type Schema } from '../schema';
import type { LearningState, LearningStatus } from '../store';

/**
 * A learning period at the start of a feed from an unknown network, as Kitsune's grace
 * periods: the first flows (a number of them, or the flows of the first minutes) are
 * taken as that network's normal traffic, a detector is trained on them and its
 * threshold calibrated on the latest of them, and only then are flows scored. The flows
 * it learns from are not scored: they are counted as skipped with that reason.
 */
export interface LearningOptions {
  /** learn from this many flows */
  flows?: number;
  /** or from the flows of this many seconds (wall clock, from the first flow) */
  seconds?: number;
  /** what to train (default an isolation forest: seconds to fit) */
  detector?: DetectorKind;
}

/** the reason learned flows are counted under (not scored, nothing lost) */
export const LEARNING_REASON = 'learning period (trained on, not scored)';
/** fewer flows than this cannot train a detector and calibrate its threshold */
export const MIN_LEARNING_FLOWS = 50;

export class LearningPeriod {
  private parts: Matrix[] = [];
  private rows = 0;
  private startedAt: number | null = null;
  private now = 0;
  state: LearningState = 'learning';

  constructor(readonly options: LearningOptions) {
    const { flows, seconds } = options;
    if ((flows === undefined) === (seconds === undefined)) throw new RangeError('a learning period is a number of flows or of seconds, one of the two');
    if (flows !== undefined && !(Number.isInteger(flows) && flows >= MIN_LEARNING_FLOWS))
      throw new RangeError(`a learning period needs at least ${MIN_LEARNING_FLOWS} flows, not ${flows}`);
    if (seconds !== undefined && !(seconds > 0 && Number.isFinite(seconds)))
      throw new RangeError(`a learning period lasts a positive number of seconds, not ${seconds}`);
  }

  /** keeps the batch's rows; true once the period is over (enough flows, or the time is up with enough flows) */
  add(batch: Batch, now: number): boolean {
    this.startedAt ??= now;
    this.now = now;
    this.parts.push({ n: batch.n, d: batch.d, data: batch.data.slice(0, batch.n * batch.d) });
    this.rows += batch.n;
    const { flows, seconds } = this.options;
    if (flows !== undefined) return this.rows >= flows;
    return (now - this.startedAt) / 1000 >= seconds! && this.rows >= MIN_LEARNING_FLOWS;
  }

  status(): LearningStatus {
    const { flows, seconds } = this.options;
    const elapsed = this.startedAt === null ? 0 : (this.now - this.startedAt) / 1000;
    return flows !== undefined
      ? { state: this.state, done: Math.min(this.rows, flows), total: flows, unit: 'flows', flows: this.rows }
      : { state: this.state, done: Math.min(elapsed, seconds!), total: seconds!, unit: 'seconds', flows: this.rows };
  }

  /** trains on the flows kept (the latest fifth calibrates the threshold, or every flow scored out of fold where those are too few) and forgets them */
  async train(schema: Schema, label: string, signal?: AbortSignal): Promise<FittedPipeline> {
    this.state = 'training';
    const x = concatRows(this.parts);
    this.parts = [];
    const dialect = dialectById(schema.dialect) ?? { name: schema.dialect, defaultExclusions: {} };
    const { pipeline } = await fitBenignRows(
      x,
      new Uint16Array(x.n),
      schema,
      dialect,
      { detector: this.options.detector ?? 'iforest', signal },
      {
        files: [`${label} (learning period)`],
        rowsRead: x.n,
        benignRows: x.n,
        started: Date.now(),
      },
    );
    this.state = 'done';
    return pipeline;
  }
}
