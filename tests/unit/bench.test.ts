import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyFigures, parseBenchArgs, selectEntries } from '../../bench/run';

/** the keys the bench command promises (issue 14); the JSON is an interface */
const PROMISED = [
  'iforest_score_rows_per_s',
  'ae_score_rows_per_s',
  'ae_train_rows_per_s',
  'csv_ingest_rows_per_s',
  'pcap_packets_per_s',
  'forest_predict_rows_per_s',
  'lab_flows_per_s',
  'ctgan_step_ms',
  'rf_fit_s',
  'knn_score_rows_per_s',
];

describe('npm run bench', () => {
  it('reads --only as comma- or space-separated names and --json as a file', () => {
    expect(parseBenchArgs(['--only', 'iforest,ae', 'forest', '--json', 'f.json'])).toEqual({
      only: ['iforest', 'ae', 'forest'],
      json: 'f.json',
      quick: false,
      list: false,
    });
    expect(parseBenchArgs([]).only).toBeNull();
    expect(() => parseBenchArgs(['--only'])).toThrow(/needs benchmark names/);
    expect(() => parseBenchArgs(['--json', '--quick'])).toThrow(/needs a file/);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/unknown argument "--fast"/);
  });

  it('selects entries by name or figure key, in suite order, and names the unknown ones', () => {
    expect(selectEntries(['lab', 'ae_score_rows_per_s']).map((e) => e.name)).toEqual(['ae', 'lab']);
    expect(selectEntries(null).map((e) => e.name)).toContain('forest');
    expect(() => selectEntries(['iforest', 'gpu'])).toThrow(/no benchmark named gpu/);
  });

  it('every promised key is a figure of the suite or a pending one', () => {
    expect(Object.keys(emptyFigures())).toEqual(expect.arrayContaining(PROMISED));
  });

  it('writes one object with every key, figures for what ran and null with a reason for the rest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
    try {
      const file = join(dir, 'figures.json');
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--only', 'iforest,ingest', '--json', file], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/iforest_score_rows_per_s\s+[\d,]+\s+rows\/s/);
      const out = JSON.parse(readFileSync(file, 'utf8'));
      for (const key of PROMISED) expect(out).toHaveProperty(key);
      expect(out.iforest_score_rows_per_s).toBeGreaterThan(0);
      expect(out.csv_ingest_rows_per_s).toBeGreaterThan(0);
      expect(out.lab_flows_per_s).toBeNull();
      expect(out.meta.notes.lab_flows_per_s).toBe('not run (--only)');
      expect(out.meta.notes.pcap_packets_per_s).toBeTruthy();
      expect(out.meta).toMatchObject({ quick: true, machine: { cores: expect.any(Number) }, node: process.version });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
