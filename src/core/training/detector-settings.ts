import { CLASSIFIER_DETECTORS, isClassifierDetector } from '../detectors';
import type { DetectorKind, DetectorSettings, MemberKind, ModelKind } from '../detectors';
import { DEFAULT_HYBRID, DETECTOR_KINDS, isSupervised, MEMBER_KINDS } from '../detectors';
import { InputError } from '../ingest';

/**
 * Flat settings as the CLI and scikit-learn/Keras name them (`n_estimators`, `max_samples`,
 * `epochs`, `batch_size`, `hidden_layers` "32,16", `members` "ae,iforest", …) → the
 * registry's per-kind settings. The forest's and the autoencoders' names are filled in for
 * every kind, so an ensemble's members take them too. Unknown names and bad values throw
 * one sentence.
 */
const FOREST = ['n_estimators', 'max_samples', 'max_features', 'contamination', 'bootstrap'] as const;
const NETWORK = ['epochs', 'batch_size', 'hidden_layers', 'learning_rate', 'patience', 'validation_fraction', 'dropout', 'l2', 'activation'] as const;
const LSTM_ONLY = ['timesteps'] as const;
const ENSEMBLE = ['members', 'fusion'] as const;
const KMEANS = ['n_clusters'] as const;
const KNN = ['n_neighbors'] as const;

const SETTING_NAMES: Record<DetectorKind, readonly string[]> = {
  iforest: FOREST,
  ae: NETWORK,
  lstm: [...NETWORK, ...LSTM_ONLY],
  kmeans: KMEANS,
  knn: KNN,
  // an ensemble's members take their own kind's settings
  ensemble: [...ENSEMBLE, ...FOREST, ...NETWORK, ...LSTM_ONLY, ...KMEANS, ...KNN],
};

/** hyperparameters of the classifiers (scikit-learn's names) the Train view offers */
const CLASSIFIER = ['n_estimators', 'max_depth', 'min_samples_leaf', 'max_features', 'class_weight', 'learning_rate'] as const;

export function detectorSettings(kind: ModelKind, flat: Record<string, number | string | boolean>): DetectorSettings {
  if (isSupervised(kind)) return supervisedSettings(kind, flat);
  if (!DETECTOR_KINDS.includes(kind)) throw new InputError(`unknown detector "${kind}": use one of ${DETECTOR_KINDS.join(', ')}`);
  const allowed = SETTING_NAMES[kind];
  const forest: Record<string, unknown> = {};
  const network: Record<string, unknown> = {};
  const lstm: Record<string, unknown> = {};
  const ensemble: Record<string, unknown> = {};
  const kmeans: Record<string, unknown> = {};
  const knn: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(flat)) {
    if (raw === '' || raw === undefined || raw === null) continue;
    if (!allowed.includes(name)) throw new InputError(`"${name}" is not a setting of the ${kind} detector (it takes ${allowed.join(', ')})`);
    switch (name) {
      case 'n_estimators':
        forest[name] = integer(name, raw, 1);
        break;
      case 'max_samples':
        forest[name] = raw === 'auto' ? 'auto' : positive(name, raw);
        break;
      case 'max_features':
        forest[name] = positive(name, raw);
        break;
      case 'contamination': {
        const v = raw === 'auto' ? 'auto' : positive(name, raw);
        if (v !== 'auto' && v > 0.5) throw new InputError('contamination must be "auto" or a rate in (0, 0.5]');
        forest[name] = v;
        break;
      }
      case 'bootstrap':
        forest[name] = raw === true || raw === 'true' || raw === 1;
        break;
      case 'epochs':
      case 'patience':
        network[name] = integer(name, raw, name === 'epochs' ? 1 : 0);
        break;
      case 'batch_size':
        network[name] = raw === 'auto' ? 'auto' : integer(name, raw, 1);
        break;
      case 'hidden_layers': {
        const widths = String(raw)
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((w) => integer(name, w, 1));
        if (widths.length === 0) throw new InputError('hidden_layers needs at least one width, e.g. "32,16"');
        network[name] = widths;
        break;
      }
      case 'learning_rate':
        network[name] = positive(name, raw);
        break;
      case 'validation_fraction':
      case 'dropout':
      case 'l2': {
        const v = number(name, raw);
        if (v < 0 || (name !== 'l2' && v >= 1)) throw new InputError(`${name} must be ${name === 'l2' ? '0 or more' : 'in [0, 1)'}, got ${raw}`);
        network[name] = v;
        break;
      }
      case 'activation':
        network[name] = String(raw);
        break;
      case 'n_clusters':
        kmeans[name] = integer(name, raw, 1);
        break;
      case 'n_neighbors':
        knn[name] = integer(name, raw, 1);
        break;
      case 'timesteps':
        lstm[name] = integer(name, raw, 1);
        break;
      case 'members': {
        const members = String(raw)
          .split(/[\s,]+/)
          .filter(Boolean);
        for (const m of members)
          if (!(MEMBER_KINDS as readonly string[]).includes(m)) throw new InputError(`ensemble members are ${MEMBER_KINDS.join(', ')}, not "${m}"`);
        if (members.length < 2) throw new InputError('an ensemble needs at least two members, e.g. "ae,iforest"');
        ensemble[name] = members;
        break;
      }
      case 'fusion':
        if (raw !== 'auto' && raw !== 'mean' && raw !== 'max') throw new InputError('fusion must be "auto", "mean" or "max"');
        ensemble[name] = raw;
        break;
    }
  }
  return {
    iforest: forest,
    ae: network,
    lstm: { ...network, ...lstm },
    kmeans,
    knn,
    ensemble,
  } as DetectorSettings;
}

/** A classifier's hyperparameters; for a hybrid also its two parts (`unsupervised`, `classifier`) and the detector's settings. */
function supervisedSettings(kind: ModelKind, flat: Record<string, number | string | boolean>): DetectorSettings {
  const classifier: Record<string, unknown> = {};
  const hybrid: NonNullable<DetectorSettings['hybrid']> = {};
  const rest: Record<string, number | string | boolean> = {};
  for (const [name, raw] of Object.entries(flat)) {
    if (raw === '' || raw === undefined || raw === null) continue;
    if (kind === 'hybrid' && name === 'unsupervised') {
      if (!(MEMBER_KINDS as readonly string[]).includes(String(raw)))
        throw new InputError(`a hybrid's detector is one of ${MEMBER_KINDS.join(', ')}, not "${String(raw)}"`);
      hybrid.unsupervised = String(raw) as MemberKind;
    } else if (kind === 'hybrid' && name === 'classifier') {
      if (!isClassifierDetector(String(raw))) throw new InputError(`a hybrid's classifier is one of ${CLASSIFIER_DETECTORS.join(', ')}, not "${String(raw)}"`);
      hybrid.classifier = String(raw) as NonNullable<typeof hybrid.classifier>;
    } else if (name === 'class_weight') {
      if (raw !== 'balanced') throw new InputError('class_weight is "balanced" or empty (every row weighs the same)');
      classifier[name] = raw;
    } else if (name === 'max_depth' || name === 'n_estimators' || name === 'min_samples_leaf') classifier[name] = integer(name, raw, 1);
    else if (name === 'max_features') classifier[name] = raw === 'sqrt' || raw === 'log2' ? raw : positive(name, raw);
    else if (name === 'learning_rate' && kind !== 'hybrid') classifier[name] = positive(name, raw);
    else if (kind === 'hybrid') rest[name] = raw;
    else throw new InputError(`"${name}" is not a setting of the ${kind} classifier (it takes ${CLASSIFIER.join(', ')})`);
  }
  // a hybrid's detector part takes its own settings (epochs, hidden_layers, n_clusters, …)
  const part = hybrid.unsupervised ?? DEFAULT_HYBRID.unsupervised;
  const own = kind === 'hybrid' ? detectorSettings(part, rest) : {};
  return { ...own, classifier, ...(kind === 'hybrid' ? { hybrid } : {}) };
}

function number(name: string, raw: number | string | boolean): number {
  const v = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (typeof raw === 'boolean' || !Number.isFinite(v)) throw new InputError(`${name} must be a number, got "${String(raw)}"`);
  return v;
}

function positive(name: string, raw: number | string | boolean): number {
  const v = number(name, raw);
  if (!(v > 0)) throw new InputError(`${name} must be above 0, got ${raw}`);
  return v;
}

function integer(name: string, raw: number | string | boolean, min: number): number {
  const v = number(name, raw);
  if (!Number.isInteger(v) || v < min) throw new InputError(`${name} must be a whole number of at least ${min}, got ${raw}`);
  return v;
}
