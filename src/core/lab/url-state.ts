/**
 * The lab's shareable state, read from and written to the page's URL, so a teacher can hand a
 * class one link: `?view=live&dataset=mixed-day&seed=1&detector=ae&rate=100&threshold=0.02&autostart=1`.
 * Every parameter is parsed here, once: the Live view takes `detector` when it can play it and
 * `threshold` when it is a number; the Train and Detectors tabs take the same `detector` when
 * they offer it and `threshold` as a rule (p99); the Model comparison tab reads `task` and `balance`.
 */
import { MODEL_KINDS, type ModelKind } from '../detectors';
import { SPLIT_KINDS, TASKS, type SplitKind, type Task } from '../pipeline';
import { parseRate, rateText, trimNumber, type RateSpec } from '../replay';
import { BALANCE_METHODS, type BalanceMethod } from '../study';
import { parseThreshold, type ThresholdSpec } from '../threshold';
import { withoutCredentials } from '../util';

export const VIEWS = {
  live: 'Live',
  data: 'Data',
  train: 'Train',
  alerts: 'Alerts',
  history: 'History',
  detectors: 'Detectors',
  compare: 'Model comparison',
} as const;
export type ViewId = keyof typeof VIEWS;

export const LIVE_DETECTORS = {
  ae: 'Autoencoder',
  iforest: 'Isolation forest',
  lstm: 'LSTM autoencoder',
  // supervised: the newest stored one (train it in the Train view); its alerts carry the class it names
  hybrid: 'Hybrid (detector + classifier)',
  random_forest: 'Random forest (classifier)',
} as const;
export type LiveDetector = keyof typeof LIVE_DETECTORS;

/** what a link asks of the tabs other than Live; null: not asked (or not understood) */
export interface TabRequest {
  /** any detector the lab knows, or 'auto' (the Detectors tab chooses) */
  detector: ModelKind | 'auto' | null;
  /** a threshold rule or value (p99, c0.1, 0.02) */
  threshold: ThresholdSpec | null;
  split: SplitKind | null;
  task: Task | null;
  balance: BalanceMethod | null;
}

export interface LabUrlState {
  view: ViewId;
  /** scenario name; null: the replay client's first (default) scenario */
  dataset: string | null;
  seed: number;
  detector: LiveDetector;
  rate: RateSpec;
  /** null: the model's calibrated threshold */
  threshold: number | null;
  autostart: boolean;
  /** a stored run (Alerts and History views) */
  run: string | null;
  /** a live feed: the broker's ws:// or wss:// address and the topic filter (never a password) */
  broker: string | null;
  topic: string | null;
  /** the other tabs' parameters; they read them and never write them */
  tabs: TabRequest;
}

const DEFAULT_RATE: RateSpec = { kind: 'flows', perSecond: 1000 };

const DEFAULTS: Omit<LabUrlState, 'tabs'> = {
  view: 'live',
  dataset: null,
  seed: 1,
  detector: 'ae',
  rate: DEFAULT_RATE,
  threshold: null,
  autostart: false,
  run: null,
  broker: null,
  topic: null,
};

const oneOf = <T extends string>(value: string | null, values: readonly T[]): T | null => (value !== null && values.includes(value as T) ? (value as T) : null);

function thresholdOf(text: string | null): ThresholdSpec | null {
  if (text === null || text.trim() === '') return null;
  try {
    return parseThreshold(text);
  } catch {
    return null;
  }
}

export function parseUrlState(search: string): LabUrlState {
  const p = new URLSearchParams(search);
  const view = p.get('view');
  const seed = Number(p.get('seed'));
  const tabs: TabRequest = {
    detector: oneOf(p.get('detector'), [...MODEL_KINDS, 'auto']),
    threshold: thresholdOf(p.get('threshold')),
    split: oneOf(p.get('split'), SPLIT_KINDS),
    task: oneOf(p.get('task'), TASKS),
    balance: oneOf(p.get('balance'), BALANCE_METHODS),
  };
  const liveThreshold = tabs.threshold?.kind === 'fixed' && tabs.threshold.value >= 0 ? tabs.threshold.value : null;
  return {
    view: view && view in VIEWS ? (view as ViewId) : DEFAULTS.view,
    dataset: p.get('dataset')?.trim() || null,
    seed: p.has('seed') && Number.isInteger(seed) && seed >= 0 ? seed : DEFAULTS.seed,
    detector: tabs.detector && tabs.detector in LIVE_DETECTORS ? (tabs.detector as LiveDetector) : DEFAULTS.detector,
    rate: parseRate(p.get('rate')) ?? DEFAULTS.rate,
    threshold: liveThreshold,
    autostart: p.get('autostart') === '1' || p.get('autostart') === 'true',
    run: p.get('run') || null,
    broker: p.get('broker')?.trim() || null,
    topic: p.get('topic')?.trim() || null,
    tabs,
  };
}

/**
 * The search string for `state`, starting from `current` so that parameters owned by
 * other tabs survive. Live parameters are written while the Live view is shown; other
 * views drop them (the page keeps them in memory), except `detector`, which the
 * Train and Detectors tabs read too. A threshold rule ("p99") belongs to the Detectors tab and stays.
 */
export function toSearch(state: Omit<LabUrlState, 'tabs'>, current = ''): string {
  const p = new URLSearchParams(current);
  const set = (key: string, value: string | null) => (value === null ? p.delete(key) : p.set(key, value));
  set('view', state.view);
  if (state.view === 'live') {
    set('dataset', state.dataset);
    set('seed', String(state.seed));
    set('detector', state.detector);
    set('rate', rateText(state.rate));
    set('threshold', state.threshold === null ? null : trimNumber(state.threshold));
    set('autostart', state.autostart ? '1' : null);
    // a user name and password typed into the address never reach the URL bar (history, shared links)
    set('broker', state.broker && withoutCredentials(state.broker));
    set('topic', state.broker ? state.topic : null);
  } else {
    for (const key of ['dataset', 'seed', 'rate', 'autostart', 'broker', 'topic']) p.delete(key);
    if (thresholdOf(p.get('threshold'))?.kind === 'fixed') p.delete('threshold');
  }
  if (state.view === 'alerts' || state.view === 'history') set('run', state.run);
  else p.delete('run');
  const text = p.toString();
  return text ? `?${text}` : '';
}
