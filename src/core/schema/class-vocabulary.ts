import type { ClassInfo, Dialect } from './dialect';
import { fnv1a } from '../util';

/** the longest class name kept whole; a label cell may be megabytes long */
export const MAX_CLASS_NAME = 200;

/**
 * A name as kept: a name longer than MAX_CLASS_NAME becomes its start and a hash of the
 * whole (`abc…#1a2b3c4d`), so two long names stay two, and no chart, table, run record or
 * export carries megabytes per name (a label or device cell may be megabytes long).
 */
export function boundedName(name: string): string {
  return name.length > MAX_CLASS_NAME ? `${name.slice(0, MAX_CLASS_NAME - 10)}…#${fnv1a(name)}` : name;
}

/**
 * Class names met while reading, each with a stable index (what batches carry) and its
 * meaning from the dialect. Shared by the readings of one evaluation so that train and
 * test agree on indices.
 */
export class ClassVocabulary {
  readonly names: string[] = [];
  readonly info: ClassInfo[] = [];
  private readonly index = new Map<string, number>();

  constructor(private readonly dialect: Pick<Dialect, 'category'>) {}

  /**
   * The index of a class, added when new (a long name kept as `boundedName` makes it).
   */
  indexOf(name: string): number {
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(boundedName(name));
      this.info.push(this.dialect.category(name));
      this.index.set(name, i);
    }
    return i;
  }

  isBenign(i: number): boolean {
    return i >= 0 && this.info[i].benign;
  }

  family(i: number): string {
    return this.info[i]?.family ?? 'Unlabelled';
  }

  /** 1 = attack, 0 = benign, per row; unlabelled rows count as benign-unknown (0) */
  truthOf(classIndex: Int32Array): Uint8Array {
    const y = new Uint8Array(classIndex.length);
    for (let r = 0; r < y.length; r++) y[r] = classIndex[r] >= 0 && !this.info[classIndex[r]].benign ? 1 : 0;
    return y;
  }
}
