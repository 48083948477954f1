import { describe, expect, it } from 'vitest';
import { displayText, escapeHtml, excerpt, html, Markup, nameList } from '../../src/core/text';

describe('untrusted text becomes display text', () => {
  it('escapes every interpolated value of an html`` template, never the literal parts', () => {
    const label = '<img src=x onerror=alert(1)>';
    expect(html`${label}<br>${'<style>*{display:none}</style>'}`).toBe('&lt;img src=x onerror=alert(1)&gt;<br>&lt;style&gt;*{display:none}&lt;/style&gt;');
    expect(html`a "${'" onmouseover="x'}"`).toBe('a "&quot; onmouseover=&quot;x"');
    expect(html`${new Markup('<span class="m"></span>')}${'&'}`).toBe('<span class="m"></span>&amp;');
    expect(html`${42} flows, ${null}`).toBe('42 flows, ');
  });

  it('keeps one line, hides control and bidi-override characters, and cuts long text', () => {
    expect(displayText('a\r\nb\tc')).toBe('a b c');
    expect(displayText('x\u0000y\u202Ez')).toBe('x\uFFFDy\uFFFDz');
    const long = 'h'.repeat(10_000_000);
    const shown = displayText(long, 50);
    expect(shown).toHaveLength(50);
    expect(shown.endsWith('…')).toBe(true);
    // a surrogate pair is never split
    expect(displayText('😀'.repeat(10), 4)).toBe('😀😀😀…');
  });

  it('quotes a short excerpt with the length of what was cut', () => {
    expect(excerpt('Flow,ID')).toBe('“Flow,ID”');
    expect(excerpt('a'.repeat(1_000_000), 10)).toBe('“aaaaaaaaa…” (1,000,000 characters)');
  });

  it('lists a few names and says how many more', () => {
    expect(nameList(['a', 'b', 'c'], 2)).toBe('a, b and 1 more');
    expect(nameList(['x'.repeat(100)], 3, 5)).toBe('xxxx…');
  });

  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&lt;&gt;&amp;&quot;&#39;');
  });
});
