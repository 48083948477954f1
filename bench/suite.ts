/**
 * The benchmarks `npm run bench` runs, each a script of this folder run in its own Node
 * process (so one's WebAssembly heap or JIT state does not colour the next) that reports
 * its headline figures through `report()` (bench/report.ts).
 *
 * To add one: write `bench/<thing>.bench.ts` that prints its figures, honours `--quick`
 * (tiny sizes) and ends with `report({ <key>: value })`; then add an entry here naming
 * the keys it reports. A key listed in PENDING appears as null with its reason until an
 * entry reports it.
 */
export interface BenchEntry {
  /** what `--only` selects it by */
  name: string;
  script: string;
  args: string[];
  /** the figures it reports, with their units for the table */
  keys: Record<string, string>;
  about: string;
}

export const SUITE: readonly BenchEntry[] = [
  {
    name: 'iforest',
    script: 'isolation-forest.bench.ts',
    args: [],
    keys: { iforest_score_rows_per_s: 'rows/s', iforest_fit_ms: 'ms' },
    about: 'isolation forest, 100 trees (depth 8), 100k × 39, one thread',
  },
  {
    name: 'ae',
    script: 'autoencoder.bench.ts',
    args: ['--dense'],
    keys: { ae_score_rows_per_s: 'rows/s', ae_score_cpu_rows_per_s: 'rows/CPU-s', ae_train_rows_per_s: 'rows/s' },
    about: 'dense autoencoder [32, 16], 100k × 39, TensorFlow.js WASM backend',
  },
  {
    name: 'ingest',
    script: 'ingest.bench.ts',
    args: [],
    keys: { csv_ingest_rows_per_s: 'rows/s' },
    about: 'CSV reader, newer CICIoMT2024 rows × 39, 500k rows from memory',
  },
  {
    name: 'pcap',
    script: 'pcap.bench.ts',
    args: [],
    keys: { pcap_packets_per_s: 'packets/s', pcap_vs_tshark: '× tshark', pcap_rss_growth_mb: 'MB' },
    about:
      'packet capture parse + windowed feature extraction, 2M simulated packets from a file; tshark to fields on the same file; RSS growth after the first tenth',
  },
  {
    name: 'simulator',
    script: 'simulator.bench.ts',
    args: [],
    keys: { simulator_flows_per_s: 'flows/s' },
    about: 'simulated hospital network, mixed-day, 2M flows, one thread',
  },
  {
    name: 'forest',
    script: 'random-forest.bench.ts',
    args: [],
    keys: { rf_fit_s: 's', rf_fit_cpu_s: 'CPU-s', forest_predict_rows_per_s: 'rows/s', forest_predict_cpu_rows_per_s: 'rows/CPU-s' },
    about: "random forest, 100 trees, 100k × 39, 19 classes; fit on every core (rf_fit_cpu_s: all threads' CPU), predict on one thread",
  },
  {
    name: 'knn',
    script: 'knn.bench.ts',
    args: [],
    keys: { knn_score_rows_per_s: 'rows/CPU-s' },
    about: 'k nearest neighbours (k = 5, ≤ 5,000 benign reference rows), every row of the BoT-IoT, Wi-Fi/MQTT and newer CICIoMT2024 samples, one thread',
  },
  {
    name: 'ctgan',
    script: 'ctgan.bench.ts',
    args: ['2'],
    keys: { ctgan_step_ms: 'ms' },
    about: 'CTGAN generator step, 10k × 39, default networks, batch 500',
  },
  {
    name: 'lab',
    script: 'replay-browser.ts',
    args: ['--skip', 'b,c,d,e,f,g'],
    keys: { lab_flows_per_s: 'flows/s', lab_cpu_us_per_flow: 'µs/flow' },
    about: 'built site in headless Chromium: 2M-row CSV dropped, max rate, AE + forest, every flow stored',
  },
  {
    name: 'lab-pcap',
    script: 'replay-browser.ts',
    args: ['--skip', 'a,b,c,d,e,f'],
    keys: { lab_pcap_packets_per_s: 'packets/s', lab_pcap_flows_per_s: 'flows/s' },
    about: 'built site in headless Chromium: a 1 GB capture (simulated packets) dropped on Live, max rate, AE + forest, every flow stored',
  },
  {
    name: 'live',
    script: 'live-feed.bench.ts',
    args: [],
    keys: {
      monitor_flows_per_s: 'flows/s',
      monitor_cpu_flows_per_s: 'flows/CPU-s',
      monitor_binary_flows_per_s: 'flows/s',
      monitor_binary_cpu_flows_per_s: 'flows/CPU-s',
      influx_points_per_s: 'points/s',
      influx_feature_points_per_s: 'points/s',
    },
    about:
      "npm run monitor fed 400k flows through mosquitto (isolation forest) in CSV and in binary messages (flows/s, and flows per second of the monitor's CPU); InfluxDB sink into influxd 1.x: verdict points (default) and with every feature",
  },
  {
    name: 'live-lab',
    script: 'replay-browser.ts',
    args: ['--skip', 'a,b,c,d,g'],
    keys: { mqtt_lab_flows_per_s: 'flows/s', mqtt_publish_to_stored_p99_ms: 'ms' },
    about:
      'built site in headless Chromium subscribed to mosquitto over WebSocket: npm run sensor at max (binary form deflated, messages ≤ 4,000 bytes) → stored verdicts; 1,000 flows/s publish → stored p99 (page arrival → stored + broker hop)',
  },
];

/** figures promised by the bench command whose benchmark does not exist yet */
export const PENDING: Readonly<Record<string, string>> = {};
