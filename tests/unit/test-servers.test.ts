import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startInfluxd } from '../support/servers';

/** pids of processes whose command line names something under `dir` */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('test servers', () => {
  const saved = process.env.TMPDIR;
  let root = '';
  afterEach(() => {
    process.env.TMPDIR = saved;
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('an influxd that fails to start is stopped and its folder removed', async () => {
    root = mkdtempSync(join(tmpdir(), 'iomt-servers-test-'));
    process.env.TMPDIR = root;
    // a quote in the password breaks the CREATE USER statement: the start fails after influxd runs
    await expect(startInfluxd({ auth: { u: 'admin', p: "it's" } })).rejects.toThrow(/refused the admin user/);
    expect(processesUnder(root)).toEqual([]);
    expect(readdirSync(root)).toEqual([]);
  }, 30_000);
});
