import { detectorsOf, influxWriter, type RowWriter } from './export-run';
import type { InfluxStatus, InfluxTarget } from './output-types';
import type { FlowChunk, RunRecord } from './records';

export interface InfluxSinkOptions {
  /** points per request */
  batchPoints?: number;
  /** requests under way at once (InfluxDB parses concurrent writes in parallel) */
  concurrency?: number;
  /** the same tags on every point, e.g. `{ monitor: 'ward-3' }`: monitors sharing a feed write apart */
  tags?: Record<string, string>;
  /** every feature as a field (about 40 fields a point, several times the server's work); default: the verdict only */
  features?: boolean;
  /** a request goes out at least this often while points wait */
  flushMs?: number;
  /** points waiting at most (a server that is down for long): older batches beyond it are failed */
  maxPendingPoints?: number;
  /** attempts per batch (server errors, 429, the network) before it counts as failed */
  attempts?: number;
  /** first back-off between attempts, doubling */
  backoffMs?: number;
  fetch?: typeof fetch;
  /** one sentence whenever a batch fails for good */
  onProblem?: (sentence: string) => void;
}

const REQUEST_TIMEOUT_MS = 10_000;

interface Pending {
  text: string;
  points: number;
}

/**
 * Writes scored flows to InfluxDB in line protocol, in the run export's measurement,
 * tags and fields (`iomt_flow`; the sink's own tags, device, label, predicted, protocol,
 * verdict; score, scores alongside, confidence, row, and the features if asked), stamped
 * with their arrival time in ns (unique per sink, so no two points of a series collide;
 * sinks writing to one server tell theirs apart by a tag). Batched, a few requests at
 * once; a batch that meets a server error, 429 or a network failure is tried again with
 * a doubling back-off; a refusal (401, 403, a bad request) fails at once.
 * Every point is written or failed, counted, and the newest failure kept as one sentence:
 *   points = written + failed + pending.
 * A 1.x database that does not exist is created once (`CREATE DATABASE`).
 */
export class InfluxSink {
  written = 0;
  failed = 0;
  lastProblem: string | null = null;
  private readonly write: { url: string; headers: Record<string, string>; version: 1 | 2; db: string | null };
  private readonly batchPoints: number;
  private readonly concurrency: number;
  private readonly maxPending: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly fetcher: typeof fetch;
  private queue: Pending[] = [];
  private parts: string[] = [];
  private partPoints = 0;
  private queuedPoints = 0;
  /** points of the requests under way */
  private sendingPoints = 0;
  /** the senders under way (at most `concurrency`) */
  private readonly senders = new Set<Promise<void>>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private writer: { key: string; rows: RowWriter } | null = null;
  private lastNs = 0n;
  /** first ns of the chunk being encoded, as whole ms (text) and the ns past them */
  private stampMs = '';
  private stampNs = 0;
  /** after `close` began: no attempt starts past this time (ms) */
  private deadline = Infinity;
  /** the 1.x database being made (once, shared by the senders that found it missing) */
  private creatingDb: Promise<true | string> | null = null;

  constructor(
    target: InfluxTarget,
    private readonly options: InfluxSinkOptions = {},
  ) {
    this.write = writeEndpoint(target);
    this.batchPoints = options.batchPoints ?? 5000;
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxPending = options.maxPendingPoints ?? 1_000_000;
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 250;
    this.fetcher = options.fetch ?? ((input, init) => fetch(input, init));
    this.timer = setInterval(() => void this.flush(), options.flushMs ?? 1000);
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** points waiting to be sent */
  get pending(): number {
    return this.queuedPoints + this.partPoints + this.sendingPoints;
  }

  /** where points go, as shown to people (no credentials) */
  get label(): string {
    return this.write.url.replace(/([?&](u|p)=)[^&]*/g, '$1…');
  }

  /** adds scored chunks of a run (encoded now; sent in batches) */
  add(run: RunRecord, chunks: readonly FlowChunk[]): void {
    const rows = this.rowWriter(run, chunks[0]);
    for (const c of chunks) {
      if (c.n === 0) continue;
      // arrival time, one ns apart within a chunk and after the sink's previous point
      const now = BigInt(Math.round(Date.now())) * 1_000_000n;
      const base = now > this.lastNs ? now : this.lastNs + 1n;
      this.lastNs = base + BigInt(c.n - 1);
      this.stampMs = (base / 1_000_000n).toString();
      this.stampNs = Number(base % 1_000_000n);
      const text = rows.rows(c, 0, c.n);
      let comments = 0;
      for (let at = text.indexOf('\n#'); at !== -1; at = text.indexOf('\n#', at + 2)) comments++;
      if (text.startsWith('#')) comments++;
      // a flow without any finite value cannot be a point
      if (comments) this.fail(comments, 'flows without any finite value cannot be written to InfluxDB');
      this.parts.push(text);
      this.partPoints += c.n - comments;
      if (this.partPoints >= this.batchPoints) this.cut();
    }
    if (this.queue.length) void this.flush();
  }

  /** sends everything waiting (resolves when the queue is empty or every batch has failed) */
  flush(): Promise<void> {
    if (this.partPoints > 0) this.cut();
    while (this.senders.size < this.concurrency && this.queue.length) {
      const sender: Promise<void> = this.sendQueued().finally(() => this.senders.delete(sender));
      this.senders.add(sender);
    }
    return this.settled();
  }

  /** resolves once no sender is under way */
  private async settled(): Promise<void> {
    while (this.senders.size) await Promise.all([...this.senders]);
  }

  /** the counters as a plain object (what the lab shows) */
  status(): InfluxStatus {
    return { url: this.label, written: this.written, failed: this.failed, pending: this.pending, problem: this.lastProblem };
  }

  /** sends what waits, trying for at most `timeoutMs` more (what is still unsent then counts as failed), and stops */
  async close(timeoutMs = 15_000): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.deadline = Date.now() + timeoutMs;
    while (this.pending > 0 || this.senders.size) await this.flush();
  }

  private rowWriter(run: RunRecord, first: FlowChunk | undefined): RowWriter {
    // categories grow while a feed runs: the writer follows them
    const key = `${run.id}|${JSON.stringify(run.categories ?? null)}|${run.classes.length}|${run.devices.length}`;
    if (this.writer?.key !== key) {
      this.writer = {
        key,
        rows: influxWriter(run, detectorsOf(run, first), {
          timestampNs: (_c, i) => this.timestamp(i),
          tags: this.options.tags,
          features: this.options.features ?? false,
        }),
      };
    }
    return this.writer.rows;
  }

  /** the ns timestamp of point i of the chunk being encoded, as text (no BigInt per point) */
  private timestamp(i: number): string {
    const ns = this.stampNs + i;
    if (ns < 1_000_000) return this.stampMs + String(ns).padStart(6, '0');
    return (BigInt(this.stampMs) * 1_000_000n + BigInt(ns)).toString();
  }

  private cut(): void {
    this.queue.push({ text: this.parts.join(''), points: this.partPoints });
    this.queuedPoints += this.partPoints;
    this.parts = [];
    this.partPoints = 0;
    while (this.queuedPoints > this.maxPending && this.queue.length > 1) {
      const old = this.queue.shift()!;
      this.queuedPoints -= old.points;
      this.fail(old.points, `InfluxDB at ${this.label} fell behind by more than ${this.maxPending} points; the oldest were given up`);
    }
  }

  /** one sender: takes batches from the queue until it is empty */
  private async sendQueued(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.shift()!;
      this.queuedPoints -= batch.points;
      this.sendingPoints += batch.points;
      const result = await this.send(batch);
      this.sendingPoints -= batch.points;
      this.written += result.written;
      if (result.failed) this.fail(result.failed, result.problem!);
    }
  }

  /** one batch, with retries: how many points were written and failed */
  private async send(batch: Pending): Promise<{ written: number; failed: number; problem?: string }> {
    let problem = '';
    let madeDb = false;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      if (attempt > 0) {
        const wait = this.backoffMs * 2 ** (attempt - 1);
        if (Date.now() + wait >= this.deadline) break;
        await sleep(wait);
      }
      let response: Response;
      try {
        const signal = AbortSignal.timeout(Math.max(1000, Math.min(REQUEST_TIMEOUT_MS, this.deadline - Date.now())));
        response = await this.fetcher(this.write.url, { method: 'POST', headers: this.write.headers, body: batch.text, signal });
      } catch (e) {
        problem = `InfluxDB at ${this.label} cannot be reached (${(e as Error).message}${(e as { cause?: { code?: string } }).cause?.code ? `: ${(e as { cause: { code: string } }).cause.code}` : ''})`;
        continue;
      }
      if (response.ok) return { written: batch.points, failed: 0 };
      const body = (await response.text().catch(() => '')).slice(0, 300);
      const detail = influxError(body);
      if (response.status === 404 && this.write.version === 1 && /database not found/i.test(body)) {
        // made on first use; a creation that failed (a server still starting) is tried again on the next attempt
        const made = await (this.creatingDb ??= this.createDatabase());
        if (made === true) {
          problem = `InfluxDB at ${this.label} answered 404: ${detail}`;
          // the write after a creation is free; any further one is an attempt
          if (!madeDb) attempt--;
          madeDb = true;
        } else {
          this.creatingDb = null;
          problem = `InfluxDB at ${this.label} has no database "${this.write.db}" and could not create it (${made})`;
        }
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        return {
          written: 0,
          failed: batch.points,
          problem: `InfluxDB at ${this.label} refused the credentials (${response.status}${detail ? `: ${detail}` : ''})`,
        };
      }
      if (response.status === 400 || response.status === 413 || response.status === 404 || response.status === 422) {
        // 1.x writes the good points of a batch and reports how many it dropped
        const dropped = /dropped=(\d+)/.exec(body);
        const lost = dropped ? Math.min(batch.points, Number(dropped[1])) : batch.points;
        return {
          written: batch.points - lost,
          failed: lost,
          problem: `InfluxDB at ${this.label} refused ${lost} point(s) (${response.status}${detail ? `: ${detail}` : ''})`,
        };
      }
      problem = `InfluxDB at ${this.label} answered ${response.status}${detail ? `: ${detail}` : ''}`;
    }
    return { written: 0, failed: batch.points, problem: `${problem} (gave up after ${this.attempts} attempts or at the stop)` };
  }

  /** CREATE DATABASE for a 1.x write address: true, or why not */
  private async createDatabase(): Promise<true | string> {
    const url = new URL(this.write.url);
    url.pathname = url.pathname.replace(/write$/, 'query');
    url.search = '';
    const body = new URLSearchParams({ q: `CREATE DATABASE "${this.write.db!.replace(/["\\]/g, '\\$&')}"` });
    const auth = new URL(this.write.url).searchParams;
    for (const k of ['u', 'p']) if (auth.get(k)) body.set(k, auth.get(k)!);
    try {
      const r = await this.fetcher(url.href, {
        method: 'POST',
        headers: { ...this.write.headers, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      });
      if (r.ok) return true;
      const detail = influxError(await r.text().catch(() => ''));
      return detail ? `${r.status}: ${detail}` : String(r.status);
    } catch (e) {
      return (e as Error).message;
    }
  }

  private fail(points: number, sentence: string): void {
    this.failed += points;
    this.lastProblem = sentence.endsWith('.') ? sentence : `${sentence}.`;
    this.options.onProblem?.(this.lastProblem);
  }
}

/** the write URL, headers and API version of a target (one sentence when the URL cannot be one) */
export function writeEndpoint(target: InfluxTarget): { url: string; headers: Record<string, string>; version: 1 | 2; db: string | null } {
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new Error(`"${target.url}" is not an InfluxDB address: write it like http://localhost:8086/write?db=iomt`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`an InfluxDB address starts with http:// or https://, not ${url.protocol}//`);
  // a user name and password typed into the address (fetch refuses such a URL): basic authentication, never shown
  const username = target.username || decodeURIComponent(url.username);
  const password = target.password || decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (target.token) headers.Authorization = `Token ${target.token}`;
  else if (username) headers.Authorization = `Basic ${btoa(`${username}:${password}`)}`;
  const params = url.searchParams;
  if (/\/api\/v2\/write\/?$/.test(url.pathname)) {
    if (!params.get('bucket')) throw new Error(`${target.url} names no bucket: add ?bucket=<name> (and &org=<org> for InfluxDB 2.x)`);
    params.set('precision', 'ns');
    return { url: url.href, headers, version: 2, db: null };
  }
  if (url.pathname === '/' || url.pathname === '' || /\/write\/?$/.test(url.pathname)) {
    const db = params.get('db');
    if (!db) throw new Error(`${target.url} names no database: add ?db=<name> (InfluxDB 1.x) or write to /api/v2/write?bucket=<name> (2.x, 3.x)`);
    if (!/\/write\/?$/.test(url.pathname)) url.pathname = '/write';
    params.set('precision', 'n');
    return { url: url.href, headers, version: 1, db };
  }
  throw new Error(`${target.url} is neither an InfluxDB 1.x /write nor a 2.x /api/v2/write address`);
}

/** the server's own message from an error body (`{"error":"…"}` in 1.x, `{"message":"…"}` in 2.x) */
function influxError(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: string; message?: string };
    return (json.error ?? json.message ?? '').slice(0, 200);
  } catch {
    return body.trim().slice(0, 120);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
