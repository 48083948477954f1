import { describe, expect, it } from 'vitest';
import { ensureBackend } from '../../src/core/detectors';
import { evaluate } from '../../src/core/pipeline';
import { shared } from './sources';

describe('evaluate on the real samples (time split: train on the earlier 70 % of each file, test on the rest)', () => {
  it('the autoencoder separates the newer CICIoMT2024 release well, and every row is accounted for', async () => {
    await ensureBackend('wasm');
    const r = await evaluate({ train: shared('ciciomt2024_v2_39feat_sample.csv'), detector: 'ae' });
    expect(r.report.roc_auc).toBeGreaterThan(0.95);
    expect(r.report.fpr).toBeLessThan(0.05);
    const rows = r.rows as typeof r.rows & { in_training_split: number };
    expect(rows.read).toBe(17684);
    expect(rows.scored + rows.skipped + rows.in_training_split).toBe(rows.read);
    // the flood classes that differ in Number (100 against 10) are all caught
    expect(r.report.per_class['TCP_IP-DDoS-UDP']).toBeGreaterThan(0.95);
  });

  it('on the Bluetooth capture, the running counters are left out, so benign traffic is not all flagged', async () => {
    await ensureBackend('wasm');
    const files = shared('ciciomt2024_v1_45feat/Bluetooth_Benign_test.pcap.csv', 'ciciomt2024_v1_45feat/Bluetooth_DoS_test.pcap.csv');
    const r = await evaluate({ train: files, detector: 'ae' });
    expect(Object.keys(r.pipeline.preprocessor.excluded)).toEqual(expect.arrayContaining(['Number', 'Tot sum']));
    expect(r.report.fpr).toBeLessThan(0.1);
    expect(r.report.roc_auc).toBeGreaterThan(0.95);
    expect(r.warnings).toEqual([]);
  });

  it('a random forest trained on the training split names the class of the alerts (the original second stage)', async () => {
    const r = await evaluate({ train: shared('botiot_12col_subset_sample.csv'), detector: 'iforest', labelAlerts: true });
    expect(r.alertLabels!.true_alerts).toBe(r.report.confusion.tp);
    expect(r.alertLabels!.class_accuracy).toBeGreaterThan(0.85);
  });
});
