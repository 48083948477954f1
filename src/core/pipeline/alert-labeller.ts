import type { Matrix } from '../ingest';
import type { Schema, ClassVocabulary } from '../schema';
import type { FittedPipeline } from './fitted-pipeline';

/** How often the second stage named the class and the family of true alerts. */
export interface AlertNaming {
  /** the model that named the alerts (its detector kind) */
  namer: string;
  true_alerts: number;
  class_accuracy: number;
  family_accuracy: number;
  /** per true class: alerts, and the share named with the right class and family */
  per_class: Record<string, { alerts: number; class_accuracy: number; family_accuracy: number }>;
}

/**
 * The original system's second stage: a supervised model (a classifier detector or a
 * hybrid, anything with `nameClasses`) names the attack class of each flagged row. It
 * reads the raw rows through its own preprocessor, so it need not share the detector's.
 * Tallies, over true alerts (flagged attack rows), how often it was right.
 */
export class AlertLabeller {
  private readonly tally = new Map<number, { alerts: number; rightClass: number; rightFamily: number }>();

  constructor(
    private readonly namer: FittedPipeline,
    private readonly vocabulary: ClassVocabulary,
  ) {
    if (!namer.detector.nameClasses || !namer.detector.classes)
      throw new Error(`a ${namer.detector.kind} model cannot name alerts: choose a classifier or a hybrid`);
  }

  /** Names the flagged rows of a raw batch (laid out as `schema`) and tallies the true alerts it names right. */
  label(raw: Matrix, schema: Schema, flagged: Uint8Array, trueClass: Int32Array): void {
    const rows: number[] = [];
    for (let i = 0; i < raw.n; i++) if (flagged[i] && trueClass[i] >= 0 && !this.vocabulary.isBenign(trueClass[i])) rows.push(i);
    if (rows.length === 0) return;
    const sub: Matrix = { n: rows.length, d: raw.d, data: new Float32Array(rows.length * raw.d) };
    rows.forEach((r, k) => sub.data.set(raw.data.subarray(r * raw.d, (r + 1) * raw.d), k * raw.d));
    const detector = this.namer.detector;
    const { classIndex } = detector.nameClasses!(this.namer.preprocessor.transform(sub, schema));
    const known = detector.classes!;
    rows.forEach((r, k) => {
      const truth = trueClass[r];
      const t = this.tally.get(truth) ?? { alerts: 0, rightClass: 0, rightFamily: 0 };
      this.tally.set(truth, t);
      const named = known[classIndex[k]];
      t.alerts++;
      if (named?.name === this.vocabulary.names[truth]) t.rightClass++;
      if (named?.family === this.vocabulary.family(truth)) t.rightFamily++;
    });
  }

  summary(): AlertNaming {
    let alerts = 0;
    let rightClass = 0;
    let rightFamily = 0;
    const perClass: AlertNaming['per_class'] = {};
    for (const [c, t] of [...this.tally].sort((a, b) => a[0] - b[0])) {
      alerts += t.alerts;
      rightClass += t.rightClass;
      rightFamily += t.rightFamily;
      perClass[this.vocabulary.names[c]] = { alerts: t.alerts, class_accuracy: t.rightClass / t.alerts, family_accuracy: t.rightFamily / t.alerts };
    }
    return {
      namer: this.namer.detector.kind,
      true_alerts: alerts,
      class_accuracy: alerts ? rightClass / alerts : NaN,
      family_accuracy: alerts ? rightFamily / alerts : NaN,
      per_class: perClass,
    };
  }
}
