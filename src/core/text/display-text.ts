/**
 * The one place where untrusted text (class labels, column names, file names, cells, feed
 * fields: anything that came from a file or a feed) becomes text people read. Three
 * forms, one rule each:
 * - `displayText`: plain text for Svelte `{…}`, canvas labels and titles: control and
 *   bidi-override characters made harmless, cut to a length;
 * - `html\`…\``: markup for ECharts tooltip formatters (ECharts puts a formatter's string
 *   into the page as HTML): the literal parts are ours, every `${value}` is display text
 *   with `<>&"'` escaped, so a label like `<img src=x onerror=…>` shows as those characters;
 * - `excerpt`: a short quoted piece of input for an error sentence (a 10 MB header line
 *   must not become a 10 MB banner).
 * Plain TypeScript with no DOM: the workers, the CLI and the page all use it.
 */

/** how many characters of one untrusted string are shown by default */
export const DISPLAY_MAX = 120;
/** how many characters of input an error sentence quotes */
export const EXCERPT_MAX = 40;

// C0/C1 controls (tab, CR, LF become spaces first), and the bidi overrides and isolates
// that can make text read in another order than it is stored ("Trojan Source")
const LINE_BREAKS = /[\t\r\n\u2028\u2029]+/g;
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Untrusted text as plain display text: one line, no control characters, at most `max` characters (an ellipsis marks a cut). */
export function displayText(raw: unknown, max = DISPLAY_MAX): string {
  let s = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
  // cut first (on a generous bound) so a 10 MB string costs nothing more than its slice
  if (s.length > 4 * max + 16) s = s.slice(0, 4 * max + 16);
  s = s.replace(LINE_BREAKS, ' ').replace(INVISIBLE, '\ufffd');
  return cut(s, max);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe to place inside HTML, as element content or a quoted attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Markup we made ourselves (ECharts' series marker), let through `html\`…\`` unescaped. */
export class Markup {
  constructor(readonly html: string) {}
  toString() {
    return this.html;
  }
}

/**
 * A tagged template for HTML that ECharts renders (tooltip formatters): every interpolated
 * value is untrusted, so it becomes display text and is escaped; numbers print as numbers,
 * `Markup` passes through. `html\`${label}<br>${int(n)} flows\``.
 */
export function html(literals: TemplateStringsArray, ...values: unknown[]): string {
  let out = literals[0];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (v instanceof Markup ? v.html : escapeHtml(displayText(v))) + literals[i + 1];
  }
  return out;
}

/** A short piece of input, quoted, to go inside an error sentence: `"Flow_ID,Src_I…" (10,485,760 characters)`. */
export function excerpt(raw: unknown, max = EXCERPT_MAX): string {
  const s = typeof raw === 'string' ? raw : String(raw);
  const shown = `“${displayText(s, max)}”`;
  return s.length > max ? `${shown} (${s.length.toLocaleString('en-US')} characters)` : shown;
}

/** A list of untrusted names for a sentence: the first `count`, each short, and how many more. */
export function nameList(names: readonly string[], count = 6, max = 32): string {
  const shown = names.slice(0, count).map((n) => displayText(n, max));
  return names.length > count ? `${shown.join(', ')} and ${(names.length - count).toLocaleString('en-US')} more` : shown.join(', ');
}

/** at most `max` characters (code points, so no half of a surrogate pair), with an ellipsis where cut */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const points = Array.from(s);
  return points.length <= max ? s : `${points.slice(0, Math.max(1, max - 1)).join('')}…`;
}
