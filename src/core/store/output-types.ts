import type { ConnectionState, QoS } from '../mqtt';

/*
 * A run's outputs besides the store, as plain data: what a page asks for (it crosses to the
 * detect worker) and what it is shown. The classes that do the work are RunOutputs,
 * InfluxSink and MqttAlertPublisher.
 */

/** Where scored flows go: an InfluxDB 1.x database or a 2.x/3.x bucket. */
export interface InfluxTarget {
  /**
   * 1.x: `http://host:8086/write?db=iomt` (or just `http://host:8086?db=iomt`);
   * 2.x/3.x: `http://host:8086/api/v2/write?org=lab&bucket=iomt`
   */
  url: string;
  /** 2.x/3.x API token (or a 1.x `user:password` given as a token by a 1.8 compatibility endpoint) */
  token?: string;
  /** 1.x user name and password (HTTP basic authentication) */
  username?: string;
  password?: string;
}

/** an InfluxDB sink's counters, as a page shows them */
export interface InfluxStatus {
  /** where points go (no credentials) */
  url: string;
  written: number;
  failed: number;
  pending: number;
  /** the newest failure as one sentence */
  problem: string | null;
}

/** Where a run's verdicts go besides the lab's store, as plain data (it crosses to the detect worker). */
export interface OutputsSpec {
  /** publish flagged flows (or every verdict) to a broker topic, in the live wire format */
  alerts?: {
    /** mqtt://, ws:// … (a page can only reach ws:// and wss://) */
    url: string;
    username?: string;
    password?: string;
    topic: string;
    everyVerdict?: boolean;
    qos?: QoS;
  };
  /** write every verdict to InfluxDB 1.x or 2.x/3.x */
  influx?: InfluxTarget & {
    /** every feature as a field too (default: the verdict only) */
    features?: boolean;
    /** the same tags on every point (`monitor=<name>`) */
    tags?: Record<string, string>;
  };
}

/** What became of a run's verdicts outside the store, as the Live view and the monitor show it. */
export interface OutputsStatus {
  alerts?: { topic: string; published: number; failed: number; problem: string | null; connection: ConnectionState['state'] };
  influx?: InfluxStatus;
}
