import { writeFileSync } from 'node:fs';
import { MODEL_NAMES, type ModelName } from '../core/classifiers';
import { ensureBackend } from '../core/detectors';
import { BALANCE_METHODS, compareModels, DEFAULT_DETECTORS, formatCompare, studyReportHtml, TASKS, type BalanceMethod, type Task } from '../core/study';
import { numberArg, one, UsageError } from './args';
import { dialectArg, DIALECT_OPTIONS } from './dialect-arg';
import { sourceFiles } from './files';
import { useNodeForestThreads } from './node-forest-threads';
import { runCommand } from './run-command';
import { splitArg } from './split-arg';

const USAGE = `usage: npm run compare -- --train <files or folders> [--test <files or folders>]
         [--balance none|oversample|smote|ctgan] [--task binary|multiclass|family] [--json <file>] [--report <file.html>]

Trains every model on the same split (random forest, decision tree, gradient boosting,
logistic regression, linear SVM, Gaussian naive Bayes, k-means as a clustering baseline)
with scikit-learn's default settings, with and without the chosen balancing, and prints
accuracy, balanced accuracy, macro-F1, weighted F1, per-class F1 and recall, benign
false-positive rate, fit time and prediction rows/s. On the binary task the unsupervised
detectors (${DEFAULT_DETECTORS.join(', ')}) are scored alongside. Without --test the later
30 % of each --train file's rows (per class where the file is put together class by class)
is held out: a time split, as a deployed model meets traffic that comes after its training.

options:
  --models <name>...    some of ${MODEL_NAMES.join(', ')}
  --max-rows <n>        rows read per side at most (default 100000; a uniform sample past that)
  --split time|random   without --test: later rows of each file (default) or a seeded random share
  --ctgan-epochs <n>    CTGAN training epochs   --seed <n>   --test-fraction <0-1>
  --dialect <id> | --label-column <name> [--benign <value>...]`;

const OPTIONS = {
  train: 'many',
  test: 'many',
  balance: 'one',
  task: 'one',
  json: 'one',
  report: 'one',
  models: 'many',
  'max-rows': 'one',
  'ctgan-epochs': 'one',
  seed: 'one',
  'test-fraction': 'one',
  split: 'one',
  ...DIALECT_OPTIONS,
} as const;

useNodeForestThreads();
runCommand(USAGE, OPTIONS, async (args) => {
  if (!args.get('train')) throw new UsageError('give --train files');
  const balance = (one(args, 'balance') ?? 'none') as BalanceMethod;
  if (!BALANCE_METHODS.includes(balance)) throw new UsageError(`--balance must be one of ${BALANCE_METHODS.join(', ')}`);
  const task = (one(args, 'task') ?? 'multiclass') as Task;
  if (!TASKS.includes(task)) throw new UsageError(`--task must be one of ${TASKS.join(', ')}`);
  const models = args.get('models') as ModelName[] | undefined;
  for (const m of models ?? []) if (!MODEL_NAMES.includes(m)) throw new UsageError(`--models takes ${MODEL_NAMES.join(', ')}, not "${m}"`);

  await ensureBackend('wasm');
  let lastLine = '';
  const result = await compareModels({
    train: sourceFiles(args.get('train')!),
    test: args.get('test') && sourceFiles(args.get('test')!),
    task,
    balance,
    models,
    seed: numberArg(args, 'seed', Number.isInteger, 'a whole number') ?? 0,
    maxRows: numberArg(args, 'max-rows', (v) => Number.isInteger(v) && v > 10, 'a whole number above 10'),
    split: splitArg(args),
    testFraction: numberArg(args, 'test-fraction', (v) => v > 0 && v < 1, 'between 0 and 1'),
    ctganEpochs: numberArg(args, 'ctgan-epochs', (v) => Number.isInteger(v) && v > 0, 'a whole number above 0'),
    dialect: dialectArg(args),
    onProgress: (p) => {
      const line = `${p.stage}${p.model ? ` ${p.model}` : ''} (${p.done}/${p.total})`;
      if (line !== lastLine && process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(60)}`);
      lastLine = line;
    },
  });
  if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(62) + '\r');
  console.log(formatCompare(result));
  const json = one(args, 'json');
  if (json) writeFileSync(json, JSON.stringify(result, null, 2));
  const report = one(args, 'report');
  if (report) {
    writeFileSync(report, studyReportHtml(result));
    console.log(`\nwrote the report to ${report}`);
  }
  return 0;
});
