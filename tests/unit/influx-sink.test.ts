import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxSink, writeEndpoint } from '../../src/core/store';
import type { FlowChunk, RunRecord } from '../../src/core/store';
import { freePort, startInfluxd, type Influx } from '../support/servers';

const run: RunRecord = {
  id: 'run-live',
  name: 'live',
  createdAt: 0,
  updatedAt: 0,
  source: { kind: 'mqtt', url: 'mqtt://127.0.0.1:1883', topic: 'flows', dataset: 'CICIoMT2024' },
  modelId: 'm',
  detector: 'iforest',
  threshold: 0.5,
  columns: ['Header_Length', 'Protocol Type', 'Rate'],
  classes: [],
  devices: [],
  summary: null,
  droppedRows: 0,
};

function chunk(seq: number, n: number): FlowChunk {
  const features = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) features.set([20 + i, i % 2 ? 6 : 17, i * 0.5], i * 3);
  return {
    runId: run.id,
    seq,
    n,
    // live flows' times are their numbers in the feed: the sink stamps arrival instead
    time: Float64Array.from({ length: n }, (_, i) => seq * n + i + 1),
    rowNumber: Float64Array.from({ length: n }, (_, i) => seq * n + i + 1),
    classIndex: new Int32Array(n).fill(-1),
    device: new Uint16Array(n).fill(0xffff),
    features,
    score: Float32Array.from({ length: n }, (_, i) => (i % 10) / 10),
    verdict: Uint8Array.from({ length: n }, (_, i) => (i % 10 > 5 ? 1 : 0)),
  };
}

describe('InfluxDB sink (real influxd 1.x)', () => {
  let influx: Influx;
  let secured: Influx;
  beforeAll(async () => {
    [influx, secured] = await Promise.all([startInfluxd(), startInfluxd({ auth: { u: 'admin', p: 'secret' } })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([influx?.close(), secured?.close()]);
  });

  it('writes every flow as one point in batches (the database made on first use); a query counts them all', async () => {
    const sink = new InfluxSink({ url: `${influx.url}/write?db=iomt` }, { batchPoints: 700, features: true, concurrency: 3 });
    for (let s = 0; s < 5; s++) sink.add(run, [chunk(s, 1000)]);
    await sink.close();
    expect(sink).toMatchObject({ written: 5000, failed: 0, lastProblem: null });
    const [[, count]] = await influx.query('iomt', 'SELECT count(score) FROM iomt_flow');
    expect(count).toBe(5000);
    const anomalies = await influx.query('iomt', `SELECT count(score) FROM iomt_flow WHERE verdict = 'anomaly'`);
    expect(anomalies[0][1]).toBe(2000);
    const fields = await influx.query('iomt', 'SHOW FIELD KEYS FROM iomt_flow');
    expect(fields.map((f) => f[0])).toEqual(expect.arrayContaining(['header_length', 'protocol_type', 'rate', 'row', 'score']));
  });

  it('writes the verdict only by default, tagged with the monitor, the class a classifier named, and no label for unlabelled flows', async () => {
    const named: RunRecord = { ...run, id: 'named', classes: ['unlabelled', 'Benign'], predictedClasses: ['Benign', 'MQTT-DDoS-Connect_Flood'] };
    const c = chunk(0, 10);
    // flows 0–4 carry no label, 5–9 the class literally named "unlabelled"; the flagged ones (6–9) were named
    c.classIndex = Int32Array.from({ length: 10 }, (_, i) => (i < 5 ? -1 : 0));
    c.predicted = Int32Array.from({ length: 10 }, (_, i) => (c.verdict[i] ? 1 : -1));
    c.confidence = Float32Array.from({ length: 10 }, (_, i) => (c.verdict[i] ? 0.875 : NaN));
    const sinks = ['ward-a', 'ward-b'].map((monitor) => new InfluxSink({ url: `${influx.url}/write?db=tags` }, { tags: { monitor } }));
    // two monitors write the same flows at the same moment: their points stay apart
    for (const sink of sinks) sink.add(named, [c]);
    await Promise.all(sinks.map((sink) => sink.close()));
    expect(sinks.map((sink) => sink.written)).toEqual([10, 10]);
    expect((await influx.query('tags', `SELECT count(score) FROM iomt_flow GROUP BY monitor`)).length).toBe(1);
    expect((await influx.query('tags', `SELECT count(score) FROM iomt_flow WHERE monitor = 'ward-b'`))[0][1]).toBe(10);
    expect((await influx.query('tags', `SELECT count(score) FROM iomt_flow WHERE label = 'unlabelled'`))[0][1]).toBe(10);
    expect((await influx.query('tags', `SELECT count(score) FROM iomt_flow WHERE label = ''`))[0][1]).toBe(10);
    const flagged = await influx.query('tags', `SELECT confidence, row FROM iomt_flow WHERE predicted = 'MQTT-DDoS-Connect_Flood' AND monitor = 'ward-a'`);
    expect(flagged.map((r) => [r[1], r[2]])).toEqual([6, 7, 8, 9].map((i) => [0.875, i + 1]));
    const fields = await influx.query('tags', 'SHOW FIELD KEYS FROM iomt_flow');
    expect(fields.map((f) => f[0]).sort()).toEqual(['confidence', 'row', 'score']);
  });

  it('counts a refusal of the credentials (401) at once, in one sentence, and writes with the right ones', async () => {
    const refused = new InfluxSink({ url: `${secured.url}/write?db=iomt` }, { backoffMs: 10 });
    refused.add(run, [chunk(0, 50)]);
    await refused.close();
    expect(refused).toMatchObject({ written: 0, failed: 50 });
    expect(refused.lastProblem).toMatch(/refused the credentials \(401/);
    const ok = new InfluxSink({ url: `${secured.url}/write?db=iomt`, username: 'admin', password: 'secret' }, { backoffMs: 10 });
    ok.add(run, [chunk(0, 50)]);
    await ok.close();
    expect(ok).toMatchObject({ written: 50, failed: 0 });
    // typed into the address: used, and not shown
    const typed = new InfluxSink({ url: `${secured.url.replace('//', '//admin:secret@')}/write?db=iomt` }, { backoffMs: 10 });
    expect(typed.label).not.toMatch(/secret/);
    typed.add(run, [chunk(1, 50)]);
    await typed.close();
    expect(typed).toMatchObject({ written: 50, failed: 0 });
  });

  it('retries a server error with back-off, then counts the batch as failed; a server that is down likewise', async () => {
    let calls = 0;
    const failing = createServer((req, res) => {
      calls++;
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"error":"engine: cache maximum memory size exceeded"}');
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => failing.listen(port, '127.0.0.1', resolve));
    const sink = new InfluxSink({ url: `http://127.0.0.1:${port}/write?db=iomt` }, { attempts: 3, backoffMs: 10 });
    sink.add(run, [chunk(0, 20)]);
    await sink.close();
    failing.close();
    expect(calls).toBe(3);
    expect(sink).toMatchObject({ written: 0, failed: 20 });
    expect(sink.lastProblem).toMatch(/answered 500: engine: cache maximum memory size exceeded/);

    const down = new InfluxSink({ url: `http://127.0.0.1:${await freePort()}/write?db=iomt` }, { attempts: 2, backoffMs: 10 });
    down.add(run, [chunk(0, 30)]);
    await down.close();
    expect(down).toMatchObject({ written: 0, failed: 30 });
    expect(down.lastProblem).toMatch(/cannot be reached/);
  });

  it('a database whose creation failed (a server still starting) is created on a later attempt, and no point is lost', async () => {
    let created = false;
    let creates = 0;
    const starting = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url?.startsWith('/query')) {
          // the first CREATE DATABASE fails, the next one works
          created = ++creates > 1;
          res.writeHead(created ? 200 : 500, { 'Content-Type': 'application/json' });
          res.end(created ? '{"results":[{"statement_id":0}]}' : '{"error":"meta service unavailable"}');
        } else if (!created) {
          res.writeHead(404, { 'Content-Type': 'application/json' });
          res.end('{"error":"database not found: \\"iomt\\""}');
        } else {
          res.writeHead(204);
          res.end();
        }
      });
    });
    const port = await freePort();
    await new Promise<void>((resolve) => starting.listen(port, '127.0.0.1', resolve));
    try {
      const sink = new InfluxSink({ url: `http://127.0.0.1:${port}/write?db=iomt` }, { backoffMs: 10, batchPoints: 10, concurrency: 2 });
      sink.add(run, [chunk(0, 40)]);
      await sink.close();
      expect(creates).toBe(2);
      expect(sink).toMatchObject({ written: 40, failed: 0 });

      // a creation that never works: one sentence that says so, every point counted
      created = false;
      creates = -Infinity;
      const never = new InfluxSink({ url: `http://127.0.0.1:${port}/write?db=other` }, { backoffMs: 10, attempts: 2 });
      never.add(run, [chunk(0, 20)]);
      await never.close();
      expect(never).toMatchObject({ written: 0, failed: 20 });
      expect(never.lastProblem).toMatch(/has no database "other" and could not create it \(500: meta service unavailable\)/);
    } finally {
      starting.close();
    }
  });

  it('knows 1.x and 2.x write addresses and says what is wrong with others', () => {
    expect(writeEndpoint({ url: 'http://h:8086?db=x' })).toMatchObject({ version: 1, url: 'http://h:8086/write?db=x&precision=n' });
    expect(writeEndpoint({ url: 'http://h:8086/api/v2/write?org=o&bucket=b', token: 't' })).toMatchObject({
      version: 2,
      headers: { Authorization: 'Token t' },
    });
    expect(() => writeEndpoint({ url: 'http://h:8086/write' })).toThrow(/names no database/);
    expect(() => writeEndpoint({ url: 'ftp://h/write?db=x' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => writeEndpoint({ url: 'h:8086' })).toThrow();
  });
});
