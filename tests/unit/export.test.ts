import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { NO_DEVICE } from '../../src/core/replay';
import {
  IndexedDbStore,
  PROTOCOLS,
  exportFileName,
  exportRun,
  exportRunText,
  flowProtocol,
  protocolIndexer,
  type ExportFormat,
  type FlowChunk,
  type RunRecord,
} from '../../src/core/store';
import { csvCell, float32Text, lpKey, lpString, lpTimestampNs, snakeCase } from '../../src/core/store/export-values';
import { CICIOMT_V2_COLUMNS } from '../../src/core/schema';
import { blankChunk } from '../support/flow-chunks';

function tinyRun(over: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 'tiny',
    name: 'Ward A: night/shift',
    createdAt: 1,
    updatedAt: 1,
    source: { kind: 'files', files: ['a.csv'], dataset: 'ciciomt2024-v2' },
    modelId: 'm',
    detector: 'ae',
    threshold: 1,
    columns: ['Header_Length', 'Protocol Type', 'Rate', 'TCP', 'UDP', 'ARP', 'Tot size'],
    classes: ['Benign', 'ARP Spoofing, "test"'],
    devices: ['pump-3', 'monitor 1,a=b'],
    summary: null,
    droppedRows: 0,
    ...over,
  };
}

function tinyChunk(): FlowChunk {
  return {
    runId: 'tiny',
    seq: 0,
    n: 3,
    time: new Float64Array([1.5, 1_700_000_000.25, 3]),
    rowNumber: new Float64Array([1, 2, 3]),
    classIndex: new Int32Array([0, 1, -1]),
    device: new Uint16Array([0, 1, NO_DEVICE]),
    features: new Float32Array([20, 6, Infinity, 1, 0, 0, 60.5, NaN, 0, 3.5, 0, 0, 1, 42, 10, 17, 1e-7, 0, 1, 0, 0]),
    score: new Float32Array([0.1, 2.5, 0.3]),
    verdict: new Uint8Array([0, 1, 0]),
    scores: { ae: new Float32Array([0.1, 2.5, 0.3]), iforest: new Float32Array([0.25, 0.75, NaN]) },
  };
}

async function storeWith(run: RunRecord, chunks: FlowChunk[]): Promise<IndexedDbStore> {
  const store = await IndexedDbStore.open('export-test', new IDBFactory());
  await store.putRun(run);
  await store.putChunks(chunks);
  return store;
}

async function text(store: IndexedDbStore, runId: string, format: ExportFormat, pageSize?: number, rowsPerPiece?: number): Promise<string> {
  return new Response(exportRun(store, runId, format, { pageSize, rowsPerPiece })).text();
}

describe('run export', () => {
  it('writes hostile class and device names as text a spreadsheet will not run, and negative numbers as numbers', async () => {
    const run = tinyRun({ id: 'hostile', classes: ['=HYPERLINK("http://example.invalid","x")', '@SUM(1)'], devices: ['+cmd|calc', '-5'] });
    const chunk = { ...tinyChunk(), runId: 'hostile', features: tinyChunk().features.map((v, i) => (i === 0 ? -20 : v)) };
    const store = await storeWith(run, [chunk]);
    const lines = (await text(store, 'hostile', 'csv')).split('\n');
    expect(lines[1]).toBe('1.5,1,"\'+cmd|calc","\'=HYPERLINK(""http://example.invalid"",""x"")",0.1,normal,-20,6,inf,1,0,0,60.5,0.25');
    expect(lines[2].startsWith('1700000000.25,2,-5,"\'@SUM(1)",')).toBe(true);
    await store.close();
  });

  it('writes CSV with quoting, inf, missing values and extra detector scores', async () => {
    const store = await storeWith(tinyRun(), [tinyChunk()]);
    expect(await text(store, 'tiny', 'csv')).toBe(
      'time,row,device,class,score,verdict,Header_Length,Protocol Type,Rate,TCP,UDP,ARP,Tot size,score_iforest\n' +
        '1.5,1,pump-3,Benign,0.1,normal,20,6,inf,1,0,0,60.5,0.25\n' +
        '1700000000.25,2,"monitor 1,a=b","ARP Spoofing, ""test""",2.5,anomaly,,0,3.5,0,0,1,42,0.75\n' +
        '3,3,,,0.3,normal,10,17,1e-7,0,1,0,0,\n',
    );
    await store.close();
  });

  it('writes NDJSON, one valid object per flow', async () => {
    const store = await storeWith(tinyRun(), [tinyChunk()]);
    const out = await text(store, 'tiny', 'ndjson');
    expect(out).toBe(
      '{"time":1.5,"row":1,"device":"pump-3","class":"Benign","score":0.1,"verdict":"normal","Header_Length":20,"Protocol Type":6,"Rate":"inf","TCP":1,"UDP":0,"ARP":0,"Tot size":60.5,"score_iforest":0.25}\n' +
        '{"time":1700000000.25,"row":2,"device":"monitor 1,a=b","class":"ARP Spoofing, \\"test\\"","score":2.5,"verdict":"anomaly","Header_Length":null,"Protocol Type":0,"Rate":3.5,"TCP":0,"UDP":0,"ARP":1,"Tot size":42,"score_iforest":0.75}\n' +
        '{"time":3,"row":3,"device":null,"class":null,"score":0.3,"verdict":"normal","Header_Length":10,"Protocol Type":17,"Rate":1e-7,"TCP":0,"UDP":1,"ARP":0,"Tot size":0,"score_iforest":null}\n',
    );
    const objects = out
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(objects[1].class).toBe('ARP Spoofing, "test"');
    expect(objects[0].Rate).toBe('inf');
    await store.close();
  });

  it('writes InfluxDB line protocol with escaped tags, protocols, and no non-finite fields', async () => {
    const store = await storeWith(tinyRun(), [tinyChunk()]);
    expect(await text(store, 'tiny', 'influx')).toBe(
      'iomt_flow,device=pump-3,label=Benign,protocol=TCP,verdict=normal score=0.1,score_iforest=0.25,row=1i,header_length=20,protocol_type=6,tcp=1,udp=0,arp=0,tot_size=60.5 1500000000\n' +
        'iomt_flow,device=monitor\\ 1\\,a\\=b,label=ARP\\ Spoofing\\,\\ "test",protocol=ARP,verdict=anomaly score=2.5,score_iforest=0.75,row=2i,protocol_type=0,rate=3.5,tcp=0,udp=0,arp=1,tot_size=42 1700000000250000000\n' +
        'iomt_flow,protocol=UDP,verdict=normal score=0.3,row=3i,header_length=10,protocol_type=17,rate=1e-7,tcp=0,udp=1,arp=0,tot_size=0 3000000000\n',
    );
    await store.close();
  });

  it('writes categorical features by name and clashing names apart', async () => {
    const run = tinyRun({ id: 'cat', columns: ['proto', 'rate', 'score'], categories: { proto: ['tcp', 'udp', 'arp'] }, classes: ['Normal'], devices: [] });
    const c: FlowChunk = {
      runId: 'cat',
      seq: 0,
      n: 1,
      time: new Float64Array([2]),
      rowNumber: new Float64Array([7]),
      classIndex: new Int32Array([0]),
      device: new Uint16Array([NO_DEVICE]),
      features: new Float32Array([1, 5, 9]),
      score: new Float32Array([0.5]),
      verdict: new Uint8Array([1]),
    };
    const store = await storeWith(run, [c]);
    expect(await text(store, 'cat', 'csv')).toBe('time,row,device,class,score,verdict,proto,rate,feature_score\n2,7,,Normal,0.5,anomaly,udp,5,9\n');
    expect(await text(store, 'cat', 'ndjson')).toBe(
      '{"time":2,"row":7,"device":null,"class":"Normal","score":0.5,"verdict":"anomaly","proto":"udp","rate":5,"feature_score":9}\n',
    );
    expect(await text(store, 'cat', 'influx')).toBe(
      'iomt_flow,label=Normal,protocol=UDP,verdict=anomaly score=0.5,row=7i,proto="udp",rate=5,feature_score=9 2000000000\n',
    );
    await store.close();
  });

  it('exports every stored flow of a run of many pages, in order, as a stream', async () => {
    const run = tinyRun({ id: 'big', columns: CICIOMT_V2_COLUMNS, classes: ['Benign'], devices: ['d'] });
    const d = CICIOMT_V2_COLUMNS.length;
    const chunks: FlowChunk[] = [];
    let row = 0;
    for (let seq = 0; seq < 23; seq++) {
      const n = 50 + ((seq * 37) % 90);
      const c = blankChunk('big', seq, n, d);
      c.features.fill(0.5);
      for (let i = 0; i < n; i++) {
        row++;
        c.rowNumber[i] = row;
        c.time[i] = row / 100;
      }
      chunks.push(c);
    }
    const store = await storeWith(run, chunks);
    const total = row;
    expect(await store.countRows('big')).toBe(total);
    for (const format of ['csv', 'ndjson', 'influx'] as const) {
      const out = await text(store, 'big', format, 4, 64);
      const lines = out.trimEnd().split('\n');
      const body = format === 'csv' ? lines.slice(1) : lines;
      expect(body).toHaveLength(total);
      const rows = body.map((l) => (format === 'csv' ? Number(l.split(',')[1]) : format === 'ndjson' ? JSON.parse(l).row : Number(/row=(\d+)i/.exec(l)![1])));
      expect(rows).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    }
    // the text generator yields pieces no bigger than asked, never the whole run
    let pieces = 0;
    for await (const piece of exportRunText(store, 'big', 'ndjson', { pageSize: 3, rowsPerPiece: 100 })) {
      expect(piece.split('\n').length - 1).toBeLessThanOrEqual(100);
      pieces++;
    }
    expect(pieces).toBeGreaterThan(23);
    await store.close();
  });

  it('exports what retention kept, and a run without flows as just a header', async () => {
    const store = await IndexedDbStore.open('export-retention', new IDBFactory());
    await store.setRetentionRows(5);
    await store.putRun(tinyRun());
    await store.putChunks([tinyChunk(), { ...tinyChunk(), seq: 1 }, { ...tinyChunk(), seq: 2 }]);
    expect((await text(store, 'tiny', 'ndjson')).trimEnd().split('\n')).toHaveLength(3);
    await store.putRun(tinyRun({ id: 'empty' }));
    expect(await text(store, 'empty', 'csv')).toBe('time,row,device,class,score,verdict,Header_Length,Protocol Type,Rate,TCP,UDP,ARP,Tot size\n');
    expect(await text(store, 'empty', 'influx')).toBe('');
    await expect(text(store, 'missing', 'csv')).rejects.toThrow(/no stored run missing/);
    await store.close();
  });

  it('names export files after the run', () => {
    expect(exportFileName(tinyRun(), 'csv')).toBe('Ward A_ night_shift.csv');
    expect(exportFileName(tinyRun(), 'ndjson')).toBe('Ward A_ night_shift.ndjson');
    expect(exportFileName(tinyRun(), 'influx')).toBe('Ward A_ night_shift.lp');
    expect(exportFileName({ name: '..' }, 'csv')).toBe('run.csv');
  });
});

describe('export value formats', () => {
  it('prints float32 values as their shortest decimal', () => {
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(Math.fround(1 / 3))).toBe('0.33333334');
    expect(float32Text(Math.fround(3.4028234663852886e38))).toBe('3.4028235e+38');
    expect(float32Text(Math.fround(1e-7))).toBe('1e-7');
    expect(float32Text(-42)).toBe('-42');
    for (const x of [0.1, 123.456, 1e-30, 7.77e10, -0.002]) {
      const f = Math.fround(x);
      expect(Math.fround(Number(float32Text(f)))).toBe(f);
    }
  });

  it('escapes CSV cells and line-protocol elements', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('neutralises CSV cells a spreadsheet would run as formulas (OWASP), and leaves numbers numeric', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvCell("+cmd|' /C calc'!A0")).toBe("\"'+cmd|' /C calc'!A0\"");
    expect(csvCell('@SUM(1)')).toBe('"\'@SUM(1)"');
    expect(csvCell('-1+1')).toBe('"\'-1+1"');
    expect(csvCell('\t=1')).toBe('"\'\t=1"');
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('＝1+1')).toBe('"\'＝1+1"');
    for (const n of ['-5', '+3', '-1.5e3', '.5', '-0.25']) expect(csvCell(n)).toBe(n);
    expect(csvCell('a=b')).toBe('a=b');
    expect(lpKey('a b,c=d\\e')).toBe('a\\ b\\,c\\=d\\\\e');
    expect(lpKey('line\nbreak')).toBe('line\\ break');
    expect(lpString('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(snakeCase('Header_Length')).toBe('header_length');
    expect(snakeCase('Tot size')).toBe('tot_size');
    expect(snakeCase('Protocol Type')).toBe('protocol_type');
    expect(snakeCase('IPv')).toBe('ipv');
    expect(snakeCase('srcBytes')).toBe('src_bytes');
  });

  it('writes exact nanosecond timestamps', () => {
    expect(lpTimestampNs(0)).toBe('0');
    expect(lpTimestampNs(1.5)).toBe('1500000000');
    expect(lpTimestampNs(1_700_000_000.25)).toBe('1700000000250000000');
    expect(lpTimestampNs(-1.5)).toBe('-1500000000');
    expect(lpTimestampNs(2.9999999999)).toBe('3000000000');
  });
});

describe('flow protocol', () => {
  const cols = CICIOMT_V2_COLUMNS;
  const row = (set: Record<string, number>) => cols.map((c) => set[c] ?? 0);

  it('names CIC flows by their largest protocol share, then by Protocol Type', () => {
    expect(flowProtocol(cols, row({ TCP: 1, 'Protocol Type': 6 }))).toBe('TCP');
    expect(flowProtocol(cols, row({ TCP: 0.2, UDP: 0.8, 'Protocol Type': 15 }))).toBe('UDP');
    expect(flowProtocol(cols, row({ HTTP: 1 }))).toBe('TCP');
    expect(flowProtocol(cols, row({ DNS: 0.5 }))).toBe('UDP');
    expect(flowProtocol(cols, row({ ICMP: 1, 'Protocol Type': 1 }))).toBe('ICMP');
    expect(flowProtocol(cols, row({ ARP: 1 }))).toBe('ARP');
    expect(flowProtocol(cols, row({ 'Protocol Type': 17 }))).toBe('UDP');
    expect(flowProtocol(cols, row({ 'Protocol Type': 5.8 }))).toBe('TCP');
    expect(flowProtocol(cols, row({ 'Protocol Type': 2, IGMP: 1 }))).toBe('Other');
    expect(flowProtocol(cols, row({ TCP: NaN, 'Protocol Type': 1 }))).toBe('ICMP');
  });

  it('names MQTT from an MQTT column, BoT-IoT from its proto categories, and reads rows of a matrix', () => {
    expect(flowProtocol(['TCP', 'MQTT'], [1, 0.9])).toBe('MQTT');
    expect(flowProtocol(['TCP', 'MQTT'], [1, 0.3])).toBe('TCP');
    const cats = { proto: ['tcp', 'udp', 'ipv6-icmp', 'arp', 'igmp'] };
    const of = protocolIndexer(['rate', 'proto'], cats);
    const m = new Float32Array([9, 0, 9, 1, 9, 2, 9, 3, 9, 4, 9, 17]);
    expect([0, 1, 2, 3, 4, 5].map((i) => PROTOCOLS[of(m, i)])).toEqual(['TCP', 'UDP', 'ICMP', 'ARP', 'Other', 'Other']);
    expect(flowProtocol(['proto'], [17])).toBe('UDP');
    expect(flowProtocol(['Rate'], [1])).toBe('Other');
  });
});
