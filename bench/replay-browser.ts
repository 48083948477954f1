/**
 * The browser pipeline, measured on the built site in headless Chromium (prints
 * figures, never asserts):
 *   (d) opening `?view=live&autostart=1` → first scored flow on the default data
 *       (first visit: empty browser profile; again: models cached in IndexedDB);
 *   (b) emission → stored latency p50/p99 at 100 flows/s (the default scenario);
 *   (a) a large real-format CSV (v2 sample rows repeated and perturbed, written to a
 *       temporary folder) dropped on the file input and replayed as fast as possible:
 *       flows/s end to end (parse, AE + isolation forest, store, live dashboards),
 *       counters checked to add up and IndexedDB's row count against them;
 *   (c) JS heap of the page and of each worker (CDP Runtime.getHeapUsage) every few
 *       seconds over that replay;
 *   (e) a live MQTT feed: `npm run sensor` publishes a simulated capture's flows in the
 *       --mqtt-format (binary by default, or csv), deflated (unless --mqtt-plain), in messages of at most 4,000 bytes
 *       (Debian's Mosquitto 2.0.11 stalls on WebSocket messages over about 4 KB, see
 *       BENCHMARKS.md) to Mosquitto at max, the page subscribes over WebSocket and
 *       scores and stores them: flows/s from the sensor's start to the last stored verdict,
 *       counters checked to add up;
 *   (f) the same feed at 1,000 flows/s (10 flows a message, published by this process) for
 *       --latency-seconds: arrival in the page → stored verdict p50/p99 (the detect worker's
 *       summary), and publish → arrival at a Node subscriber of the same broker (the hop
 *       the page cannot see), whose p99s together bound publish → stored;
 *   (g) a large packet capture (the simulator's packets, --capture-mb, default 1,000 MB) dropped
 *       on Live at max: packets/s and flows/s end to end (read, decode, window, AE + forest,
 *       store), every flow the capture makes (counted in Node first) scored and stored.
 *
 *   npx tsx bench/replay-browser.ts [--rows 2000000] [--dist dir | --out dist-bench]
 *        [--models dir] [--latency-seconds 30] [--skip a,b,c,d,e,f] [--profile] [--trace]
 *        [--packets 4000000] [--mqtt-format binary|csv] [--mqtt-plain] [--csv file] [--capture-mb 1000]
 *
 * --trace records a Chromium trace over (a) and (g) and prints how busy the source worker, the
 * detect worker, the page and the thread pools were, by wall clock, over the run and in slices of
 * it: where a worker waits (startup, credits, the tail) rather than what it computes (--profile).
 *
 * EXTRA_CHROMIUM_ARGS (environment) adds Chromium flags, for experiments such as
 * `--js-flags=--single-threaded-gc` (V8's collector on the workers' own threads).
 *
 * --csv replays a file written before by `npx tsx bench/replay-data.ts` instead of writing one
 * (A/B runs of two builds on the same file).
 *
 * Without --dist the site is built into --out (default dist-bench, gitignored). When the
 * build has no `models/index.json` (no default models yet), --models copies a models
 * folder (index.json + one folder per model) into the served copy; otherwise runs fall
 * back to an isolation forest trained on the spot, which the output says.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { MqttConnection } from '../src/core/mqtt';
import { CaptureReading } from '../src/core/packets';
import { simulateCapture } from '../src/core/sim';
import { quantileOf } from '../src/core/util';
import { startMosquitto, type Mosquitto } from '../tests/support/servers';
import { writeV2Csv } from './replay-data';
import { V2_SAMPLE } from './samples';
import { QUICK, report } from './report';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const opt = (name: string, fallback?: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ROWS = Number(opt('rows', QUICK ? '20000' : '2000000'));
/** packets in the capture the sensor publishes for (e): about one flow per 10 packets */
const PACKETS = Number(opt('packets', QUICK ? '20000' : '4000000'));
/** the wire form the sensor publishes for (e), in messages under 4 KB */
const MQTT_FORMAT = opt('mqtt-format', 'binary')!;
/** publish uncompressed messages for (e) (default: deflated, `npm run sensor -- --compress`) */
const MQTT_PLAIN = args.includes('--mqtt-plain');
/** size of the capture dropped in (g) */
const CAPTURE_MB = Number(opt('capture-mb', QUICK ? '20' : '1000'));
const LATENCY_S = Number(opt('latency-seconds', QUICK ? '3' : '30'));
const PROFILE = args.includes('--profile');
/** (a) and (g): a Chromium trace of the run, read back as each thread's busy share of the wall clock */
const TRACE = args.includes('--trace');
const SKIP = new Set((opt('skip', '') ?? '').split(',').filter(Boolean));
/** `npm run sensor`'s node arguments (package.json: node <flags> <entry>), so (e) runs the sensor as users do, without npm's own start-up */
const SENSOR_NODE_ARGS = (() => {
  const [command, ...words] = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.sensor as string).split(' ');
  if (command !== 'node') throw new Error(`the sensor script should start node, not ${command}`);
  return words;
})();
const CHROMIUM_ARGS = [
  ...(process.env.EXTRA_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean),
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-gpu',
];

interface LiveSummaryLike {
  latencyMs: { p50: number; p99: number; max: number };
  counters: Counters & { dropped: number };
  flowsPerSecond: number;
}

const COUNTERS = ['read', 'scored', 'stored', 'skipped', 'alerts'] as const;
type Counters = Record<(typeof COUNTERS)[number], number>;

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

function site(): string {
  const dist = opt('dist');
  if (dist) return resolve(ROOT, dist);
  const out = resolve(ROOT, opt('out', 'dist-bench')!);
  const started = Date.now();
  const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'error', '--outDir', out], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('the build failed');
  console.log(`built the site into ${out} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

function models(dir: string): string {
  const index = join(dir, 'models', 'index.json');
  const from = opt('models');
  if (!existsSync(index) && from) {
    cpSync(resolve(ROOT, from), join(dir, 'models'), { recursive: true });
    console.log(`no default models in the build: copied ${from} into the served folder`);
  }
  if (!existsSync(index)) return 'none (an isolation forest is trained on the spot)';
  const list = JSON.parse(readFileSync(index, 'utf8')).models as { id: string; name: string; trainRows?: number }[];
  return list.map((m) => `${m.id} (${m.name})`).join(', ');
}

async function serve(dir: string): Promise<{ url: string; server: ChildProcess }> {
  const port = await freePort();
  const server = spawn('npx', ['vite', 'preview', '--outDir', dir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: ROOT,
    stdio: 'ignore',
    detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  for (let k = 0; k < 200; k++) {
    try {
      if ((await fetch(url)).ok) return { url, server };
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('vite preview did not start');
}

/**
 * CPU seconds (user + system) used so far by this process's descendants (Chromium's
 * processes, the preview server), by thread name, from /proc; null where there is none.
 * On a machine shared with other work, CPU time per flow says more than flows per second
 * of wall-clock time, and the processes and threads say which part of Chromium spent it.
 */
function childrenCpu(): Map<string, number> | null {
  if (!existsSync('/proc/self/stat')) return null;
  const stat = (path: string) => {
    const text = readFileSync(path, 'utf8');
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return { name: text.slice(text.indexOf('(') + 1, close), parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  };
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parent.set(Number(name), stat(`/proc/${name}/stat`).parent);
    } catch {
      /* gone meanwhile */
    }
  }
  const ours = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  const byThread = new Map<string, number>();
  for (const pid of parent.keys()) {
    if (!ours(pid)) continue;
    try {
      // Chromium's processes by their --type (renderer, gpu-process, utility; none: the browser process)
      const type = /--type=([\w-]+)/.exec(readFileSync(`/proc/${pid}/cmdline`, 'utf8'))?.[1] ?? 'browser';
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const t = stat(`/proc/${pid}/task/${tid}/stat`);
        // the page's workers share one thread name: told apart by thread id
        const name = `${type} ${t.name === 'DedicatedWorker' ? `${t.name} ${tid}` : t.name}`;
        // USER_HZ is 100 on Linux
        byThread.set(name, (byThread.get(name) ?? 0) + t.ticks / 100);
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return byThread;
}

/** CPU seconds by thread name between two `childrenCpu` readings, largest first */
function cpuBetween(before: Map<string, number>, after: Map<string, number>): [string, number][] {
  return [...after]
    .map(([name, s]): [string, number] => [name, s - (before.get(name) ?? 0)])
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1]);
}

async function counters(page: Page): Promise<Counters> {
  return page.evaluate(
    (names) => {
      const out: Record<string, number> = {};
      for (const n of names) out[n] = Number(document.querySelector(`[data-testid=count-${n}]`)?.textContent ?? NaN);
      return out;
    },
    COUNTERS as unknown as string[],
  ) as Promise<Counters>;
}

/** the newest run record in the lab's IndexedDB (its summary is saved every few seconds and at the end) */
async function newestRun(page: Page): Promise<{
  id: string;
  summary: { latencyMs: { p50: number; p99: number; max: number }; counters: Counters & { dropped: number }; state: string; flowsPerSecond: number } | null;
  detector: string;
  modelId: string;
} | null> {
  return page.evaluate(
    () =>
      new Promise((res, rej) => {
        const open = indexedDB.open('iomt-anomaly-lab');
        open.onerror = () => rej(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('runs').objectStore('runs').getAll();
          all.onsuccess = () => {
            const runs = (all.result as { createdAt: number }[]).sort((a, b) => b.createdAt - a.createdAt);
            db.close();
            res((runs[0] ?? null) as never);
          };
        };
      }),
  );
}

/** rows of a run held in IndexedDB, from the store's per-chunk sizes */
async function storedRows(page: Page, runId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((res, rej) => {
        const open = indexedDB.open('iomt-anomaly-lab');
        open.onerror = () => rej(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db
            .transaction('chunkSizes')
            .objectStore('chunkSizes')
            .getAll(IDBKeyRange.bound([id], [id, []]));
          req.onsuccess = () => {
            db.close();
            res((req.result as { n: number }[]).reduce((a, c) => a + c.n, 0));
          };
        };
      }),
    runId,
  );
}

/** JS heap (MB used) of the page and of every worker, via CDP */
class HeapProbe {
  private id = 0;
  private pending = new Map<number, (v: unknown) => void>();
  private sessions = new Map<string, string>();

  private constructor(
    private readonly browserCdp: CDPSession,
    private readonly pageCdp: CDPSession,
  ) {
    browserCdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
      const m = JSON.parse(e.message) as { id?: number; result?: unknown };
      if (m.id !== undefined) this.pending.get(m.id)?.(m.result);
    });
  }

  static async attach(browser: Browser, page: Page): Promise<HeapProbe> {
    return new HeapProbe(await browser.newBrowserCDPSession(), await page.context().newCDPSession(page));
  }

  /** a command to a worker (by name: detect, source, train) through the browser's CDP session */
  async workerCommand(worker: string, method: string, params: object = {}, timeoutMs = 10_000): Promise<unknown> {
    const { targetInfos } = await this.browserCdp.send('Target.getTargets');
    const t = targetInfos.find((x) => x.type === 'worker' && x.url.includes(`${worker}.worker`));
    if (!t) return null;
    let session = this.sessions.get(t.targetId);
    if (!session) {
      session = (await this.browserCdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false })).sessionId;
      this.sessions.set(t.targetId, session);
    }
    const id = ++this.id;
    const result = new Promise<unknown>((r) => this.pending.set(id, r));
    await this.browserCdp.send('Target.sendMessageToTarget', { sessionId: session, message: JSON.stringify({ id, method, params }) });
    const out = await Promise.race([result, new Promise((r) => setTimeout(() => r(null), timeoutMs))]);
    this.pending.delete(id);
    return out;
  }

  /** the detect worker's live summary now (its `labSummary` hook), or null */
  async liveSummary(): Promise<LiveSummaryLike | null> {
    const r = (await this.workerCommand('detect', 'Runtime.evaluate', { expression: 'JSON.stringify(self.labSummary())', returnByValue: true })) as {
      result?: { value?: string };
    } | null;
    const text = r?.result?.value;
    return text ? (JSON.parse(text) as LiveSummaryLike) : null;
  }

  /** self time by function over `ms` of a worker's run, or of the page's main thread (`page`), by CDP's sampling profiler */
  async profile(target: string, ms: number): Promise<string> {
    const send =
      target === 'page'
        ? (method: string, params: object = {}) => this.pageCdp.send(method as 'Profiler.start', params).catch(() => null) as Promise<unknown>
        : (method: string, params: object = {}) => this.workerCommand(target, method, params, 30_000);
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 500 });
    await send('Profiler.start');
    await new Promise((r) => setTimeout(r, ms));
    const res = (await send('Profiler.stop')) as {
      profile: {
        nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
        samples: number[];
        timeDeltas: number[];
      };
    } | null;
    if (!res) return `${target}: no profile`;
    const { nodes, samples, timeDeltas } = res.profile;
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const self = new Map<string, number>();
    let total = 0;
    samples.forEach((id, k) => {
      const f = byId.get(id)!.callFrame;
      const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
      const dt = timeDeltas[k] / 1000;
      self.set(name, (self.get(name) ?? 0) + dt);
      total += dt;
    });
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14);
    return (
      `${target}${target === 'page' ? '' : ' worker'}, ${fmt(total)} ms sampled:\n` +
      top.map(([n, v]) => `      ${fmt((100 * v) / total, 1).padStart(5)} %  ${n}`).join('\n')
    );
  }

  /** live heap after a full garbage collection, so growth means something is kept */
  async sample(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    await this.pageCdp.send('HeapProfiler.collectGarbage');
    out.page = (await this.pageCdp.send('Runtime.getHeapUsage')).usedSize / 1e6;
    const { targetInfos } = await this.browserCdp.send('Target.getTargets');
    for (const t of targetInfos) {
      if (t.type !== 'worker') continue;
      const name = /detect/.test(t.url) ? 'detect' : /source/.test(t.url) ? 'source' : /train/.test(t.url) ? 'train' : t.url;
      let session = this.sessions.get(t.targetId);
      if (!session) {
        session = (await this.browserCdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false })).sessionId;
        this.sessions.set(t.targetId, session);
      }
      await this.workerCommand(name, 'HeapProfiler.collectGarbage');
      const id = ++this.id;
      const result = new Promise<unknown>((r) => this.pending.set(id, r));
      await this.browserCdp.send('Target.sendMessageToTarget', { sessionId: session, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) });
      const usage = (await Promise.race([result, new Promise((r) => setTimeout(() => r(null), 2000))])) as { usedSize: number } | null;
      this.pending.delete(id);
      if (usage) out[name] = usage.usedSize / 1e6;
    }
    return out;
  }
}

/**
 * --trace: how much of the wall clock each thread of interest spent running tasks, over the
 * whole run (`seconds` from the drop to the last stored flow) and in about 20 slices of it. The
 * workers are told apart by their script (Chromium's TracingSessionIdForWorker events); the
 * thread pools of the renderer and of the browser are summed (so they may exceed 100 %).
 */
function busyTimeline(trace: Buffer, seconds: number): string {
  interface TraceEvent {
    ph: string;
    name: string;
    pid: number;
    tid: number;
    ts: number;
    dur?: number;
    args?: { name?: string; data?: { url?: string; workerThreadId?: number } };
  }
  const json = JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(json) ? json : json.traceEvents;
  const threadNames = new Map<string, string>();
  const processNames = new Map<number, string>();
  const workers = new Map<string, string>();
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}/${e.tid}`, e.args?.name ?? '');
    if (e.ph === 'M' && e.name === 'process_name') processNames.set(e.pid, e.args?.name ?? '');
    const url = e.args?.data?.url;
    if (e.name === 'TracingSessionIdForWorker' && url)
      workers.set(`${e.pid}/${e.args!.data!.workerThreadId}`, /source\.worker/.test(url) ? 'source' : /detect\.worker/.test(url) ? 'detect' : '');
  }
  const role = (pid: number, tid: number): string | null => {
    const key = `${pid}/${tid}`;
    const worker = workers.get(key);
    if (worker !== undefined) return worker || null;
    const thread = threadNames.get(key) ?? '';
    const renderer = /renderer/i.test(processNames.get(pid) ?? '');
    if (thread === 'CrRendererMain') return 'page';
    if (thread.startsWith('ThreadPoolForeground')) return renderer ? 'renderer pool' : /browser/i.test(processNames.get(pid) ?? '') ? 'browser pool' : null;
    return null;
  };
  // top-level tasks per thread (nested ones merged into their parent)
  const tasks = new Map<string, [number, number][]>();
  let start = Infinity;
  for (const e of events) {
    if (e.ph !== 'X' || !(e.name === 'ThreadControllerImpl::RunTask' || e.name === 'ThreadPool_RunTask')) continue;
    start = Math.min(start, e.ts);
    const who = role(e.pid, e.tid);
    if (!who) continue;
    const key = `${who}|${e.pid}/${e.tid}`;
    if (!tasks.has(key)) tasks.set(key, []);
    tasks.get(key)!.push([e.ts, e.ts + (e.dur ?? 0)]);
  }
  const span = seconds * 1e6;
  const slices = Math.max(1, Math.min(20, Math.round(seconds / 0.25)));
  const roles = ['source', 'detect', 'page', 'renderer pool', 'browser pool'];
  const busy = new Map(roles.map((r) => [r, new Float64Array(slices)]));
  for (const [key, list] of tasks) {
    const b = busy.get(key.split('|')[0])!;
    list.sort((x, y) => x[0] - y[0]);
    let end = -Infinity;
    for (const [s0, e0] of list) {
      const from = Math.max(s0, end, start);
      const to = Math.min(e0, start + span);
      end = Math.max(end, e0);
      if (to <= from) continue;
      const width = span / slices;
      const last = Math.min(slices - 1, Math.floor((to - start) / width));
      for (let k = Math.floor((from - start) / width); k <= last; k++) {
        b[k] += Math.max(0, Math.min(to, start + (k + 1) * width) - Math.max(from, start + k * width));
      }
    }
  }
  const pct = (x: number, of: number) => `${fmt((100 * x) / of)} %`.padStart(7);
  const whole = roles.map((r) => `${r} ${fmt((100 * busy.get(r)!.reduce((a, x) => a + x, 0)) / span)} %`).join(', ');
  const lines = [
    `    busy share of the wall clock from the drop to the last stored flow (trace): ${whole}`,
    `    ${'s'.padStart(6)} ${roles.map((r) => r.padStart(14)).join('')}`,
  ];
  for (let k = 0; k < slices; k++)
    lines.push(`    ${fmt(((k + 1) * seconds) / slices, 2).padStart(6)} ${roles.map((r) => pct(busy.get(r)![k], span / slices).padStart(14)).join('')}`);
  return lines.join('\n');
}

const fmt = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function watchConsole(page: Page, label: string): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${label}: ${m.text().slice(0, 200)}`);
  });
  page.on('pageerror', (e) => problems.push(`${label}: ${e.message.slice(0, 200)}`));
  return problems;
}

async function firstFlow(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page, 'first flow');
  for (const visit of ['first visit (empty profile)', 'again (models kept in IndexedDB)']) {
    const t0 = Date.now();
    await page.goto(`${url}/?view=live&autostart=1`);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-scored]')?.textContent) > 0, undefined, {
      polling: 10,
      timeout: 60_000,
    });
    console.log(`(d) URL opened → first scored flow, default scenario, ${visit}: ${fmt(Date.now() - t0)} ms`);
  }
  const run = await newestRun(page);
  console.log(`    model: ${run?.modelId} (${run?.detector})`);
  if (problems.length) console.log(`    console errors: ${problems.join(' | ')}`);
  await context.close();
}

async function latency(browser: Browser, url: string): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page, 'latency');
  await page.goto(`${url}/?view=live&rate=100&autostart=1`);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-scored]')?.textContent) > 0, undefined, { timeout: 60_000 });
  const t0 = Date.now();
  const c0 = await counters(page);
  await page.waitForTimeout(LATENCY_S * 1000);
  const c1 = await counters(page);
  const elapsed = Date.now() - t0;
  const probe = await HeapProbe.attach(browser, page);
  const s = await probe.liveSummary();
  const run = await newestRun(page);
  const rate = ((c1.scored - c0.scored) / elapsed) * 1000;
  console.log(
    `(b) 100 flows/s for ${LATENCY_S} s (default scenario, ${run?.detector}): ${fmt(rate, 1)} flows/s scored; emission → stored latency p50 ${fmt(s?.latencyMs.p50 ?? NaN, 2)} ms, p99 ${fmt(s?.latencyMs.p99 ?? NaN, 2)} ms, max ${fmt(s?.latencyMs.max ?? NaN, 1)} ms over ${fmt(s?.counters.stored ?? 0)} flows`,
  );
  if (problems.length) console.log(`    console errors: ${problems.join(' | ')}`);
  await context.close();
}

/**
 * (a); returns flows/s from the drop to the last stored flow and Chromium's CPU µs per flow,
 * or null if the run stalled or its counters do not add up
 */
async function throughput(
  browser: Browser,
  url: string,
  file: string,
  rows: number,
  what: string,
): Promise<{ flowsPerS: number; cpuPerFlow: number | null; seconds: number } | null> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page, 'max');
  await page.goto(`${url}/?view=live&rate=max`);
  await page.waitForSelector('[data-testid=file-input]', { state: 'attached' });
  // the offline cache fills once per visitor (the whole site, models too): not part of a replay
  await page.evaluate(() => Promise.race([navigator.serviceWorker?.ready, new Promise((r) => setTimeout(r, 30_000))]));
  // CDP: the heap samples of (c), and --profile's sampling of the workers
  const heap = SKIP.has('c') && !PROFILE ? null : await HeapProbe.attach(browser, page);
  const heapSamples: { s: number; rows: number; mb: Record<string, number> }[] = [];
  if (TRACE) await browser.startTracing(page, { categories: ['toplevel', 'disabled-by-default-devtools.timeline'] });
  const t0 = Date.now();
  const cpu0 = childrenCpu();
  await page.setInputFiles('[data-testid=file-input]', file);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=count-scored]')?.textContent) > 0, undefined, { polling: 20, timeout: 120_000 });
  const tFirst = Date.now();
  let last = await counters(page);
  let lastChange = Date.now();
  let nextHeap = 0;
  let peakRate = 0;
  let peakFrom = { at: tFirst, scored: last.scored };
  let profiled = false;
  let stalled = false;
  for (;;) {
    // the next change of the counters (looked for every 20 ms), or 500 ms: the end is timed to a few tens of ms
    await page
      .waitForFunction(
        ([stored, scored]) =>
          Number(document.querySelector('[data-testid=count-stored]')?.textContent) !== stored ||
          Number(document.querySelector('[data-testid=count-scored]')?.textContent) !== scored,
        [last.stored, last.scored],
        { polling: 20, timeout: 500 },
      )
      .catch(() => {});
    const c = await counters(page);
    const now = Date.now();
    if (c.stored !== last.stored || c.scored !== last.scored) lastChange = now;
    if (now - peakFrom.at >= 500) {
      peakRate = Math.max(peakRate, ((c.scored - peakFrom.scored) / (now - peakFrom.at)) * 1000);
      peakFrom = { at: now, scored: c.scored };
    }
    last = c;
    if (heap && PROFILE && !profiled && c.scored > rows / 4) {
      profiled = true;
      const [detect, source, main] = await Promise.all([heap.profile('detect', 4000), heap.profile('source', 4000), heap.profile('page', 4000)]);
      console.log(`    profile:\n    ${detect}\n    ${source}\n    ${main}`);
    }
    if (heap && !SKIP.has('c') && now >= nextHeap) {
      nextHeap = now + 5000;
      heapSamples.push({ s: (now - t0) / 1000, rows: c.scored, mb: await heap.sample() });
    }
    // the run's state word (textContent: innerText would lay the whole page out twice a second)
    const state = await page.evaluate(() => document.querySelector('[data-testid=run-state]')?.textContent?.trim().toUpperCase() ?? '');
    if (c.read >= rows && c.stored === c.scored && state !== 'PLAYING') break;
    if (now - lastChange > 20_000) {
      console.log(`    stalled: no progress for 20 s (state ${state})`);
      stalled = true;
      break;
    }
  }
  const tEnd = lastChange;
  const cpu1 = childrenCpu();
  const trace = TRACE ? await browser.stopTracing() : null;
  const elapsed = (tEnd - t0) / 1000;
  const scoring = (tEnd - tFirst) / 1000;
  await page.waitForTimeout(3500);
  const run = await newestRun(page);
  const inDb = run ? await storedRows(page, run.id) : NaN;
  const c = await counters(page);
  const mb = statSync(file).size / 1e6;
  console.log(`${what} (${fmt(mb)} MB) dropped, replayed at max with ${run?.detector} as the verdict model:`);
  console.log(
    `    ${fmt(c.scored / elapsed)} flows/s from the drop to the last stored flow (${fmt(elapsed, 1)} s); ${fmt(c.scored / scoring)} flows/s from the first scored flow (${fmt(scoring, 1)} s); best half-second ${fmt(peakRate)} flows/s`,
  );
  console.log(
    `    counters: read ${fmt(c.read)} = scored ${fmt(c.scored)} + skipped ${fmt(c.skipped)}: ${c.read === c.scored + c.skipped ? 'adds up' : 'DOES NOT ADD UP'}; stored ${fmt(c.stored)} (${c.stored === c.scored ? '= scored' : 'NOT = scored'}); IndexedDB holds ${fmt(inDb)} rows (${inDb === c.stored ? '= stored' : 'NOT = stored'}); alerts ${fmt(c.alerts)}`,
  );
  const threads = cpu0 && cpu1 ? cpuBetween(cpu0, cpu1) : null;
  const cpuSeconds = threads?.reduce((a, [, s]) => a + s, 0);
  const cpuPerFlow = cpuSeconds === undefined ? null : (cpuSeconds / c.scored) * 1e6;
  if (threads && cpuPerFlow !== null) {
    console.log(
      `    Chromium CPU time ${fmt(cpuSeconds!, 1)} s (user + system, all its processes) = ${fmt(cpuPerFlow, 2)} µs per flow; ${fmt((cpus().length * 1e6) / cpuPerFlow)} flows/s if the ${cpus().length} cores did nothing else`,
    );
    console.log(
      `    by thread: ${threads
        .slice(0, 12)
        .map(([name, sec]) => `${name} ${fmt(sec, 1)} s (${fmt((sec / c.scored) * 1e6, 2)} µs/flow)`)
        .join(', ')}`,
    );
  }
  if (trace) console.log(busyTimeline(trace, (tEnd - t0) / 1000));
  if (run?.summary)
    console.log(`    latency at max (emission → stored): p50 ${fmt(run.summary.latencyMs.p50, 1)} ms, p99 ${fmt(run.summary.latencyMs.p99, 1)} ms`);
  if (heapSamples.length) {
    const names = [...new Set(heapSamples.flatMap((h) => Object.keys(h.mb)))];
    console.log(`(c) JS heap (MB live after a forced GC) every ~5 s over the replay: ${names.join(' / ')}`);
    for (const h of heapSamples)
      console.log(`    ${fmt(h.s).padStart(4)} s ${fmt(h.rows).padStart(10)} flows: ${names.map((n) => fmt(h.mb[n] ?? NaN, 1)).join(' / ')}`);
  }
  if (problems.length) console.log(`    console errors: ${problems.join(' | ')}`);
  await context.close();
  const whole = !stalled && c.read === rows && c.read === c.scored + c.skipped && c.stored === c.scored && inDb === c.stored;
  return whole ? { flowsPerS: Math.round(c.scored / elapsed), cpuPerFlow: cpuPerFlow && Math.round(cpuPerFlow * 100) / 100, seconds: elapsed } : null;
}

/**
 * (g): the simulator's packets written to a capture of about CAPTURE_MB, its packets and flows
 * counted by the lab's reader in Node, then dropped on Live at max; packets/s and flows/s from
 * the drop to the last stored flow (null when a flow was not stored or the packets read differ)
 */
async function captureThroughput(browser: Browser, url: string): Promise<{ lab_pcap_packets_per_s: number | null; lab_pcap_flows_per_s: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'iomt-bench-pcap-'));
  try {
    const file = join(dir, 'ward.pcap');
    const out = createWriteStream(file);
    const target = CAPTURE_MB * 1e6;
    let bytes = 0;
    const started = Date.now();
    // about 29 packets of about 150 bytes per simulated row; the generator is left as soon as the file is big enough
    for (const chunk of simulateCapture('mixed-day', Math.ceil(target / 1500), 11)) {
      for (const b of chunk.pcap) {
        bytes += b.length;
        if (!out.write(b)) await new Promise((r) => out.once('drain', r));
      }
      if (bytes >= target) break;
    }
    await new Promise<void>((r) => out.end(r));
    const stream = () => Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 })) as ReadableStream<Uint8Array>;
    const reading = new CaptureReading([{ name: file, stream }]);
    for await (const _ of reading.flows());
    const { packets, flows } = reading.counters;
    console.log(
      `wrote a ${fmt(bytes / 1e6)} MB capture (${fmt(packets)} packets, ${fmt(flows)} flows) to ${file} in ${fmt((Date.now() - started) / 1000, 1)} s`,
    );
    const lab = await throughput(browser, url, file, flows, `(g) ${fmt(packets)}-packet capture`);
    if (lab) console.log(`    ${fmt(packets / lab.seconds)} packets/s from the drop to the last stored flow (every one of the ${fmt(flows)} flows stored)`);
    return { lab_pcap_packets_per_s: lab && Math.round(packets / lab.seconds), lab_pcap_flows_per_s: lab && lab.flowsPerS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** a live feed's page: open the Live view on `broker`'s WebSocket listener and start; resolves once it waits for flows */
async function openFeed(
  browser: Browser,
  url: string,
  broker: Mosquitto,
  topic: string,
): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = watchConsole(page, 'mqtt');
  await page.goto(`${url}/?view=live&broker=${encodeURIComponent(broker.wsUrl)}&topic=${encodeURIComponent(topic)}`);
  await page.click('[data-testid=start]');
  await page.waitForFunction(() => /waiting for the first flows/.test(document.querySelector('[data-testid=feed-state]')?.textContent ?? ''), undefined, {
    timeout: 60_000,
  });
  // a first visit's offline cache (the whole site, ~13 MB) is filled by then: the feed is measured, not the caching
  await page.evaluate(() => Promise.race([navigator.serviceWorker?.ready, new Promise((r) => setTimeout(r, 30_000))]));
  return { page, problems, close: () => context.close() };
}

/** (e); flows/s from the sensor's start to the last stored verdict, or null when the run stalled or the counters do not add up */
async function mqttThroughput(browser: Browser, url: string, broker: Mosquitto): Promise<number | null> {
  const dir = mkdtempSync(join(tmpdir(), 'iomt-bench-mqtt-'));
  try {
    const file = join(dir, 'sensor.pcap');
    const out = createWriteStream(file);
    for (const chunk of simulateCapture('mixed-day', Math.ceil(PACKETS / 29), 7)) for (const b of chunk.pcap) out.write(b);
    await new Promise<void>((r) => out.end(r));
    const feed = await openFeed(browser, url, broker, 'bench/sensor');
    const probe = PROFILE ? await HeapProbe.attach(browser, feed.page) : null;
    let profiled = false;
    // the page notes when its stored count last changed: the polls below (and the detect worker's 250 ms summaries) alone would place the end up to 0.5 s late
    await feed.page.evaluate(() => {
      const stored = document.querySelector('[data-testid=count-stored]')!;
      const page = window as unknown as { storedAt: number };
      page.storedAt = 0;
      new MutationObserver(() => (page.storedAt = performance.timeOrigin + performance.now())).observe(stored, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    const cpu0 = childrenCpu();
    const t0 = Date.now();
    const sensor = spawn(
      process.execPath,
      [
        ...SENSOR_NODE_ARGS,
        '--pcap',
        file,
        '--mqtt',
        broker.url,
        '--topic',
        'bench/sensor',
        '--format',
        MQTT_FORMAT,
        '--max-bytes',
        '4000',
        ...(MQTT_PLAIN ? [] : ['--compress']),
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let said = '';
    sensor.stdout!.on('data', (d) => (said += d));
    const exited = new Promise<number | null>((r) => sensor.on('exit', r));
    let published = Infinity;
    void exited.then(() => (published = Number(/published ([\d,]+) flows/.exec(said)?.[1].replace(/,/g, '') ?? NaN)));
    let last = await counters(feed.page);
    let lastChange = Date.now();
    let stalled = false;
    for (;;) {
      await feed.page.waitForTimeout(250);
      const c = await counters(feed.page);
      if (c.stored !== last.stored || c.read !== last.read) lastChange = Date.now();
      last = c;
      if (probe && !profiled && c.scored > 50_000) {
        profiled = true;
        const [detect, source, main] = await Promise.all([probe.profile('detect', 3000), probe.profile('source', 3000), probe.profile('page', 3000)]);
        console.log(`    profile:\n    ${detect}\n    ${source}\n    ${main}`);
      }
      if (c.read >= published && c.stored === c.scored) break;
      if (Date.now() - lastChange > 20_000) {
        stalled = true;
        console.log(`    stalled: no progress for 20 s; the feed: ${await feed.page.textContent('[data-testid=feed-state]').catch(() => '?')}`);
        break;
      }
    }
    const storedAt = await feed.page.evaluate(() => (window as unknown as { storedAt: number }).storedAt);
    // (the page's clock and this one are both wall-clock ms; a page that redrew its counters afresh falls back to the polls)
    const seconds = ((storedAt > t0 && storedAt <= lastChange ? storedAt : lastChange) - t0) / 1000;
    const c = last;
    const run = await newestRun(feed.page);
    const sensorLine = said.trim().split('\n').pop();
    console.log(`(e) npm run sensor → Mosquitto → the page over WebSocket, ${run?.detector} as the verdict model: ${sensorLine}`);
    console.log(
      `    ${fmt(c.stored / seconds)} stored verdicts/s from the sensor's start to the last stored verdict (${fmt(seconds, 1)} s); read ${fmt(c.read)} = scored ${fmt(c.scored)} + skipped ${fmt(c.skipped)}: ${c.read === c.scored + c.skipped ? 'adds up' : 'DOES NOT ADD UP'}; stored ${fmt(c.stored)}; published ${fmt(published)}`,
    );
    const cpu1 = childrenCpu();
    const threads = cpu0 && cpu1 ? cpuBetween(cpu0, cpu1) : null;
    if (threads)
      console.log(
        `    CPU by thread (sensor, broker, Chromium): ${threads
          .slice(0, 10)
          .map(([name, sec]) => `${name} ${fmt(sec, 1)} s (${fmt((sec / Math.max(1, c.stored)) * 1e6, 2)} µs/flow)`)
          .join(', ')}`,
      );
    if (feed.problems.length) console.log(`    console errors: ${feed.problems.join(' | ')}`);
    await feed.page.click('[data-testid=stop]');
    await feed.close();
    const whole = !stalled && c.read === published && c.read === c.scored + c.skipped && c.stored === c.scored;
    return whole ? Math.round(c.stored / seconds) : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** (f); the page's arrival → stored p99 plus the broker hop's p99 (ms), or null when no summary came */
async function mqttLatency(browser: Browser, url: string, broker: Mosquitto): Promise<number | null> {
  const [header, ...rows] = readFileSync(V2_SAMPLE, 'utf8').trimEnd().split(/\r?\n/);
  const feed = await openFeed(browser, url, broker, 'bench/latency');
  const publisher = new MqttConnection({ url: broker.url });
  const listener = new MqttConnection({ url: broker.url });
  await Promise.all([publisher.connect(), listener.connect()]);
  await listener.subscribe('bench/latency', 0);
  const hops: number[] = [];
  /** publish time by sequence number */
  const sentAt = new Map<number, number>();
  listener.onMessage((_t, payload) => {
    const seq = Number(/^#seq=(\d+)/.exec(new TextDecoder().decode(payload.subarray(0, 30)))?.[1]);
    if (sentAt.has(seq)) hops.push(performance.now() - sentAt.get(seq)!);
  });
  const PER = 10;
  const messages = Math.round((LATENCY_S * 1000) / PER);
  const t0 = performance.now();
  let seq = 0;
  for (let k = 0; k < messages; k++) {
    const wait = t0 + k * PER - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const lines = [];
    for (let i = 0; i < PER; i++) lines.push(rows[(seq + i) % rows.length]);
    sentAt.set(seq, performance.now());
    await publisher.publish('bench/latency', `#seq=${seq}\n${header}\n${lines.join('\n')}\n`);
    seq += PER;
  }
  const seconds = (performance.now() - t0) / 1000;
  await feed.page
    .waitForFunction((n) => Number(document.querySelector('[data-testid=count-stored]')?.textContent) >= n, seq, { timeout: 30_000 })
    .catch(() => null);
  const probe = await HeapProbe.attach(browser, feed.page);
  const s = await probe.liveSummary();
  const c = await counters(feed.page);
  const hop = { p50: quantileOf(hops, 0.5), p99: quantileOf(hops, 0.99), max: Math.max(...hops) };
  console.log(
    `(f) ${fmt(seq / seconds)} flows/s for ${fmt(seconds, 1)} s (${PER} flows a message) through Mosquitto into the page: stored ${fmt(c.stored)} of ${fmt(seq)} (skipped ${fmt(c.skipped)}, lost ${(await feed.page.textContent('[data-testid=count-lost]').catch(() => null)) ?? 0})`,
  );
  console.log(
    `    arrival in the page → stored verdict: p50 ${fmt(s?.latencyMs.p50 ?? NaN, 2)} ms, p99 ${fmt(s?.latencyMs.p99 ?? NaN, 2)} ms, max ${fmt(s?.latencyMs.max ?? NaN, 1)} ms; publish → arrival at a Node subscriber: p50 ${fmt(hop.p50, 2)} ms, p99 ${fmt(hop.p99, 2)} ms, max ${fmt(hop.max, 1)} ms`,
  );
  if (feed.problems.length) console.log(`    console errors: ${feed.problems.join(' | ')}`);
  await feed.page.click('[data-testid=stop]');
  await feed.close();
  await Promise.all([publisher.end(), listener.end()]);
  return s ? Math.round((s.latencyMs.p99 + hop.p99) * 100) / 100 : null;
}

async function main() {
  const dir = site();
  const modelNote = models(dir);
  const { url, server } = await serve(dir);
  console.log(
    `serving ${dir} at ${url}; default models: ${modelNote}; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const figures: Record<string, number | null> = {};
  const broker = SKIP.has('e') && SKIP.has('f') ? null : await startMosquitto();
  try {
    if (!SKIP.has('d')) await firstFlow(browser, url);
    if (!SKIP.has('b')) await latency(browser, url);
    if (!SKIP.has('a')) {
      const started = Date.now();
      const given = opt('csv');
      const data = given ? { path: given, bytes: statSync(given).size } : await writeV2Csv(ROWS);
      if (!given) console.log(`wrote ${fmt(ROWS)} rows (${fmt(data.bytes / 1e6)} MB) to ${data.path} in ${fmt((Date.now() - started) / 1000, 1)} s`);
      const lab = await throughput(browser, url, data.path, ROWS, `(a) ${fmt(ROWS)}-row v2 CSV`);
      figures.lab_flows_per_s = lab?.flowsPerS ?? null;
      figures.lab_cpu_us_per_flow = lab?.cpuPerFlow ?? null;
    }
    if (!SKIP.has('g')) Object.assign(figures, await captureThroughput(browser, url));
    if (!SKIP.has('e')) figures.mqtt_lab_flows_per_s = await mqttThroughput(browser, url, broker!);
    if (!SKIP.has('f')) figures.mqtt_publish_to_stored_p99_ms = await mqttLatency(browser, url, broker!);
    report(figures);
  } finally {
    await browser.close();
    await broker?.close();
    if (server.pid) process.kill(-server.pid);
  }
}

await main();
