import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { DatasetReader, totalSkipped, type SourceFile } from '../../src/core/ingest';
import { RecordSplitter } from '../../src/core/ingest/record-splitter';
import { MAX_CLASS_NAME } from '../../src/core/schema';
import { parseNumericCell } from '../../src/core/ingest/cells';
import { genericDialect, CICIOMT_V2_COLUMNS } from '../../src/core/schema';
import { memoryFile, shared } from './sources';

async function readAll(files: SourceFile[], options = {}) {
  const reader = new DatasetReader(files, options);
  let rows = 0;
  const values: number[] = [];
  for await (const b of reader.batches()) {
    rows += b.n;
    for (const v of b.data) values.push(v);
  }
  return { reader, rows, values };
}

function expectCountersAddUp(reader: DatasetReader, rows: number) {
  const c = reader.counters;
  expect(c.accepted).toBe(rows);
  expect(c.read).toBe(c.accepted + totalSkipped(c));
}

describe('real samples', () => {
  it('reads the first CICIoMT2024 release folder, classes from the file names', async () => {
    const { reader, rows } = await readAll(shared('ciciomt2024_v1_45feat'));
    expect(reader.dialect!.id).toBe('ciciomt2024-v1');
    expect(rows).toBe(20772);
    expect(reader.schema!.columns).toHaveLength(45);
    expect(reader.files).toHaveLength(12);
    expect(new Set(reader.classes.names)).toEqual(
      new Set([
        'ARP_Spoofing',
        'Benign',
        'Bluetooth_Benign',
        'Bluetooth_DoS',
        'MQTT-DDoS-Connect_Flood',
        'MQTT-DDoS-Publish_Flood',
        'MQTT-DoS-Connect_Flood',
        'MQTT-DoS-Publish_Flood',
        'MQTT-Malformed_Data',
        'Recon-OS_Scan',
        'Recon-Ping_Sweep',
        'Recon-VulScan',
      ]),
    );
    expectCountersAddUp(reader, rows);
  });

  it('reads the newer release: labels from attack_type, literal inf counted and kept', async () => {
    const { reader, rows, values } = await readAll(shared('ciciomt2024_v2_39feat_sample.csv'));
    expect(reader.dialect!.id).toBe('ciciomt2024-v2');
    expect(rows).toBe(17684);
    expect(reader.counters.cells.Rate.infinite).toBe(610);
    expect(values.filter((v) => v === Infinity)).toHaveLength(610);
    const names = reader.classes.names;
    expect(names).toContain('TCP_IP-DDoS-ICMP'); // ICMP1 and ICMP2 folded
    expect(names).not.toContain('TCP_IP-DDoS-ICMP1');
    expect(names).toHaveLength(19);
    expect(reader.classes.info[names.indexOf('Recon-Port_Scan')]).toEqual({ benign: false, family: 'Recon' });
    expectCountersAddUp(reader, rows);
  });

  it('gives each file a smaller first batch when asked (firstBatchSize), then full batches, the same rows in the same order', async () => {
    const files = () => [...shared('ciciomt2024_v2_39feat_sample.csv'), ...shared('ciciomt2024_v2_39feat_sample.csv')];
    const read = async (options: object) => {
      const reader = new DatasetReader(files(), { batchSize: 4096, ...options });
      const sizes: number[] = [];
      const bytes: Buffer[] = [];
      for await (const b of reader.batches()) {
        sizes.push(b.n);
        bytes.push(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
      }
      return { sizes, data: Buffer.concat(bytes), reader };
    };
    const plain = await read({});
    const first = await read({ firstBatchSize: 100 });
    // 17,684 rows a file: 4 full batches and 1,300 rows; with a first batch of 100, 100 + 4 × 4096 + 1,200
    expect(plain.sizes).toEqual([4096, 4096, 4096, 4096, 1300, 4096, 4096, 4096, 4096, 1300]);
    expect(first.sizes).toEqual([100, 4096, 4096, 4096, 4096, 1200, 100, 4096, 4096, 4096, 4096, 1200]);
    expect(first.data.equals(plain.data)).toBe(true);
    expectCountersAddUp(first.reader, 2 * 17684);
  });

  it('reads BoT-IoT (CRLF, categorical flgs with spaces, empty ports, stime as time)', async () => {
    const { reader, rows } = await readAll(shared('botiot_35col_sample.csv'));
    expect(rows).toBe(555);
    const flgs = reader.schema!.columns.find((c) => c.name === 'flgs')!;
    expect(flgs.kind).toBe('categorical');
    expect(flgs.categories).toEqual(expect.arrayContaining(['e', 'e s']));
    expect(reader.schema!.columns.map((c) => c.name)).not.toContain('saddr');
    expect([...reader.classes.names].sort()).toEqual(['DDoS', 'Normal']);
    const small = await readAll(shared('botiot_12col_subset_sample.csv'));
    expect(small.rows).toBe(9986);
    expect([...small.reader.classes.names].sort()).toEqual(['DoS', 'Normal', 'Reconnaissance']);
    expect(small.reader.classes.info[small.reader.classes.names.indexOf('Normal')].benign).toBe(true);
  });

  it('reads CICIoT2023 and ignores the extra final_label column', async () => {
    const { reader, rows } = await readAll(shared('ciciot2023_sample.csv'));
    expect(rows).toBe(50);
    expect(reader.schema!.columns).toHaveLength(46);
    expect(reader.classes.names).toContain('BenignTraffic');
  });
});

/** a newer-release header, and rows whose first four cells are given and the rest 0 */
const header = [...CICIOMT_V2_COLUMNS, 'attack_type'].join(',');
const zeros = ',0'.repeat(CICIOMT_V2_COLUMNS.length - 4);
const v2row = (first4: string, label: string) => `${first4}${zeros},${label}`;

describe('awkward input', () => {
  it('handles BOM, CRLF, quotes, a trailing comma, and counts bad cells and rows', async () => {
    const text =
      '\uFEFF' +
      [
        header,
        v2row('20,6,64,inf', 'Benign'),
        v2row('21,6,64,', 'Benign'),
        v2row('"22",6,64,"1,5"', 'Benign'), // quoted cell with a comma: text, so missing
        v2row('23,6,64,NaN', '"WiFi_and_MQTT_test_ARP_Spoofing_test.pcap"'),
        v2row('24,6,64,12', 'Benign,'), // trailing comma
        '25,6,64', // too few fields
        v2row('26,6,64,1', ''), // no label
        header, // the header again
        v2row('x,y,z,w', 'Benign').replace(/,0/g, ',-'), // nothing numeric
      ].join('\r\n');
    const { reader, rows, values } = await readAll([memoryFile('odd.csv', text, 5)]);
    expect(rows).toBe(5);
    expect(reader.counters.read).toBe(9);
    expect(reader.counters.skipped).toEqual({ 'malformed row': 1, 'missing label': 1, 'repeated header': 1, 'no feature values': 1 });
    // text: the quoted "1,5" and the cell of the row that had nothing numeric
    expect(reader.counters.cells.Rate).toMatchObject({ infinite: 1, empty: 1, text: 2, notANumber: 1 });
    expect(values[3]).toBe(Infinity);
    expect(values[CICIOMT_V2_COLUMNS.length * 2]).toBe(22);
    expect(reader.classes.names).toEqual(['Benign', 'ARP_Spoofing']);
    expectCountersAddUp(reader, rows);
  });

  it('reads characters cut between chunks, a byte-order mark included, as one whole decode does', async () => {
    const dialect = genericDialect({ labelColumn: 'label' });
    const text = '\uFEFFx,label\n1,Gerät €\n2,😀\uFEFFok\n3,bad ? byte\n';
    const bytes = new TextEncoder().encode(text);
    bytes[bytes.indexOf(63)] = 0xff; // an invalid byte: a replacement character, wherever the chunk ends
    const whole = await readAll([memoryFile('u.csv', bytes, bytes.length)], { dialect });
    expect(whole.reader.classes.names).toEqual(['Gerät €', '😀\uFEFFok', 'bad \uFFFD byte']);
    for (const chunk of [1, 2, 3, 5]) {
      const { reader, values } = await readAll([memoryFile('u.csv', bytes, chunk)], { dialect });
      expect(reader.classes.names, `chunks of ${chunk}`).toEqual(whole.reader.classes.names);
      expect(values).toEqual([1, 2, 3]);
    }
  });

  it('reads a gzipped file, by name and by magic bytes', async () => {
    const text = `${header}\n${v2row('20,6,64,1', 'Benign')}\n${v2row('21,6,64,2', 'Benign')}\n`;
    for (const name of ['a.csv.gz', 'a.csv']) {
      const { rows } = await readAll([memoryFile(name, new Uint8Array(gzipSync(text)), 3)]);
      expect(rows).toBe(2);
    }
  });

  it('gives one clear sentence for empty, binary, header-only and unknown files', async () => {
    await expect(readAll([memoryFile('empty.csv', '')])).rejects.toThrow('empty.csv is empty');
    await expect(readAll([memoryFile('pic.csv', new Uint8Array([137, 80, 78, 71, 0, 0, 1, 2]))])).rejects.toThrow('not a CSV text file');
    await expect(readAll([memoryFile('h.csv', header + '\n')])).rejects.toThrow('has a header but no data rows');
    await expect(readAll([memoryFile('u.csv', 'a,b,c\n1,2,3\n')])).rejects.toThrow(/not one of CICIoMT2024, CICIoT2023 or BoT-IoT.*label column/);
    await expect(readAll([memoryFile('bad.csv.gz', 'not gzip at all')])).rejects.toThrow(/could not be decompressed/);
  });

  it('refuses to mix releases in one reading', async () => {
    const v1 = shared('ciciomt2024_v1_45feat/Recon-Ping_Sweep_test.pcap.csv');
    const v2 = shared('ciciomt2024_v2_39feat_sample.csv');
    await expect(readAll([...v1, ...v2])).rejects.toThrow(/newer CSV release.*not CICIoMT2024, first CSV release/);
  });

  it('reads a generic CSV with a named label column, keeping numeric columns only', async () => {
    const text = 'id,host,bytes,pkts,verdict\n1,a,100,2,ok\n2,b,2000,20,bad\n3,c,,3,ok\n';
    const dialect = genericDialect({ labelColumn: 'verdict', benignValues: ['ok'] });
    const { reader, rows } = await readAll([memoryFile('g.csv', text)], { dialect });
    expect(rows).toBe(3);
    expect(reader.schema!.columns.map((c) => c.name)).toEqual(['id', 'bytes', 'pkts']);
    expect(reader.classes.info.map((c) => c.benign)).toEqual([true, false]);
  });
});

describe('pieces', () => {
  it('splits records the same way whatever the chunk size, quotes included', () => {
    const text = 'a,b\n1,"x\ny"\n2,"q""r"\n3,z';
    for (const size of [1, 2, 3, 5, 100]) {
      const s = new RecordSplitter();
      let out = '';
      for (let i = 0; i < text.length; i += size) out += s.push(text.slice(i, i + size));
      const tail = s.flush();
      expect(out + tail).toBe(text);
      expect(tail).toBe('3,z');
    }
  });

  it('parses numeric cells by the stated policy', () => {
    const kinds = ['1.5', ' 2 ', '1e-5', '0x1f', 'inf', '-Infinity', '', ' ', 'nan', 'abc'].map((t) => {
      const c = parseNumericCell(t);
      return [c.value, c.kind];
    });
    expect(kinds).toEqual([
      [1.5, 0],
      [2, 0],
      [1e-5, 0],
      [31, 0],
      [Infinity, 2],
      [-Infinity, 2],
      [NaN, 1],
      [NaN, 1],
      [NaN, 3],
      [NaN, 4],
    ]);
  });
});

describe('class names of any length', () => {
  it('keeps a megabyte label as its start and a hash, and two long labels as two classes', async () => {
    const long = (c: string) => c.repeat(1_000_000);
    const text = `a,b,label\n1,2,benign\n3,4,${long('x')}\n5,6,${long('x')}y\n7,8,${long('x')}\n`;
    const reader = new DatasetReader([memoryFile('long.csv', text, 65536)], { dialect: genericDialect({ labelColumn: 'label' }) });
    let rows = 0;
    for await (const b of reader.batches()) rows += b.n;
    expect(rows).toBe(4);
    const names = reader.classes.names;
    expect(names).toHaveLength(3);
    expect(names[1].length).toBeLessThanOrEqual(MAX_CLASS_NAME);
    expect(names[1]).toMatch(/^x+…#[0-9a-f]+$/);
    expect(names[2]).not.toBe(names[1]);
  });
});
