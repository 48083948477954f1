/**
 * Real servers for the tests, Debian's own packages: Mosquitto (MQTT, with a WebSocket
 * listener) and InfluxDB 1.x, each started on free 127.0.0.1 ports with its own temporary
 * config and data folder, and stopped by its pid.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before listening on ${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > end) throw new Error(`${what} did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface Mosquitto {
  port: number;
  wsPort: number;
  /** mqtt://127.0.0.1:<port> */
  url: string;
  /** ws://127.0.0.1:<wsPort> */
  wsUrl: string;
  /** stops the broker (its pid), keeping its ports for `start` */
  stop(): Promise<void>;
  /** starts it again on the same ports */
  start(): Promise<void>;
  /** stops it and removes its folder */
  close(): Promise<void>;
}

/** Mosquitto with a plain and a WebSocket listener; `users` switches anonymous access off */
export async function startMosquitto(options: { users?: Record<string, string> } = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'iomt-mosquitto-'));
  // started as root (CI), mosquitto drops to its own user before it reads the password file
  chmodSync(dir, 0o755);
  const port = await freePort();
  const wsPort = await freePort();
  const lines = [
    `listener ${port} 127.0.0.1`,
    'protocol mqtt',
    `listener ${wsPort} 127.0.0.1`,
    'protocol websockets',
    'persistence false',
    'log_dest none',
    'max_queued_messages 100000',
    // small messages leave at once instead of waiting on the subscriber's delayed ACK (README: "Latency")
    'set_tcp_nodelay true',
  ];
  if (options.users) {
    const file = join(dir, 'passwords');
    writeFileSync(file, '');
    for (const [user, password] of Object.entries(options.users)) execFileSync('mosquitto_passwd', ['-b', file, user, password]);
    chmodSync(file, 0o644);
    lines.push('allow_anonymous false', `password_file ${file}`);
  } else lines.push('allow_anonymous true');
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, lines.join('\n') + '\n');
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
    await waitForPort(port, child, 'mosquitto');
    await waitForPort(wsPort, child, 'mosquitto');
  };
  const stop = async () => {
    if (child) await stopChild(child);
    child = null;
  };
  try {
    await start();
  } catch (e) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    port,
    wsPort,
    url: `mqtt://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Influx {
  /** http://127.0.0.1:<port> */
  url: string;
  /** an InfluxQL query's first series values (GET /query) */
  query(db: string, q: string, auth?: { u: string; p: string }): Promise<unknown[][]>;
  close(): Promise<void>;
}

/** InfluxDB 1.x with its data in a temporary folder; `auth` switches authentication on (with that admin user made) */
export async function startInfluxd(options: { auth?: { u: string; p: string } } = {}): Promise<Influx> {
  const dir = mkdtempSync(join(tmpdir(), 'iomt-influxd-'));
  const port = await freePort();
  const rpc = await freePort();
  const config = join(dir, 'influxdb.conf');
  writeFileSync(
    config,
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpc}"`,
      '[meta]',
      `  dir = "${join(dir, 'meta')}"`,
      '[data]',
      `  dir = "${join(dir, 'data')}"`,
      `  wal-dir = "${join(dir, 'wal')}"`,
      '  query-log-enabled = false',
      '[http]',
      '  enabled = true',
      `  bind-address = "127.0.0.1:${port}"`,
      `  auth-enabled = ${options.auth ? 'true' : 'false'}`,
      '  log-enabled = false',
      '  max-body-size = 0',
      '[monitor]',
      '  store-enabled = false',
      '[continuous_queries]',
      '  enabled = false',
      '[subscriber]',
      '  enabled = false',
      '',
    ].join('\n'),
  );
  const child = spawn('influxd', ['run', '-config', config], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForPort(port, child, 'influxd');
    if (options.auth) {
      const q = `CREATE USER "${options.auth.u}" WITH PASSWORD '${options.auth.p}' WITH ALL PRIVILEGES`;
      const r = await fetch(`${url}/query`, { method: 'POST', body: new URLSearchParams({ q }) });
      if (!r.ok) throw new Error(`influxd refused the admin user: ${await r.text()}`);
    }
  } catch (e) {
    // a server that did not come up right is not left running, nor its folder behind
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    async query(db, q, auth) {
      const params = new URLSearchParams({ db, q, ...(auth ?? {}) });
      const r = await fetch(`${url}/query?${params}`);
      const json = (await r.json()) as { results: { series?: { values: unknown[][] }[]; error?: string }[] };
      if (json.results[0]?.error) throw new Error(json.results[0].error);
      return json.results[0]?.series?.[0]?.values ?? [];
    },
    close: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
