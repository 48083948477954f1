import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allSkipped,
  corruptBlockCapture,
  hostileLabels,
  hugeHeader,
  junkCapture,
  lyingCapture,
  notUtf8,
  people,
  truncatedGzip,
  undecodableCapture,
  type HostileFile,
} from '../hostile-inputs';

/**
 * The command line against hostile and broken files (the browser suite is
 * tests/e2e/hostile.spec.ts): one clear sentence and exit 1, or a report whose counters add
 * up, never a stack trace, a control sequence or the input echoed whole.
 */
const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (f: HostileFile) => {
  const p = join(dir, f.name);
  writeFileSync(p, f.buffer);
  return p;
};

function evaluate(...args: string[]): Promise<{ code: number | null; out: string; err: string; json: Record<string, unknown> | null }> {
  const json = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/evaluate.ts', ...args, '--json', json], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', async (code) => {
      let parsed = null;
      try {
        parsed = JSON.parse((await import('node:fs')).readFileSync(json, 'utf8'));
      } catch {
        /* no report written */
      }
      resolve({ code, out, err, json: parsed });
    });
  });
}

/** exit 1 with one line `error: <sentence>` matching `pattern`, short, no stack trace */
function expectOneSentence(r: { code: number | null; err: string }, pattern: RegExp) {
  expect(r.code).toBe(1);
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0].length).toBeLessThan(400);
}

describe('npm run evaluate on hostile input', { timeout: 240_000 }, () => {
  it('prints markup, formula and control-character labels as harmless text, and its counters add up', async () => {
    const r = await evaluate('--train', path(hostileLabels()), '--detector', 'iforest');
    expect(r.code, r.err).toBe(0);
    // no terminal control sequence reaches the terminal; a label with '/' stays whole
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.out).toContain('Recon/Port\\Scan');
    expect(r.out).toContain('<img src=http://hostile.invalid/x.png onerror=alert(1)>');
    const rows = r.json!.rows as { read: number; scored: number; skipped: number; in_training_split?: number };
    expect(rows.scored + rows.skipped + (rows.in_training_split ?? 0)).toBe(rows.read);
  });

  it('quotes a 10 MB header line as a short excerpt', async () => {
    expectOneSentence(await evaluate('--train', path(hugeHeader())), /the header is not one of .*“H+…” \(10,485,7\d\d characters\)/);
  });

  it('exits 1 with one sentence when every test row was skipped', async () => {
    const r = await evaluate('--train', path(hostileLabels()), '--test', path(allSkipped()), '--detector', 'iforest');
    expectOneSentence(r, /every one of the 7 test rows was skipped \(7 malformed row\): nothing was scored/);
  });

  it('names the numeric column of name,age,city and what it is taken for', async () => {
    expectOneSentence(
      await evaluate('--train', path(people()), '--label-column', 'age'),
      /people\.csv has no numeric feature columns: age is numeric but is the label column; name, city hold text/,
    );
  });

  it('reads text that is not UTF-8 (replacement characters), and says a cut gzip stream could not be decompressed', async () => {
    const latin = await evaluate('--train', path(notUtf8()), '--detector', 'iforest');
    expect(latin.code, latin.err).toBe(0);
    expect(latin.out).toContain('Caf\uFFFD-attack');
    expectOneSentence(await evaluate('--train', path(truncatedGzip())), /cut\.csv\.gz could not be decompressed/);
  });

  it('says a file named .pcap that is no capture is not one, and that a capture none of whose packets decode made no flows', async () => {
    expectOneSentence(await evaluate('--train', path(junkCapture())), /junk\.pcap is not a packet capture: it starts with neither a pcap nor a pcapng header/);
    expectOneSentence(
      await evaluate('--train', path(undecodableCapture())),
      /no flows could be made from .*user-link\.pcap: 400 packets read: 0 used, 400 skipped \(400 link type not decoded\)/,
    );
  });

  it('keeps the packets before a corrupt block and says what could not be read; lying headers are counted as skipped', async () => {
    const damaged = await evaluate('--train', path(corruptBlockCapture()), '--detector', 'iforest');
    expect(damaged.code, damaged.err).toBe(0);
    expect(damaged.out).toMatch(/packets +200 packets read: 200 used, 0 skipped/);
    expect(damaged.out).toMatch(/warning +.*corrupt-block\.pcapng: the block at byte 22448 has a corrupt length .*the 200 packets before it were read/);
    const packets = damaged.json!.packets as { packets: number; used: number; flows: number };
    expect(packets).toMatchObject({ packets: 200, used: 200, flows: 20 });

    const lying = await evaluate('--train', path(lyingCapture()), '--detector', 'iforest');
    expect(lying.code, lying.err).toBe(0);
    // 400 records: the 200 even ones used, 199 odd ones with a malformed header, the last (odd) one cut off
    const c = lying.json!.packets as { packets: number; used: number; skipped: Record<string, number> };
    expect(c).toMatchObject({ packets: 400, used: 200, skipped: { 'malformed header': 199, 'truncated at the end of the file': 1 } });
    expect(lying.out).toMatch(/packets +400 packets read: 200 used, 200 skipped \(199 malformed header, 1 truncated at the end of the file\)/);
  });
});
