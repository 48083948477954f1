import { MqttConnection, topicMatches } from '../mqtt';
import { InfluxSink, writeEndpoint } from './influx-sink';
import { MqttAlertPublisher } from './mqtt-alerts';
import type { OutputsSpec, OutputsStatus } from './output-types';
import type { FlowChunk, RunRecord } from './records';

/** where scored chunks go besides the store, with their run (the alert publisher, the InfluxDB sink) */
export type ChunkSink = (run: RunRecord, chunks: readonly FlowChunk[]) => void;

/**
 * Throws one sentence when the outputs cannot work: an InfluxDB address that is not one,
 * an alert topic with wildcards, or alerts published inside `feedTopic`, the filter the
 * run's own flows arrive on (they would come back as flows, be flagged and published
 * again without end). Cheap: a page checks before it connects to anything.
 */
export function checkOutputs(spec: OutputsSpec, feedTopic?: string): void {
  const a = spec.alerts;
  if (a) {
    if (!a.topic || /[+#]/.test(a.topic)) throw new Error(`Alerts cannot be published to "${a.topic}": name one topic, without + or # wildcards.`);
    const feed = feedTopic?.replace(/^\$share\/[^/]+\//, '');
    if (feed && topicMatches(feed, a.topic))
      throw new Error(`Alerts published to ${a.topic} would arrive again on the feed ${feed} and be scored as flows: publish them to another topic.`);
  }
  if (spec.influx) writeEndpoint(spec.influx);
}

/**
 * A run's outputs besides the store: an alert publisher on its own broker connection and
 * an InfluxDB sink. `open` checks the addresses and connects, or fails with one sentence
 * before the run starts; afterwards every failure is counted and kept as a sentence in
 * `status()`. `close` sends what waits and returns the final counts.
 */
export class RunOutputs {
  private constructor(
    private readonly connection: MqttConnection | null,
    private readonly alerts: MqttAlertPublisher | null,
    private readonly influx: InfluxSink | null,
  ) {}

  /**
   * `feedTopic`: the filter the run's own flows arrive on; alerts published inside it
   * would come back as flows, be flagged and published again without end, so they are refused.
   */
  static async open(spec: OutputsSpec, options: { feedTopic?: string; onProblem?: (sentence: string) => void } = {}): Promise<RunOutputs> {
    checkOutputs(spec, options.feedTopic);
    const a = spec.alerts;
    const { features, tags, ...target } = spec.influx ?? { url: '' };
    const influx = spec.influx ? new InfluxSink(target, { features, tags, onProblem: options.onProblem }) : null;
    const connection = a ? new MqttConnection({ url: a.url, username: a.username, password: a.password }) : null;
    try {
      const alerts = a ? new MqttAlertPublisher(connection!, a.topic, { everyVerdict: a.everyVerdict, qos: a.qos }) : null;
      await connection?.connect();
      return new RunOutputs(connection, alerts, influx);
    } catch (e) {
      await Promise.all([connection?.end(), influx?.close(0)]);
      throw e;
    }
  }

  /** hands scored chunks to every output */
  readonly sink: ChunkSink = (run: RunRecord, chunks: readonly FlowChunk[]) => {
    this.alerts?.add(run, chunks);
    this.influx?.add(run, chunks);
  };

  status(): OutputsStatus {
    const a = this.alerts;
    return {
      ...(a && {
        alerts: { topic: a.topic, published: a.published, failed: a.failed, problem: a.lastProblem, connection: this.connection!.state.state },
      }),
      ...(this.influx && { influx: this.influx.status() }),
    };
  }

  /** sends what waits (InfluxDB tries for at most `timeoutMs` more), closes, and returns the final counts */
  async close(timeoutMs?: number): Promise<OutputsStatus> {
    await Promise.all([this.influx?.close(timeoutMs), this.alerts?.flush()]);
    await this.connection?.end();
    return this.status();
  }
}
