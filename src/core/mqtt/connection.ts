import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** What a user sees of a broker connection, always (the Live view's badge, the monitor's status line). */
export type ConnectionState =
  | { state: 'connecting'; url: string }
  | { state: 'live'; url: string }
  /** lost after it was live: trying again after `inMs` (back-off doubling up to a ceiling) */
  | { state: 'reconnecting'; url: string; attempt: number; inMs: number; reason: string }
  /** for good: refused at the start, or closed by the user; `reason` is one sentence */
  | { state: 'closed'; url: string; reason: string };

export type QoS = 0 | 1 | 2;

export interface MqttConnectionOptions {
  /** mqtt://, mqtts://, ws:// or wss:// with host and port; a user name and password typed into it (`mqtt://user:secret@host`) are used where `username`/`password` are not given */
  url: string;
  username?: string;
  password?: string;
  clientId?: string;
  /** ms before a connection attempt counts as failed */
  connectTimeoutMs?: number;
  /** back-off after a dropped connection: first wait, doubling up to the ceiling */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  onState?: (s: ConnectionState) => void;
}

const SCHEMES = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:'];

/**
 * The URL checked and as the client wants it, or a one-sentence error. The password is
 * never part of the URL kept: `brokerCredentials` reads a user name and password typed
 * into it (`mqtt://user:secret@host`).
 */
export function brokerUrl(text: string, allowed = SCHEMES): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`"${text}" is not a broker address: write it like ${allowed.includes('mqtt:') ? 'mqtt://localhost:1883' : 'ws://localhost:9001'}`);
  }
  if (!allowed.includes(url.protocol)) throw new Error(`a broker address starts with ${allowed.map((s) => s + '//').join(', ')}, not ${url.protocol}//`);
  if (!url.hostname) throw new Error(`the broker address "${text}" names no host`);
  url.username = '';
  url.password = '';
  return url;
}

/** the user name and password typed into a broker address (percent-decoded), if any */
export function brokerCredentials(text: string): { username?: string; password?: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return {};
  }
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return { ...(url.username && { username: decode(url.username) }), ...(url.password && { password: decode(url.password) }) };
}

/** A connection failure as one sentence (Node error codes, MQTT CONNACK reason codes, opaque WebSocket errors). */
export function describeMqttError(e: unknown, url: string): string {
  const err = e as { code?: string | number; message?: string };
  const code = err?.code;
  if (code === 'ECONNREFUSED') return `Nothing accepts connections at ${url} (is the broker running on that port?).`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `There is no host ${new URL(url).hostname} (${url}).`;
  if (code === 'ECONNRESET' || code === 'EPIPE') return `The broker at ${url} closed the connection.`;
  if (code === 'NEVER_CONNECTED')
    return /^ws/.test(url)
      ? `Could not reach a broker WebSocket listener at ${url}: nothing answered there, or it closed the connection before MQTT began (is the address and port of the broker's WebSocket listener right?).`
      : `The connection to ${url} closed before MQTT began (is it a broker's address and port?).`;
  if (code === 4 || code === 134) return `The broker at ${url} refused the user name or password.`;
  if (code === 5 || code === 135) return `The broker at ${url} refused: not authorised (a wrong user name or password, or none where one is needed).`;
  if (typeof code === 'number') return `The broker at ${url} refused the connection: ${err.message?.replace(/^Connection refused: /, '') ?? `reason ${code}`}.`;
  const message = err?.message ?? String(e);
  if (/timeout/i.test(message)) return `The broker at ${url} did not answer in time.`;
  if (/websocket/i.test(message) || /^ws/.test(url)) return `Could not reach a broker WebSocket listener at ${url}: ${message}.`;
  return `The connection to ${url} failed: ${message}.`;
}

/**
 * One MQTT connection (MQTT.js, in Node and in browsers over WebSocket) with the states a
 * user needs to see. The first connection either succeeds or fails with one sentence
 * (refused, wrong credentials, nothing there); once live, a dropped connection is tried
 * again by itself with a doubling back-off, and subscriptions are renewed.
 */
export class MqttConnection {
  readonly url: string;
  private client: MqttClient | null = null;
  private current: ConnectionState;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ending = false;
  private lastError: unknown = null;
  private readonly listeners: ((topic: string, payload: Uint8Array) => void)[] = [];
  private readonly subscriptions = new Map<string, QoS>();

  private readonly username: string | undefined;
  private readonly password: string | undefined;

  constructor(private readonly options: MqttConnectionOptions) {
    this.url = brokerUrl(options.url).href.replace(/\/$/, '');
    // typed into the address: used when no separate user name or password was given, and kept nowhere else
    const typed = brokerCredentials(options.url);
    this.username = options.username || typed.username;
    this.password = options.password || typed.password;
    this.current = { state: 'connecting', url: this.url };
  }

  get state(): ConnectionState {
    return this.current;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** connects; rejects with one sentence when the broker cannot be reached or refuses */
  connect(): Promise<void> {
    this.set({ state: 'connecting', url: this.url });
    const options: IClientOptions = {
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 0,
      // renewed here after each reconnect (MQTT.js forgets them when it does not reconnect by itself)
      resubscribe: false,
      // nothing piles up while the broker is away: a publish then fails and is counted
      queueQoSZero: false,
      connectTimeout: this.options.connectTimeoutMs ?? 10_000,
      clientId: this.options.clientId ?? `iomt-lab-${Math.random().toString(36).slice(2, 10)}`,
      ...(this.username ? { username: this.username } : {}),
      ...(this.password ? { password: this.password } : {}),
    };
    const client = mqtt.connect(this.url, options);
    this.client = client;
    client.on('message', (topic, payload) => {
      for (const l of this.listeners) l(topic, payload);
    });
    client.on('error', (e) => (this.lastError = e));
    client.on('disconnect', (packet) => (this.lastError = { code: packet.reasonCode, message: `the broker disconnected (reason ${packet.reasonCode ?? 0})` }));
    return new Promise<void>((resolve, reject) => {
      let first = true;
      client.on('connect', () => {
        sendAtOnce(client);
        this.attempt = 0;
        this.lastError = null;
        if (first) {
          first = false;
          this.set({ state: 'live', url: this.url });
          resolve();
          return;
        }
        // live again once the subscriptions are renewed
        Promise.all([...this.subscriptions].map(([filter, qos]) => this.subscribeNow(filter, qos))).then(
          () => this.set({ state: 'live', url: this.url }),
          (e: unknown) => void this.end((e as Error).message),
        );
      });
      client.on('close', () => {
        if (this.ending) return;
        // a browser's WebSocket says nothing about why it failed: closed before it ever connected is all it knows
        const reason = describeMqttError(this.lastError ?? { code: first ? 'NEVER_CONNECTED' : 'ECONNRESET' }, this.url);
        if (first) {
          first = false;
          this.ending = true;
          client.end(true);
          this.set({ state: 'closed', url: this.url, reason });
          reject(new Error(reason));
          return;
        }
        // credentials refused on a reconnect: trying again changes nothing
        if (typeof (this.lastError as { code?: unknown })?.code === 'number' && [4, 5, 134, 135].includes((this.lastError as { code: number }).code)) {
          this.ending = true;
          client.end(true);
          this.set({ state: 'closed', url: this.url, reason });
          return;
        }
        this.scheduleReconnect(reason);
      });
    });
  }

  /** calls `listener` for every message on the connection's subscriptions */
  onMessage(listener: (topic: string, payload: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** subscribes (renewed after every reconnect); rejects with one sentence if the broker refuses */
  async subscribe(filter: string, qos: QoS): Promise<void> {
    await this.subscribeNow(filter, qos);
    this.subscriptions.set(filter, qos);
  }

  private async subscribeNow(filter: string, qos: QoS): Promise<void> {
    const client = this.live();
    const granted = await client.subscribeAsync(filter, { qos });
    const refused = granted.find((g) => g.qos > 2);
    if (refused) throw new Error(`The broker at ${this.url} refused the subscription to ${filter} (reason ${refused.qos}).`);
  }

  /** publishes; resolves once sent (QoS 0) or acknowledged (QoS 1, 2) */
  async publish(topic: string, payload: string | Uint8Array, qos: QoS = 0): Promise<void> {
    await this.live().publishAsync(topic, payload as Buffer, { qos });
  }

  /** closes for good (waits for what is in flight to be sent) */
  async end(reason = 'closed'): Promise<void> {
    this.ending = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    if (client) await client.endAsync(!client.connected).catch(() => undefined);
    this.set({ state: 'closed', url: this.url, reason });
  }

  private live(): MqttClient {
    if (!this.client) throw new Error('connect first');
    return this.client;
  }

  private scheduleReconnect(reason: string): void {
    if (this.timer !== null) return;
    const min = this.options.minBackoffMs ?? 500;
    const max = this.options.maxBackoffMs ?? 30_000;
    const inMs = Math.min(max, min * 2 ** this.attempt);
    this.attempt++;
    this.set({ state: 'reconnecting', url: this.url, attempt: this.attempt, inMs, reason });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.ending || !this.client) return;
      this.lastError = null;
      this.client.reconnect();
    }, inMs);
  }

  private set(s: ConnectionState): void {
    this.current = s;
    this.options.onState?.(s);
  }
}

/**
 * Nagle's algorithm off on a TCP connection (mqtt://, mqtts://): a small message then leaves at
 * once instead of waiting for the last one's acknowledgement, which the receiver may hold back
 * for up to 40 ms (its delayed ACK). A feed of a message every few ms otherwise waited tens of ms
 * at each hop. Over WebSocket the socket library (ws, the browser) has done this already.
 */
function sendAtOnce(client: MqttClient): void {
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
}
