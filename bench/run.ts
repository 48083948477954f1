/**
 * `npm run bench`: runs the benchmarks of SUITE (bench/suite.ts), each in its own Node
 * process, prints their output and then one table of headline figures. Figures only: the
 * exit status says whether every benchmark ran, never how fast.
 *
 *   npm run bench [-- --only iforest,ae] [--json figures.json] [--quick] [--list]
 *
 * --only    entry names (comma- or space-separated) to run; the other figures are null
 * --json    writes one object: every figure key (null when not measured) plus `meta`
 *           (date, machine, Node, load average, command, the reason for every null)
 * --quick   tiny sizes, to check that the command and the scripts work; figures meaningless
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figures } from './report';
import { PENDING, SUITE, type BenchEntry } from './suite';

export interface BenchArgs {
  only: string[] | null;
  json: string | null;
  quick: boolean;
  list: boolean;
}

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = { only: null, json: null, quick: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--list') args.list = true;
    else if (a === '--json') {
      const file = argv[++i];
      if (!file || file.startsWith('--')) throw new Error('--json needs a file name');
      args.json = file;
    } else if (a === '--only') {
      const names: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) names.push(...argv[++i].split(',').filter(Boolean));
      if (names.length === 0) throw new Error(`--only needs benchmark names: ${SUITE.map((e) => e.name).join(', ')}`);
      args.only = names;
    } else throw new Error(`unknown argument "${a}" (expected --only, --json, --quick or --list)`);
  }
  return args;
}

/** the entries `--only` names (by entry name or by one of its figure keys), in suite order */
export function selectEntries(only: readonly string[] | null): BenchEntry[] {
  if (!only) return [...SUITE];
  const unknown = only.filter((n) => !SUITE.some((e) => e.name === n || n in e.keys) && !(n in PENDING));
  if (unknown.length) throw new Error(`no benchmark named ${unknown.join(', ')}; the benchmarks are ${SUITE.map((e) => e.name).join(', ')}`);
  return SUITE.filter((e) => only.some((n) => e.name === n || n in e.keys));
}

/** every figure key of the suite and of PENDING, in that order, set to null */
export function emptyFigures(): Figures {
  const out: Figures = {};
  for (const e of SUITE) for (const k of Object.keys(e.keys)) out[k] = null;
  for (const k of Object.keys(PENDING)) out[k] = null;
  return out;
}

interface Outcome {
  figures: Figures;
  seconds: number;
  error: string | null;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));

/** runs one entry's script in its own Node process, its output indented under a heading */
function runEntry(entry: BenchEntry, quick: boolean, scratch: string): Promise<Outcome> {
  const reportFile = join(scratch, `${entry.name}.json`);
  const args = ['--import', 'tsx', join(HERE, entry.script), ...entry.args, '--report', reportFile, ...(quick ? ['--quick'] : [])];
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: resolve(HERE, '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    const indent = (chunk: Buffer) => process.stdout.write(chunk.toString().replace(/^(?=.)/gm, '  │ '));
    child.stdout.on('data', indent);
    child.stderr.on('data', indent);
    child.on('error', (e) => done({ figures: {}, seconds: 0, error: e.message }));
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      let figures: Figures = {};
      try {
        figures = JSON.parse(readFileSync(reportFile, 'utf8')) as Figures;
      } catch {
        /* no report: the error below says why */
      }
      const error = code === 0 ? null : `exited with ${signal ?? `status ${code}`}`;
      done({ figures, seconds, error: error ?? (Object.keys(figures).length ? null : 'reported no figures') });
    });
  });
}

const fmt = (v: number | null) => (v === null ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: v < 100 ? 2 : 0 }));

async function main(argv: string[]): Promise<number> {
  let args: BenchArgs;
  let entries: BenchEntry[];
  try {
    args = parseBenchArgs(argv);
    entries = selectEntries(args.only);
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (args.list) {
    for (const e of SUITE) console.log(`${e.name.padEnd(10)} ${Object.keys(e.keys).join(', ').padEnd(48)} ${e.about}`);
    for (const [k, why] of Object.entries(PENDING)) console.log(`${'–'.padEnd(10)} ${k.padEnd(48)} ${why}`);
    return 0;
  }
  const load0 = loadavg()[0];
  console.log(
    `npm run bench: ${entries.map((e) => e.name).join(', ')}${args.quick ? ' (quick: tiny sizes, figures meaningless)' : ''}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${load0.toFixed(1)}`,
  );
  const figures = emptyFigures();
  const notes: Record<string, string> = { ...PENDING };
  const seconds: Record<string, number> = {};
  const units: Record<string, string> = {};
  const scratch = mkdtempSync(join(tmpdir(), 'iomt-bench-'));
  let failed = 0;
  try {
    for (const entry of entries) {
      console.log(`\n${entry.name}: ${entry.about}`);
      const outcome = await runEntry(entry, args.quick, scratch);
      seconds[entry.name] = Number(outcome.seconds.toFixed(1));
      if (outcome.error) {
        failed++;
        console.log(`  ✗ ${entry.name} ${outcome.error}`);
      }
      for (const [key, unit] of Object.entries(entry.keys)) {
        units[key] = unit;
        const v = outcome.figures[key];
        figures[key] = typeof v === 'number' && Number.isFinite(v) ? v : null;
        if (figures[key] === null) notes[key] = outcome.error ? `${entry.name} ${outcome.error}` : `${entry.name} could not measure it (see its output)`;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const ran = new Set(entries.flatMap((e) => Object.keys(e.keys)));
  for (const e of SUITE) for (const k of Object.keys(e.keys)) if (!ran.has(k)) notes[k] = 'not run (--only)';

  const width = Math.max(28, ...Object.keys(figures).map((k) => k.length));
  console.log(`\n${'figure'.padEnd(width)} ${'value'.padStart(14)}  unit`);
  for (const [key, value] of Object.entries(figures))
    console.log(`${key.padEnd(width)} ${fmt(value).padStart(14)}  ${units[key] ?? ''}${value === null ? `  (${notes[key]})` : ''}`);
  const load1 = loadavg()[0];
  console.log(`load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end, on ${cpus().length} cores: figures on a busy machine are low`);

  if (args.json) {
    const meta = {
      date: new Date().toISOString(),
      command: `npm run bench -- ${argv.join(' ')}`.trim(),
      machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gib: Number((totalmem() / 2 ** 30).toFixed(1)) },
      node: process.version,
      load_average: { start: Number(load0.toFixed(2)), end: Number(load1.toFixed(2)) },
      quick: args.quick,
      seconds,
      units,
      notes,
    };
    writeFileSync(args.json, JSON.stringify({ ...figures, meta }, null, 2) + '\n');
    console.log(`wrote ${args.json}`);
  }
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) process.exitCode = await main(process.argv.slice(2));
