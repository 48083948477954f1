import { RandomForestClassifier } from '../classifiers/random-forest';
import type { Matrix } from '../ingest/batch';
import type { ClassVocabulary } from '../ingest/class-vocabulary';
import type { SourceFile } from '../ingest/dataset-reader';
import { readLabelled } from './labelled-set';
import type { FittedPipeline } from './fitted-pipeline';

/**
 * The original system's second stage: a random forest, trained on every labelled row of
 * the training files, names the attack class of each row the detector flags. It sees the
 * detector's own preprocessed features, so one transform serves both.
 */
export class AlertLabeller {
  private alerts = 0;
  private rightClass = 0;
  private rightFamily = 0;

  private constructor(private readonly forest: RandomForestClassifier, private readonly vocabulary: ClassVocabulary) {}

  static async fit(files: SourceFile[], pipeline: FittedPipeline, vocabulary: ClassVocabulary, options: Parameters<typeof readLabelled>[2]): Promise<AlertLabeller> {
    const { set } = await readLabelled(files, vocabulary, options);
    const forest = new RandomForestClassifier({ random_state: options.seed });
    await forest.fit(pipeline.preprocessor.transform(set.x, set.schema), set.classIndex, vocabulary.names.length, { signal: options.signal });
    return new AlertLabeller(forest, vocabulary);
  }

  /** Labels the flagged rows of a preprocessed batch and tallies the true alerts it names right. */
  label(x: Matrix, flagged: Uint8Array, trueClass: Int32Array): void {
    const rows: number[] = [];
    for (let i = 0; i < x.n; i++) if (flagged[i] && trueClass[i] >= 0 && !this.vocabulary.isBenign(trueClass[i])) rows.push(i);
    if (rows.length === 0) return;
    const sub: Matrix = { n: rows.length, d: x.d, data: new Float32Array(rows.length * x.d) };
    rows.forEach((r, k) => sub.data.set(x.data.subarray(r * x.d, (r + 1) * x.d), k * x.d));
    const predicted = this.forest.predict(sub);
    rows.forEach((r, k) => {
      this.alerts++;
      if (predicted[k] === trueClass[r]) this.rightClass++;
      if (this.vocabulary.family(predicted[k]) === this.vocabulary.family(trueClass[r])) this.rightFamily++;
    });
  }

  /** Over the true alerts (flagged attack rows): how often the forest named the class and the family. */
  summary() {
    return {
      true_alerts: this.alerts,
      class_accuracy: this.alerts ? this.rightClass / this.alerts : NaN,
      family_accuracy: this.alerts ? this.rightFamily / this.alerts : NaN,
    };
  }
}
