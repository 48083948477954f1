import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Where the page turns strings into markup, text from a file must go through
 * src/core/text: a guard over the views' source, so a new chart or view cannot forget.
 */
const UI = new URL('../../src/ui/', import.meta.url).pathname;

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(e.name) ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

describe('markup in the views', () => {
  const files = sources(UI);

  it('no view sets HTML from a string ({@html}, innerHTML, outerHTML, insertAdjacentHTML)', () => {
    const found = files.flatMap((f) => (/\{@html|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML/.test(f.text) ? [f.path] : []));
    expect(found).toEqual([]);
  });

  it('every chart formatter that writes markup builds it with html`…`, which escapes each value', () => {
    const offenders: string[] = [];
    for (const f of files) {
      // the code only: a Svelte template's own tags are escaped by Svelte
      const code = f.path.endsWith('.svelte') ? (/<script[^>]*>([\s\S]*?)<\/script>/.exec(f.text)?.[1] ?? '') : f.text;
      code.split('\n').forEach((line, i) => {
        // a template literal holding a tag, on a formatter's line or joined into one
        if (/`[^`]*<(br|span|b|i|div|p|strong|em)\b[^`]*`/.test(line) && !/html`/.test(line)) offenders.push(`${f.path}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
