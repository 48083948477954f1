import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ciciomtClass, ciciomtFileClass, detectDialect, KNOWN_DIALECTS } from '../../src/core/schema';
import { SHARED } from './sources';

const headerOf = (file: string) =>
  readFileSync(SHARED + file, 'utf8')
    .split(/\r?\n/, 1)[0]
    .split(',');

describe('dialect detection on the real samples', () => {
  it.each([
    ['ciciomt2024_v1_45feat/ARP_Spoofing_test.pcap.csv', 'ciciomt2024-v1'],
    ['ciciomt2024_v1_45feat/Bluetooth_DoS_test.pcap.csv', 'ciciomt2024-v1'],
    ['ciciomt2024_v2_39feat_sample.csv', 'ciciomt2024-v2'],
    ['ciciot2023_sample.csv', 'ciciot2023'],
    ['botiot_35col_sample.csv', 'botiot'],
    ['botiot_12col_subset_sample.csv', 'botiot'],
  ])('%s is %s', (file, id) => {
    const d = detectDialect(headerOf(file), file)!;
    expect(d.dialect.id).toBe(id);
    expect(d.confidence).toBeGreaterThan(0.9);
    // the runner-up is clearly behind, so the answer is not a coin toss
    expect(d.candidates[1].confidence).toBeLessThan(d.confidence - 0.3);
  });

  it('refuses a header it does not know', () => {
    expect(detectDialect(['a', 'b', 'c'], 'x.csv')).toBeNull();
  });

  it('handles a BOM and spaces around names', () => {
    const header = headerOf('ciciomt2024_v2_39feat_sample.csv').map((h) => ` ${h} `);
    header[0] = '\uFEFF' + header[0];
    expect(detectDialect(header, 'x.csv')!.dialect.id).toBe('ciciomt2024-v2');
  });
});

describe('CICIoMT2024 class names', () => {
  it.each([
    ['ARP_Spoofing_test.pcap.csv', 'ARP_Spoofing'],
    ['Benign_train.pcap.csv', 'Benign'],
    ['WiFi_and_MQTT_test_Recon-Port_Scan_test.pcap', 'Recon-Port_Scan'],
    ['WiFi_and_MQTT_test_TCP_IP-DDoS-ICMP1_test.pcap', 'TCP_IP-DDoS-ICMP'],
    ['TCP_IP-DDoS-UDP2_train.pcap.csv', 'TCP_IP-DDoS-UDP'],
    ['some/folder/Bluetooth_Benign_test.pcap.csv', 'Bluetooth_Benign'],
    ['MQTT-DDoS-Connect_Flood_test.pcap.csv.gz', 'MQTT-DDoS-Connect_Flood'],
  ])('%s → %s', (text, cls) => expect(ciciomtFileClass(text)).toBe(cls));

  it('takes a label cell whole: only file names lose their folders', () => {
    expect(ciciomtClass('a/b')).toBe('a/b');
    expect(ciciomtClass('x\\y')).toBe('x\\y');
    for (const d of KNOWN_DIALECTS) expect(d.labelOf('Recon/Port\\Scan', 'data/Benign_train.pcap.csv')).toBe('Recon/Port\\Scan');
    expect(KNOWN_DIALECTS[0].labelOf(null, 'data/ARP_Spoofing_train.pcap.csv')).toBe('ARP_Spoofing');
  });
});
