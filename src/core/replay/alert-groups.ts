import type { AlertGroup, AlertSample } from '../store';

/** samples a group keeps: its first alert and the newest few */
export const GROUP_SAMPLES = 4;

/**
 * Flagged flows grouped for the alert inbox: one group per (device, class) of a run,
 * with count, first and last seen, highest score and a few samples (the first alert
 * and the newest ones). Per flagged flow the cost is one map lookup on a numeric key;
 * samples (with features) are only built for the rows `add` returns.
 */
export class AlertGrouper {
  private readonly groups = new Map<number, AlertGroup>();
  private readonly dirty = new Set<AlertGroup>();

  constructor(
    readonly runId: string,
    private devices: readonly string[],
    private classes: readonly string[],
  ) {}

  setNames(devices: readonly string[], classes: readonly string[]): void {
    this.devices = devices;
    this.classes = classes;
  }

  /**
   * Counts the flagged rows of a batch into their groups and returns the rows that
   * need a sample: the first alert of a new group and the newest alert of every
   * group the batch touched. With `predicted` (a classifier named each alert: an index
   * into `predictedNames`), groups are by device and predicted class, and each keeps how
   * many of its alerts were of which true class.
   */
  add(
    verdict: Uint8Array,
    device: Uint16Array,
    classIndex: Int32Array,
    time: Float64Array,
    scores: Float32Array,
    predicted?: { classIndex: Int32Array; names: readonly string[] },
  ): { first: Map<AlertGroup, number>; newest: Map<AlertGroup, number> } {
    const first = new Map<AlertGroup, number>();
    const newest = new Map<AlertGroup, number>();
    for (let i = 0; i < verdict.length; i++) {
      if (!verdict[i]) continue;
      const groupClass = predicted ? predicted.classIndex[i] : classIndex[i];
      const key = device[i] * 0x10000 + (groupClass + 1);
      let g = this.groups.get(key);
      const trueClass = classIndex[i] >= 0 ? (this.classes[classIndex[i]] ?? null) : null;
      if (!g) {
        const dev = device[i] < this.devices.length ? this.devices[device[i]] : null;
        const named = predicted && groupClass >= 0 ? (predicted.names[groupClass] ?? null) : null;
        g = {
          runId: this.runId,
          key: `${dev ?? ''}|${predicted ? `predicted:${named ?? ''}` : (trueClass ?? '')}`,
          device: dev,
          className: predicted ? null : trueClass,
          count: 0,
          firstSeen: time[i],
          lastSeen: time[i],
          maxScore: scores[i],
          status: 'new',
          samples: [],
          ...(predicted && { predictedClass: named, trueClasses: {} }),
        };
        this.groups.set(key, g);
        first.set(g, i);
      }
      if (g.trueClasses && trueClass !== null) g.trueClasses[trueClass] = (g.trueClasses[trueClass] ?? 0) + 1;
      g.count++;
      if (time[i] > g.lastSeen) g.lastSeen = time[i];
      if (time[i] < g.firstSeen) g.firstSeen = time[i];
      if (scores[i] > g.maxScore) g.maxScore = scores[i];
      newest.set(g, i);
      this.dirty.add(g);
    }
    return { first, newest };
  }

  /** the group's samples: its first alert stays, the newest replace older ones */
  addSample(group: AlertGroup, sample: AlertSample, isFirst: boolean): void {
    if (isFirst || group.samples.length === 0) {
      group.samples.unshift(sample);
    } else {
      group.samples.push(sample);
      if (group.samples.length > GROUP_SAMPLES + 1) group.samples.splice(1, 1);
    }
    this.dirty.add(group);
  }

  setStatus(key: string, status: AlertGroup['status']): boolean {
    for (const g of this.groups.values()) {
      if (g.key === key) {
        g.status = status;
        this.dirty.add(g);
        return true;
      }
    }
    return false;
  }

  /** groups changed since the last call (copies, safe to store while counting goes on) */
  takeDirty(): AlertGroup[] {
    const out = [...this.dirty].map((g) => ({ ...g, samples: g.samples.slice(), ...(g.trueClasses && { trueClasses: { ...g.trueClasses } }) }));
    this.dirty.clear();
    return out;
  }

  all(): AlertGroup[] {
    return [...this.groups.values()];
  }
}
