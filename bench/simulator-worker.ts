/**
 * The simulator inside a Web Worker of headless Chromium, as the lab's source worker runs
 * it for soak and speed tests: the core's simulator is bundled (esbuild) into a
 * worker on a blank page, which makes flows as fast as it can for a few seconds and
 * transfers each batch to the page, as the source worker does. Prints flows/s; asserts
 * nothing.
 *   npx tsx bench/simulator-worker.ts [seconds] [scenario]
 */
import { build } from 'esbuild';
import { chromium } from '@playwright/test';

const SECONDS = Number(process.argv[2] ?? 10);
const SCENARIO = process.argv[3] ?? 'mixed-day';
const BATCH = 8192;

const entry = `
import { SCENARIOS, Simulator } from './src/core/sim';
onmessage = ({ data: { scenario, seconds, batch } }) => {
  const sim = new Simulator(SCENARIOS[scenario], { seed: 1 });
  sim.next(batch); // warm up
  const t0 = performance.now();
  let rows = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const b = sim.next(batch);
    rows += b.n;
    postMessage({ type: 'batch', n: b.n, data: b.data }, [b.data.buffer]);
  }
  postMessage({ type: 'done', rows, ms: performance.now() - t0, simulatedSeconds: sim.time });
};`;

const bundle = await build({
  stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' },
  bundle: true,
  format: 'iife',
  write: false,
  target: 'es2022',
});
const code = bundle.outputFiles[0].text;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const page = await browser.newPage();
const result = await page.evaluate(
  ({ code, scenario, seconds, batch }) =>
    new Promise<{ rows: number; ms: number; simulatedSeconds: number; received: number }>((resolve, reject) => {
      const worker = new Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
      let received = 0;
      worker.onerror = (e) => reject(new Error(e.message));
      worker.onmessage = ({ data }) => {
        if (data.type === 'batch') received += data.n;
        else resolve({ ...data, received });
      };
      worker.postMessage({ scenario, seconds, batch });
    }),
  { code, scenario: SCENARIO, seconds: SECONDS, batch: BATCH },
);
await browser.close();
console.log(
  `simulator in a Chromium worker (${browser.version()}), ${SCENARIO}, batches of ${BATCH} transferred to the page: ` +
    `${result.rows.toLocaleString('en')} flows in ${(result.ms / 1000).toFixed(1)} s = ${Math.round((result.rows / result.ms) * 1000).toLocaleString('en')} flows/s ` +
    `(${result.simulatedSeconds.toFixed(0)} s of simulated time; page received ${result.received.toLocaleString('en')})`,
);
