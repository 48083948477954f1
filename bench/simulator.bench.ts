/**
 * Simulator throughput in one thread: flow rows of a scenario (default mixed-day) made as
 * columnar batches, then written as CSV text. Prints rows/s, MB/s and memory; asserts nothing.
 *   npx tsx bench/simulator.bench.ts [rows] [scenario]
 */
import { csvRows, scenarioById, SCENARIOS, Simulator } from '../src/core/sim';
import { positional, QUICK, report } from './report';

const ROWS = Number(positional[0] ?? (QUICK ? 20_000 : 2_000_000));
const SCENARIO = positional[1] ?? 'mixed-day';
const BATCH = 8192;

function run(scenario: string, rows: number): number {
  const sim = new Simulator(scenarioById(scenario), { seed: 1 });
  sim.next(BATCH); // warm up
  const t0 = performance.now();
  let done = 0;
  let peakRss = 0;
  let attacks = 0;
  while (done < rows) {
    const b = sim.next(Math.min(BATCH, rows - done));
    done += b.n;
    for (let i = 0; i < b.n; i++) if (b.classIndex[i] !== 0) attacks++;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  const s = (performance.now() - t0) / 1000;
  const mb = (rows * 39 * 4) / s / 1e6;
  console.log(
    `simulate ${scenario}: ${rows.toLocaleString()} rows (${((100 * attacks) / rows).toFixed(1)} % attack, ${sim.time.toFixed(0)} s simulated) in ${s.toFixed(2)} s = ` +
      `${Math.round(rows / s).toLocaleString()} rows/s, ${mb.toFixed(0)} MB/s of Float32 features; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
  );
  return rows / s;
}

report({ simulator_flows_per_s: Math.round(run(SCENARIO, ROWS)) });
if (positional[1] === undefined) for (const other of Object.keys(SCENARIOS)) if (other !== SCENARIO) run(other, Math.round(ROWS / 4));

// CSV text (what npm run simulate writes)
{
  const sim = new Simulator(scenarioById(SCENARIO), { seed: 1 });
  const rows = Math.round(ROWS / 10);
  const t0 = performance.now();
  let bytes = 0;
  for (let done = 0; done < rows; done += BATCH) bytes += csvRows(sim.next(Math.min(BATCH, rows - done)), sim.vocabulary.names, sim.devices).length;
  const s = (performance.now() - t0) / 1000;
  console.log(
    `csv ${SCENARIO}: ${rows.toLocaleString()} rows in ${s.toFixed(2)} s = ${Math.round(rows / s).toLocaleString()} rows/s, ${(bytes / s / 1e6).toFixed(1)} MB/s of CSV text`,
  );
}
