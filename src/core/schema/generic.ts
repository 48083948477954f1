import type { Dialect } from './dialect';

export interface GenericOptions {
  /** the column that holds the class */
  labelColumn: string;
  /** label values that mean benign traffic (compared case-insensitively); default benign/normal/0 */
  benignValues?: readonly string[];
  /** a column with the flow's timestamp, if any */
  timeColumn?: string;
}

const DEFAULT_BENIGN = ['benign', 'normal', 'benigntraffic', '0'];

/**
 * Any other CSV: the user names the label column and the benign value; every other
 * column whose cells are numbers becomes a feature (the reader checks the first rows).
 */
export function genericDialect(options: GenericOptions): Dialect {
  const benign = new Set((options.benignValues ?? DEFAULT_BENIGN).map((v) => v.trim().toLowerCase()));
  const { labelColumn, timeColumn } = options;
  return {
    id: 'generic',
    name: `Generic CSV (label column "${labelColumn}")`,
    detect: (header) => (header.includes(labelColumn) ? 0.5 : 0),
    featureColumns: (header) => header.filter((h) => h !== labelColumn && h !== timeColumn).map((name) => ({ name, kind: 'numeric' as const })),
    labelColumn: (header) => (header.includes(labelColumn) ? labelColumn : null),
    timeColumn: (header) => (timeColumn && header.includes(timeColumn) ? timeColumn : null),
    labelOf: (cell) => (cell === null ? null : cell.trim() || null),
    classes: [],
    category: (className) => (benign.has(className.trim().toLowerCase()) ? { benign: true, family: 'Benign' } : { benign: false, family: className }),
    defaultExclusions: {},
    sniffFeatures: true,
  };
}
