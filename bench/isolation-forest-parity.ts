/**
 * The lab's isolation forest against scikit-learn's on identical preprocessed data:
 * benign rows of a seeded 70 % train both (original-system preset, five seeds), the other
 * 30 % is scored. Needs python3 with scikit-learn for the second line; prints only.
 *   npx tsx bench/isolation-forest-parity.ts <csv file or folder> [column to exclude]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceFiles } from '../src/cli/files';
import { DatasetReader } from '../src/core/ingest';
import { Preprocessor } from '../src/core/features';
import { IsolationForest, ORIGINAL_SYSTEM_PRESET } from '../src/core/detectors';
import { rocAuc } from '../src/core/metrics';
import { isTestRow } from '../src/core/pipeline';
const file = process.argv[2];
const exclude = process.argv[3] ? { [process.argv[3]]: 'x' } : {};
const r = new DatasetReader(sourceFiles([file]));
const tr: number[][] = [],
  te: number[][] = [],
  y: number[] = [];
for await (const b of r.batches())
  for (let i = 0; i < b.n; i++) {
    const row = Array.from(b.data.subarray(i * b.d, (i + 1) * b.d));
    if (isTestRow(b.fileIndex[i], b.rowNumber[i], 0, 0.3)) {
      te.push(row);
      y.push(r.classes.isBenign(b.classIndex[i]) ? 0 : 1);
    } else if (r.classes.isBenign(b.classIndex[i])) tr.push(row);
  }
const m = (rows: number[][]) => ({ n: rows.length, d: rows[0].length, data: Float32Array.from(rows.flat()) });
const p = new Preprocessor({ scaling: 'standard', log: 'auto', clip: 10, categorical: 'ordinal', exclude }).fit(m(tr), r.schema!);
const Xtr = p.transform(m(tr), r.schema!),
  Xte = p.transform(m(te), r.schema!);
const dump = (x: { n: number; d: number; data: Float32Array }, f: string) =>
  writeFileSync(f, Array.from({ length: x.n }, (_, i) => Array.from(x.data.subarray(i * x.d, (i + 1) * x.d)).join(',')).join('\n'));
const dir = mkdtempSync(join(tmpdir(), 'parity-'));
dump(Xtr, join(dir, 'xtr.csv'));
dump(Xte, join(dir, 'xte.csv'));
writeFileSync(join(dir, 'yte.csv'), y.join('\n'));
const aucs = [];
for (const seed of [0, 1, 2, 3, 4]) {
  const f = new IsolationForest({ ...ORIGINAL_SYSTEM_PRESET, random_state: seed });
  await f.fit(Xtr);
  aucs.push(rocAuc(await f.score(Xte), y));
}
console.log('lab iforest AUC', aucs.map((a) => a.toFixed(4)).join(' '), 'mean', (aucs.reduce((a, b) => a + b) / aucs.length).toFixed(4));

const SKLEARN = `import numpy as np
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
Xtr=np.loadtxt('/tmp/xtr.csv',delimiter=',',ndmin=2).astype(np.float32); Xte=np.loadtxt('/tmp/xte.csv',delimiter=',',ndmin=2).astype(np.float32); y=np.loadtxt('/tmp/yte.csv')
a=[roc_auc_score(y,-IsolationForest(n_estimators=100,max_samples='auto',max_features=0.8,contamination=0.1,random_state=s).fit(Xtr).score_samples(Xte)) for s in range(5)]
print('sklearn iforest AUC',' '.join('%.4f'%v for v in a),'mean %.4f'%np.mean(a))
`;
const py = spawnSync('python3', ['-c', SKLEARN.replaceAll('/tmp/', dir + '/')], { encoding: 'utf8' });
console.log(py.status === 0 ? py.stdout.trim() : `scikit-learn not run: ${py.stderr.trim().split('\n').pop()}`);
