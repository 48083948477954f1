import type { DetectorKind, DetectorSettings } from '../detectors/registry';
import { DETECTOR_KINDS } from '../detectors/registry';
import { InputError } from '../ingest/text-stream';

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

const SETTING_NAMES: Record<DetectorKind, readonly string[]> = {
  iforest: FOREST,
  ae: NETWORK,
  lstm: [...NETWORK, ...LSTM_ONLY],
  kmeans: ['n_clusters'],
  ensemble: [...ENSEMBLE, ...FOREST, ...NETWORK, ...LSTM_ONLY],
};

export function detectorSettings(kind: DetectorKind, flat: Record<string, number | string | boolean>): DetectorSettings {
  if (!DETECTOR_KINDS.includes(kind)) throw new InputError(`unknown detector "${kind}": use one of ${DETECTOR_KINDS.join(', ')}`);
  const allowed = SETTING_NAMES[kind];
  const forest: Record<string, unknown> = {};
  const network: Record<string, unknown> = {};
  const lstm: Record<string, unknown> = {};
  const ensemble: Record<string, unknown> = {};
  const kmeans: Record<string, unknown> = {};
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
        const widths = String(raw).split(/[\s,]+/).filter(Boolean).map((w) => integer(name, w, 1));
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
      case 'timesteps':
        lstm[name] = integer(name, raw, 1);
        break;
      case 'members': {
        const members = String(raw).split(/[\s,]+/).filter(Boolean);
        for (const m of members) if (!['iforest', 'ae', 'lstm'].includes(m)) throw new InputError(`ensemble members are iforest, ae and lstm, not "${m}"`);
        if (members.length < 2) throw new InputError('an ensemble needs at least two members, e.g. "ae,iforest"');
        ensemble[name] = members;
        break;
      }
      case 'fusion':
        if (raw !== 'mean' && raw !== 'max') throw new InputError('fusion must be "mean" or "max"');
        ensemble[name] = raw;
        break;
    }
  }
  return {
    iforest: forest,
    ae: network,
    lstm: { ...network, ...lstm },
    kmeans,
    ensemble,
  } as DetectorSettings;
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
