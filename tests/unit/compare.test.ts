import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBackend } from '../../src/core/detectors';
import { compareModels, formatCompare, studyReportHtml } from '../../src/core/study';
import { TempFolders } from '../support/temp-folders';
import { bytesFile, shared, SHARED } from './sources';
import { frame, pcapFile, type TestPacket } from './packets/capture-bytes';

const T0 = 1_700_000_000;

const temp = new TempFolders();
afterAll(() => temp.removeAll());

describe('compareModels on real samples', () => {
  it('multiclass on BoT-IoT with SMOTE: every model learns, the balanced variants are reported honestly', async () => {
    const r = await compareModels({
      train: shared('botiot_12col_subset_sample.csv'),
      task: 'multiclass',
      balance: 'smote',
      // every class on both sides: this sample's Reconnaissance rows all come early in the file
      split: 'random',
      models: ['random_forest', 'naive_bayes', 'logistic_regression', 'kmeans'],
    });
    expect(r.settings.split).toEqual({ kind: 'random', test_fraction: 0.3 });
    expect(r.classes.sort()).toEqual(['DoS', 'Normal', 'Reconnaissance']);
    expect(Object.keys(r.models).sort()).toEqual([
      'kmeans',
      'logistic_regression',
      'logistic_regression+smote',
      'naive_bayes',
      'naive_bayes+smote',
      'random_forest',
      'random_forest+smote',
    ]);
    expect(r.models.random_forest.macro_f1).toBeGreaterThan(0.95);
    for (const m of Object.values(r.models)) expect(m.macro_f1).toBeGreaterThan(1 / 3); // well above chance
    // training counts after SMOTE: every class raised to the majority
    const after = Object.values(r.train.after_balancing!);
    expect(new Set(after).size).toBe(1);
    expect(r.notes.some((n) => /smote (raised|lowered|made no difference to) random_forest's macro-F1/.test(n))).toBe(true);
    // what SMOTE made, set against the real rows of each raised class
    expect(Object.keys(r.synthetic_quality!).sort()).toEqual(['Normal', 'Reconnaissance']);
    for (const q of Object.values(r.synthetic_quality!)) expect(q.median_ks).toBeLessThan(0.3);
    // the test split is untouched by balancing and holds every class
    expect(Object.keys(r.test.per_class).sort()).toEqual(['DoS', 'Normal', 'Reconnaissance']);
  });

  it('splits by time unless told otherwise: the later rows of each file test, whatever their class', async () => {
    const r = await compareModels({ train: shared('botiot_12col_subset_sample.csv'), task: 'multiclass', balance: 'none', models: ['decision_tree'] });
    expect(r.settings.split).toEqual({ kind: 'time', test_fraction: 0.3 });
    // 9,986 rows whose classes interleave, so the file is cut once: rows 6,992 on are Normal and DoS only
    expect(r.test.per_class).toEqual({ Normal: 70, DoS: 2925 });
    expect(r.train.per_class).toEqual({ Normal: 1918, Reconnaissance: 998, DoS: 4075 });
    expect(r.test.rows!.used).toBe(2995);
    expect(formatCompare(r)).toContain('split: time: the last 30 % of each file and class tested');
    expect(studyReportHtml(r)).toContain('split time: the last 30 %');
  });

  it('binary task: the unsupervised detectors are scored beside the models', async () => {
    await ensureBackend('wasm');
    const r = await compareModels({
      train: shared('ciciomt2024_v2_39feat_sample.csv'),
      task: 'binary',
      balance: 'none',
      models: ['decision_tree'],
      detectors: ['iforest'],
    });
    expect(r.classes).toEqual(['Benign', 'Attack']);
    expect(r.models.iforest.kind).toBe('unsupervised');
    expect(r.models.decision_tree.kind).toBe('supervised');
    expect(r.models.decision_tree.benign_fpr).toBeLessThan(0.5);
  });
});

describe('npm run compare', () => {
  it('prints the table, writes the JSON keys and a self-contained HTML report', () => {
    const dir = temp.make('cmp-');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/compare.ts',
        '--train',
        SHARED + 'botiot_12col_subset_sample.csv',
        '--models',
        'decision_tree',
        'naive_bayes',
        '--json',
        join(dir, 'r.json'),
        '--report',
        join(dir, 'r.html'),
      ],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('macro-F1');
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    for (const name of ['decision_tree', 'naive_bayes']) {
      for (const key of ['accuracy', 'macro_f1', 'weighted_f1', 'balanced_accuracy', 'fit_ms', 'predict_rows_per_s'])
        expect(json.models[name]).toHaveProperty(key);
    }
    expect(existsSync(join(dir, 'r.html'))).toBe(true);
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('Confusion matrices');
    expect(html).not.toMatch(/<script|https?:\/\//);
  });

  it('refuses an unknown balancing with the usage and exit 2', () => {
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'src/cli/compare.ts', '--train', SHARED + 'botiot_12col_subset_sample.csv', '--balance', 'adasyn'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--balance must be one of none, oversample, smote, ctgan');
  });
});

describe('compareModels on packet captures', () => {
  it('reports what the captures held, training and test side apart (packets read = used + skipped, flows made)', async () => {
    // benign: one device's MQTT packets; attack: another's SYNs, smaller and closer together
    const capture = (name: string, syn: boolean, packets: number) => {
      const list: TestPacket[] = [];
      for (let i = 0; i < packets; i++) {
        const bytes = syn ? frame({ srcMac: 0x0200000000cc, flags: 0x02, dport: 80, size: 60 }) : frame({ size: 80 + (i % 7) });
        list.push({ link: 1, sec: T0 + Math.floor(i / (syn ? 500 : 20)), ns: (i % 20) * 1000, bytes });
      }
      return bytesFile(name, pcapFile(list));
    };
    const train = [capture('Benign_train.pcap', false, 600), capture('TCP_IP-DDoS-SYN1_train.pcap', true, 600)];
    const test = [capture('Benign_test.pcap', false, 300), capture('TCP_IP-DDoS-SYN1_test.pcap', true, 300)];
    const split = await compareModels({ train, task: 'binary', balance: 'none', models: ['decision_tree'], detectors: [] });
    expect(split.train.packets).toMatchObject({ packets: 1200, used: 1200, flows: 120 });
    expect(split.test.packets).toBeNull();
    const apart = await compareModels({ train, test, task: 'binary', balance: 'none', models: ['decision_tree'], detectors: [] });
    expect(apart.train.packets).toMatchObject({ packets: 1200, flows: 120 });
    expect(apart.test.packets).toMatchObject({ packets: 600, used: 600, flows: 60 });
    expect(apart.models.decision_tree.macro_f1).toBe(1);
  });
});
