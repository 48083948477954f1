import { overlap, type ClassInfo, type ColumnKind, type Dialect } from './dialect';

/** The UNSW "entire dataset" layout, 35 columns. */
const FULL_LAYOUT = [
  'pkSeqID',
  'stime',
  'flgs',
  'proto',
  'saddr',
  'sport',
  'daddr',
  'dport',
  'pkts',
  'bytes',
  'state',
  'ltime',
  'seq',
  'dur',
  'mean',
  'stddev',
  'smac',
  'dmac',
  'sum',
  'min',
  'max',
  'soui',
  'doui',
  'sco',
  'dco',
  'spkts',
  'dpkts',
  'sbytes',
  'dbytes',
  'rate',
  'srate',
  'drate',
  'attack',
  'category',
  'subcategory',
];

const CATEGORICAL = ['flgs', 'proto', 'state'];
/** Identifiers, addresses, times and labels: never features. */
const NOT_FEATURES = new Set([
  'pkSeqID',
  'stime',
  'ltime',
  'saddr',
  'daddr',
  'sport',
  'dport',
  'smac',
  'dmac',
  'soui',
  'doui',
  'sco',
  'dco',
  'attack',
  'category',
  'subcategory',
  'seq',
]);

const CLASSES = ['Normal', 'DDoS', 'DoS', 'Reconnaissance', 'Theft'];

function category(className: string): ClassInfo {
  if (/^normal$/i.test(className) || /benign/i.test(className)) return { benign: true, family: 'Benign' };
  const family = className.split('-')[0];
  const known = CLASSES.find((c) => c.toLowerCase() === family.toLowerCase());
  return { benign: false, family: known === 'Reconnaissance' ? 'Recon' : (known ?? family) };
}

export const botiot: Dialect = {
  id: 'botiot',
  name: 'BoT-IoT (UNSW, Argus flows)',
  detect: (header) => {
    if (!header.includes('category') && !header.includes('attack')) return 0;
    const distinctive = ['flgs', 'proto', 'pkts', 'bytes', 'dur', 'mean', 'stddev', 'sum', 'min', 'max', 'rate'];
    return 0.9 * overlap(header, distinctive) + 0.1 * overlap(header, FULL_LAYOUT);
  },
  featureColumns: (header) =>
    header
      .filter((h) => FULL_LAYOUT.includes(h) && !NOT_FEATURES.has(h))
      .map((name) => ({ name, kind: (CATEGORICAL.includes(name) ? 'categorical' : 'numeric') as ColumnKind })),
  labelColumn: (header) => (header.includes('category') ? 'category' : header.includes('attack') ? 'attack' : null),
  timeColumn: (header) => (header.includes('stime') ? 'stime' : null),
  labelOf: (cell) => {
    const v = cell?.trim();
    if (!v) return null;
    if (v === '0') return 'Normal'; // the binary `attack` column, where `category` is absent
    if (v === '1') return 'Attack';
    return CLASSES.find((c) => c.toLowerCase() === v.toLowerCase()) ?? v;
  },
  classes: CLASSES,
  category,
  defaultExclusions: {},
};
