/** Numbers and errors for people: grouped integers, short numbers, percentages, scores, times, bytes, dates, error sentences. */
import { displayText } from '../../core/text';

export const int = (v: number) => Math.round(v).toLocaleString('en-US');

/** a count, short: 12,345 → 12.3k */
export function compact(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return int(v);
}

/** a share (0–1) as a percentage; "–" when there is none */
export const percent = (v: number | null | undefined, digits = 1) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(digits)} %`;

/** a feature value or a bin edge, short (four significant digits) */
export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e5 || a < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** a score or threshold, short (three significant digits) */
export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000 || a < 0.001) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return Number(v.toPrecision(3)).toString();
}

/** Flow time: wall-clock time for epoch seconds, else elapsed h:mm:ss. */
export function formatFlowTime(t: number): string {
  if (!Number.isFinite(t)) return '';
  if (t > 1e9) return new Date(t * 1000).toISOString().slice(11, 19);
  const s = Math.max(0, Math.round(t));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

export function ms(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v >= 1000) return `${(v / 1000).toFixed(2)} s`;
  if (v >= 10) return `${v.toFixed(0)} ms`;
  return `${v.toFixed(1)} ms`;
}

/** a duration to wait, in words */
export function seconds(s: number): string {
  if (s < 1) return 'under a second';
  if (s < 90) return `${Math.round(s)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function bytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'unknown';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} GB`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)} MB`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(0)} kB`;
  return `${v} B`;
}

export const dateTime = (t: number) =>
  new Date(t).toLocaleString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** an error of any kind as its message, to go inside a sentence: one line, control characters made harmless, never longer than a banner */
export const message = (e: unknown) => displayText(e instanceof Error ? e.message : e, MESSAGE_MAX);
/** error messages quote input in short excerpts; this bounds one whose author forgot */
const MESSAGE_MAX = 600;

/** an error of any kind as a sentence of its own: capital first (unless it starts with a file name), full stop last */
export function sentence(e: unknown): string {
  const m = message(e);
  const first = m.split(/\s/, 1)[0];
  const s = /[./\\_]/.test(first) ? m : m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** the user cancelled (the worker's reading or training was aborted) */
export function isAbort(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || /cancelled|aborted/i.test(e.message));
}
