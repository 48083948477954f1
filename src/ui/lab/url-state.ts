/**
 * The lab's shareable state, read from and written to the page's URL, so a teacher can
 * hand a class one link: `?view=live&dataset=mixed-day&seed=1&detector=ae&rate=100&threshold=0.02&autostart=1`.
 * Parameters this module does not manage (the Detectors and Model comparison tabs' own)
 * are kept as they are.
 */
import type { RateSpec } from './lab-api';
import { withoutCredentials } from '../../core/util';

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
}

export const DEFAULT_RATE: RateSpec = { kind: 'flows', perSecond: 1000 };

export const DEFAULTS: LabUrlState = {
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

/** "100" → 100 flows/s, "max" → as fast as possible, "x4" → four times the file's own speed */
export function parseRate(text: string | null): RateSpec | null {
  if (!text) return null;
  const t = text.trim().toLowerCase();
  if (t === 'max') return { kind: 'max' };
  const speed = /^[x×](\d+(?:\.\d+)?)$/.exec(t) ?? /^(\d+(?:\.\d+)?)x$/.exec(t);
  if (speed) {
    const multiplier = Number(speed[1]);
    return multiplier > 0 && Number.isFinite(multiplier) ? { kind: 'speed', multiplier } : null;
  }
  const k = /^(\d+(?:\.\d+)?)k$/.exec(t);
  const perSecond = k ? Number(k[1]) * 1000 : /^\d+(?:\.\d+)?$/.test(t) ? Number(t) : NaN;
  return perSecond > 0 && Number.isFinite(perSecond) ? { kind: 'flows', perSecond } : null;
}

export function rateToParam(rate: RateSpec): string {
  if (rate.kind === 'max') return 'max';
  if (rate.kind === 'speed') return `x${trimNumber(rate.multiplier)}`;
  return trimNumber(rate.perSecond);
}

/** For people: "1,000 flows/s", "×4 file speed", "as fast as possible". */
export function describeRate(rate: RateSpec): string {
  if (rate.kind === 'max') return 'as fast as possible';
  if (rate.kind === 'speed') return `×${trimNumber(rate.multiplier)} file speed`;
  return `${rate.perSecond.toLocaleString('en-US', { maximumFractionDigits: 1 })} flow${rate.perSecond === 1 ? '' : 's'}/s`;
}

export function sameRate(a: RateSpec, b: RateSpec): boolean {
  return rateToParam(a) === rateToParam(b);
}

function trimNumber(v: number): string {
  return String(Number(v.toPrecision(6)));
}

export function parseUrlState(search: string): LabUrlState {
  const p = new URLSearchParams(search);
  const view = p.get('view');
  const detector = p.get('detector');
  const seed = Number(p.get('seed'));
  const threshold = p.get('threshold');
  const thresholdValue = threshold !== null && threshold.trim() !== '' ? Number(threshold) : NaN;
  return {
    view: view && view in VIEWS ? (view as ViewId) : DEFAULTS.view,
    dataset: p.get('dataset')?.trim() || null,
    seed: p.has('seed') && Number.isInteger(seed) && seed >= 0 ? seed : DEFAULTS.seed,
    // the Detectors tab shares the `detector` parameter and also knows "ensemble"; Live falls back to its default then
    detector: detector && detector in LIVE_DETECTORS ? (detector as LiveDetector) : DEFAULTS.detector,
    rate: parseRate(p.get('rate')) ?? DEFAULTS.rate,
    // the Detectors tab's thresholds are names ("p99"); only a number is a Live threshold
    threshold: Number.isFinite(thresholdValue) && thresholdValue >= 0 ? thresholdValue : null,
    autostart: p.get('autostart') === '1' || p.get('autostart') === 'true',
    run: p.get('run') || null,
    broker: p.get('broker')?.trim() || null,
    topic: p.get('topic')?.trim() || null,
  };
}

/**
 * The search string for `state`, starting from `current` so that parameters owned by
 * other tabs survive. Live parameters are written while the Live view is shown; other
 * views drop them (the page keeps them in memory), except `detector`, which the
 * Detectors tab reads too. A named threshold ("p99") belongs to the Detectors tab and stays.
 */
export function toSearch(state: LabUrlState, current = ''): string {
  const p = new URLSearchParams(current);
  const set = (key: string, value: string | null) => (value === null ? p.delete(key) : p.set(key, value));
  set('view', state.view);
  if (state.view === 'live') {
    set('dataset', state.dataset);
    set('seed', String(state.seed));
    set('detector', state.detector);
    set('rate', rateToParam(state.rate));
    set('threshold', state.threshold === null ? null : trimNumber(state.threshold));
    set('autostart', state.autostart ? '1' : null);
    // a user name and password typed into the address never reach the URL bar (history, shared links)
    set('broker', state.broker && withoutCredentials(state.broker));
    set('topic', state.broker ? state.topic : null);
  } else {
    for (const key of ['dataset', 'seed', 'rate', 'autostart', 'broker', 'topic']) p.delete(key);
    if (p.has('threshold') && Number.isFinite(Number(p.get('threshold')))) p.delete('threshold');
  }
  if (state.view === 'alerts' || state.view === 'history') set('run', state.run);
  else p.delete('run');
  const text = p.toString();
  return text ? `?${text}` : '';
}

/** Replaces the address bar's query (no history entry per slider move). */
export function writeUrlState(state: LabUrlState): void {
  const search = toSearch(state, location.search);
  if (search === location.search) return;
  history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
}

/** The link a teacher hands out: the Live settings with autostart on. */
export function shareLink(state: LabUrlState): string {
  const search = toSearch({ ...state, view: 'live', autostart: true }, '');
  return `${location.origin}${location.pathname}${search}`;
}
