import type { MqttConnection, QoS } from '../mqtt';
import { detectorsOf, ndjsonWriter, type RowWriter } from './export-run';
import type { FlowChunk, RunRecord } from './records';

/**
 * Publishes flagged flows (or, if asked, every verdict) back to the broker so other tools
 * see them: one message per scored batch, in the live wire format (NDJSON lines with the
 * run export's fields: time, row, device, class, score, verdict, features; a `#seq=` line
 * counting the flows published before it). Nothing is queued while the broker is away:
 * those flows count as failed, like a refused publish.
 */
export class MqttAlertPublisher {
  published = 0;
  failed = 0;
  lastProblem: string | null = null;
  private seq = 0;
  private writer: { key: string; rows: RowWriter } | null = null;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly connection: MqttConnection,
    readonly topic: string,
    private readonly options: { everyVerdict?: boolean; qos?: QoS } = {},
  ) {
    if (!topic || /[+#]/.test(topic)) throw new Error(`"${topic}" cannot be published to: a topic has no + or # wildcards`);
  }

  add(run: RunRecord, chunks: readonly FlowChunk[]): void {
    const rows = this.rowWriter(run, chunks[0]);
    for (const c of chunks) {
      let text = '';
      let n = 0;
      for (let i = 0; i < c.n; i++) {
        if (!this.options.everyVerdict && !c.verdict[i]) continue;
        text += rows.rows(c, i, i + 1);
        n++;
      }
      if (n === 0) continue;
      const payload = `#seq=${this.seq}\n${text}`;
      this.seq += n;
      if (!this.connection.connected) {
        this.fail(n, `the broker at ${this.connection.url} is not connected: ${n} verdict(s) were not published`);
        continue;
      }
      const p = this.connection.publish(this.topic, payload, this.options.qos ?? 0).then(
        () => void (this.published += n),
        (e: unknown) => this.fail(n, `publishing to ${this.topic} failed: ${(e as Error).message}`),
      );
      this.inFlight.add(p);
      void p.finally(() => this.inFlight.delete(p));
    }
  }

  /** waits for the publishes under way */
  async flush(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  private rowWriter(run: RunRecord, first: FlowChunk | undefined): RowWriter {
    const key = `${run.id}|${JSON.stringify(run.categories ?? null)}|${run.classes.length}|${run.devices.length}`;
    if (this.writer?.key !== key) this.writer = { key, rows: ndjsonWriter(run, detectorsOf(run, first)) };
    return this.writer.rows;
  }

  private fail(n: number, sentence: string): void {
    this.failed += n;
    this.lastProblem = `${sentence}.`;
  }
}
