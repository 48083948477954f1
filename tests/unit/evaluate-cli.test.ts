import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED } from './sources';
import { frame, pcapFile, type TestPacket } from './packets/capture-bytes';
import { TempFolders } from '../support/temp-folders';

const temp = new TempFolders();
afterAll(() => temp.removeAll());

/** The command as a user runs it; returns exit code, output and the JSON it wrote. */
function evaluate(...args: string[]) {
  const dir = temp.make('eval-');
  const json = join(dir, 'out.json');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/evaluate.ts', ...args, ...(args.includes('--json') ? [] : ['--json', json])], {
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: run.status, out: run.stdout, err: run.stderr, json: existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : null, dir };
}

describe('npm run evaluate', () => {
  it('trains, scores and saves; the saved model scores the same data identically', () => {
    const dir = temp.make('model-');
    const first = evaluate('--train', SHARED + 'botiot_12col_subset_sample.csv', '--detector', 'iforest', '--split', 'random', '--save', dir);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Confusion matrix');
    const j = first.json;
    for (const key of ['roc_auc', 'pr_auc', 'tpr', 'fpr', 'balanced_accuracy', 'f1', 'per_class', 'rows']) expect(j).toHaveProperty(key);
    expect(j.rows.read).toBe(9986);
    expect(j.rows.scored + j.rows.skipped + j.rows.in_training_split).toBe(j.rows.read);
    expect(j.roc_auc).toBeGreaterThan(0.9);
    expect(j.split).toEqual({ kind: 'random', test_fraction: 0.3 });
    expect(j.expected_fpr.n).toBe(j.training.holdoutRows);
    expect(Object.keys(j.per_class).sort()).toEqual(['DoS', 'Normal', 'Reconnaissance']);
    expect(existsSync(join(dir, 'pipeline.json'))).toBe(true);

    const again = evaluate('--model', dir, '--test', SHARED + 'botiot_12col_subset_sample.csv');
    expect(again.code).toBe(0);
    expect(again.json.rows.scored).toBe(9986);
    expect(again.json.threshold).toBe(j.threshold);
  });

  it('refuses a model for another schema with one sentence and exit 1', () => {
    const dir = temp.make('model-');
    expect(evaluate('--train', SHARED + 'botiot_35col_sample.csv', '--detector', 'iforest', '--save', dir).code).toBe(0);
    const wrong = evaluate('--model', dir, '--test', SHARED + 'ciciot2023_sample.csv');
    expect(wrong.code).toBe(1);
    expect(wrong.err.trim()).toMatch(/^error: This model cannot score the data: the model was trained on botiot data but this file is ciciot2023\.$/);
  });

  it('counts only the alerts of an unlabelled capture: no recall, no false-positive rate, no confusion', () => {
    const dir = temp.make('capture-');
    const packets: TestPacket[] = Array.from({ length: 300 }, (_, i) => ({
      link: 1,
      sec: 1_700_000_000 + Math.floor(i / 20),
      ns: (i % 20) * 50_000_000,
      bytes: frame({ srcMac: 0x020000000001 + (i % 3), sport: 40000 + (i % 7), size: 60 + (i % 5) * 100 }),
    }));
    const capture = join(dir, 'ward.pcap');
    writeFileSync(capture, pcapFile(packets));
    const r = evaluate('--train', SHARED + 'ciciomt2024_v2_39feat_sample.csv', '--test', capture, '--detector', 'iforest');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('Confusion matrix');
    expect(r.out).toMatch(/Unlabelled rows/);
    const j = r.json;
    expect(j.rows.scored).toBe(30);
    expect(j.unlabelled.rows).toBe(30);
    expect(j.unlabelled.flagged).toBeGreaterThanOrEqual(0);
    expect(j.confusion).toEqual({ tp: 0, fp: 0, tn: 0, fn: 0 });
    expect([j.tpr, j.fpr, j.roc_auc]).toEqual([null, null, null]);
    expect(j.packets).toMatchObject({ packets: 300, used: 300, flows: 30 });
    expect(j.warnings).toEqual([expect.stringMatching(/^the test rows carry no labels/)]);
  });

  it('says so when there is no benign row to train on', () => {
    const r = evaluate('--train', SHARED + 'ciciomt2024_v1_45feat/Recon-Ping_Sweep_test.pcap.csv', '--detector', 'iforest');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error: no benign rows to train on/);
  });

  it("searches the original system's isolation-forest grid on the training files and keeps the best", () => {
    const r = evaluate('--train', SHARED + 'botiot_12col_subset_sample.csv', '--detector', 'iforest', '--grid', '--quiet');
    expect(r.code).toBe(0);
    const grid = r.json.grid_search as { roc_auc: number; params: { n_estimators: number } }[];
    expect(grid).toHaveLength(36);
    for (let i = 1; i < grid.length; i++) expect(grid[i - 1].roc_auc).toBeGreaterThanOrEqual(grid[i].roc_auc);
    expect(r.out).toContain('Grid search (36 combinations');
    const wrong = evaluate('--train', SHARED + 'botiot_12col_subset_sample.csv', '--detector', 'ae', '--grid');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('a grid search is for the isolation forest');
  });

  it('says so for an unknown format and for a wrong command line', () => {
    const dir = temp.make('bad-');
    writeFileSync(join(dir, 'x.csv'), 'a,b\n1,2\n');
    const unknown = evaluate('--train', join(dir, 'x.csv'));
    expect(unknown.code).toBe(1);
    expect(unknown.err.split('\n').filter(Boolean)).toHaveLength(1);
    const usage = evaluate('--train', join(dir, 'x.csv'), '--detector', 'svm');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('--detector must be auto or one of');
  });
  it('trains a classifier as a detector, saves it, and the saved classifier names the alerts of another detector', () => {
    const dir = temp.make('forest-');
    const data = SHARED + 'botiot_12col_subset_sample.csv';
    const forest = evaluate(
      '--train',
      data,
      '--detector',
      'random_forest',
      '--params',
      'n_estimators=10',
      'min_samples_leaf=2',
      '--folds',
      '2',
      '--save',
      dir,
      '--quiet',
    );
    expect(forest.code).toBe(0);
    expect(forest.out).toMatch(/threshold from out-of-fold scores of (\d+) of the \1 benign rows/);
    expect(forest.json.detector).toBe('random_forest');
    const saved = JSON.parse(readFileSync(join(dir, 'pipeline.json'), 'utf8'));
    expect(saved.detector.classifier.params.n_estimators).toBe(10);
    expect(saved.detector.classes.map((c: { name: string }) => c.name).sort()).toEqual(['DoS', 'Normal', 'Reconnaissance']);

    const named = evaluate('--train', data, '--detector', 'iforest', '--namer', dir, '--quiet');
    expect(named.code).toBe(0);
    expect(named.out).toMatch(/the random_forest named the class of [\d.]+ % and the family of [\d.]+ % of \d+ true alerts/);
    expect(named.json.alert_labels.true_alerts).toBe(named.json.confusion.tp);
    // tallied over true alerts only: benign rows flagged are false alarms, not alerts to name
    expect(named.json.alert_labels.per_class).not.toHaveProperty('Normal');
    expect(named.json.alert_labels.per_class).toHaveProperty('DoS');

    const bad = evaluate('--train', data, '--detector', 'hybrid', '--members', 'ae', 'iforest');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/a hybrid's --members are one detector .* and one classifier/);
  });
});
