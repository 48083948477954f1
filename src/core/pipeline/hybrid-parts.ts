import type { HybridDetector } from '../detectors';
import type { ClassVocabulary } from '../schema';
import type { Matrix } from '../ingest';
import { evaluateBinary, type BinaryReport } from '../metrics';
import { ScoreLog } from './score-log';

/** One part of a hybrid scored alone at its own calibrated threshold. */
export interface PartFigures {
  kind: string;
  threshold: number;
  roc_auc: number;
  tpr: number;
  fpr: number;
  per_class: Record<string, number>;
}

/** Where the hybrid stands against its parts, per class: the detection rate of each (for a benign class, its false-positive rate). */
export interface HybridComparison {
  unsupervised: PartFigures;
  classifier: PartFigures;
  per_class: {
    class: string;
    benign: boolean;
    hybrid: number;
    unsupervised: number;
    classifier: number;
    verdict: 'beats both' | 'ties the best' | 'below a part';
  }[];
}

/**
 * Scores the test rows with each part of a hybrid alone, beside the hybrid, so an
 * evaluation can say per class where the fusion gains over both parts and where it
 * does not (a part alone at its own threshold flags more of some class, or fewer benign rows).
 */
export class HybridParts {
  private readonly logs = [new ScoreLog(), new ScoreLog()];

  constructor(private readonly hybrid: HybridDetector) {
    if (!hybrid.partThresholds) throw new Error("this hybrid was saved without its parts' thresholds: train it again to compare it with its parts");
  }

  async add(features: Matrix, classIndex: Int32Array): Promise<void> {
    const scores = await this.hybrid.memberScores(features);
    scores.forEach((s, m) => this.logs[m].append(s, classIndex));
  }

  compare(whole: BinaryReport, vocabulary: ClassVocabulary): HybridComparison {
    const [u, c] = this.logs.map((log, m) => {
      const { scores, classIndex } = log.view;
      const r = evaluateBinary({
        scores,
        threshold: this.hybrid.partThresholds![m],
        truth: vocabulary.truthOf(classIndex),
        classIndex,
        classNames: vocabulary.names,
        isBenign: vocabulary.info.map((i) => i.benign),
        families: vocabulary.info.map((i) => i.family),
      });
      return { kind: this.hybrid.members[m].kind, threshold: r.threshold, roc_auc: r.roc_auc, tpr: r.tpr, fpr: r.fpr, per_class: r.per_class };
    });
    const perClass = Object.keys(whole.per_class).map((name) => {
      const benign = vocabulary.isBenign(vocabulary.names.indexOf(name));
      const h = whole.per_class[name];
      // better means more attacks flagged, or fewer benign rows
      const sign = benign ? -1 : 1;
      const best = Math.max(sign * u.per_class[name], sign * c.per_class[name]);
      const mine = sign * h;
      const verdict: HybridComparison['per_class'][number]['verdict'] =
        mine > best + 1e-9 ? 'beats both' : mine >= best - 1e-9 ? 'ties the best' : 'below a part';
      return { class: name, benign, hybrid: h, unsupervised: u.per_class[name], classifier: c.per_class[name], verdict };
    });
    return { unsupervised: u, classifier: c, per_class: perClass };
  }
}
