import type { AlertGroup, FlowChunk, LabStore, ModelRecord, RunRecord, StorageEstimate } from './records';

/** the newest flows a headless monitor keeps per run: its stream goes on to sinks, memory stays flat */
export const MEMORY_RETENTION_ROWS = 100_000;

/**
 * The lab's store held in memory, for Node hosts that watch a feed for hours (the
 * monitor): runs, models and alert groups as in IndexedDB; flow chunks kept only up to
 * the retention limit (the oldest dropped first and counted, as IndexedDB's store does;
 * the run's outputs, `RunOutputs`, see every chunk).
 */
export class MemoryStore implements LabStore {
  private readonly runs = new Map<string, RunRecord>();
  private readonly chunks = new Map<string, FlowChunk[]>();
  private readonly rows = new Map<string, number>();
  private readonly groups = new Map<string, Map<string, AlertGroup>>();
  private readonly models = new Map<string, ModelRecord>();
  private retention: number;

  constructor(retentionRows = MEMORY_RETENTION_ROWS) {
    this.retention = retentionRows;
  }

  get retentionRows(): number {
    return this.retention;
  }

  async setRetentionRows(rows: number): Promise<void> {
    if (!(Number.isInteger(rows) && rows > 0)) throw new RangeError(`keep a positive whole number of rows, not ${rows}`);
    this.retention = rows;
  }

  async putRun(run: RunRecord): Promise<void> {
    this.runs.set(run.id, structuredClone(run));
  }

  async getRun(id: string): Promise<RunRecord | undefined> {
    const run = this.runs.get(id);
    return run && structuredClone(run);
  }

  async listRuns(): Promise<RunRecord[]> {
    return [...this.runs.values()].map((r) => structuredClone(r)).sort((a, b) => b.createdAt - a.createdAt);
  }

  async deleteRun(id: string): Promise<void> {
    this.runs.delete(id);
    this.chunks.delete(id);
    this.rows.delete(id);
    this.groups.delete(id);
  }

  async putChunks(chunks: FlowChunk[]): Promise<{ dropped: number }> {
    const byRun = new Map<string, FlowChunk[]>();
    for (const c of chunks) {
      if (!this.runs.has(c.runId)) throw new Error(`there is no run ${c.runId} to store flows for`);
      let list = byRun.get(c.runId);
      if (!list) byRun.set(c.runId, (list = []));
      list.push(c);
    }
    let dropped = 0;
    for (const [runId, list] of byRun) {
      const run = this.runs.get(runId)!;
      const kept = this.chunks.get(runId) ?? [];
      let rows = this.rows.get(runId) ?? 0;
      for (const c of list) {
        kept.push(c);
        rows += c.n;
      }
      let gone = 0;
      while (rows > this.retention && kept.length > 1) {
        const old = kept.shift()!;
        rows -= old.n;
        gone += old.n;
      }
      run.droppedRows += gone;
      dropped += gone;
      this.chunks.set(runId, kept);
      this.rows.set(runId, rows);
    }
    return { dropped };
  }

  async readChunks(runId: string, fromSeq: number, limit: number): Promise<FlowChunk[]> {
    return (this.chunks.get(runId) ?? []).filter((c) => c.seq >= fromSeq).slice(0, limit);
  }

  async countRows(runId: string): Promise<number> {
    return this.rows.get(runId) ?? 0;
  }

  async putAlertGroups(groups: AlertGroup[]): Promise<void> {
    for (const g of groups) {
      let run = this.groups.get(g.runId);
      if (!run) this.groups.set(g.runId, (run = new Map()));
      run.set(g.key, structuredClone(g));
    }
  }

  async listAlertGroups(runId: string): Promise<AlertGroup[]> {
    return [...(this.groups.get(runId)?.values() ?? [])].map((g) => structuredClone(g));
  }

  async setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void> {
    const g = this.groups.get(runId)?.get(key);
    if (!g) throw new Error(`run ${runId} has no alert group ${key}`);
    g.status = status;
  }

  async putModel(model: ModelRecord): Promise<void> {
    this.models.set(model.id, model);
  }

  async getModel(id: string): Promise<ModelRecord | undefined> {
    return this.models.get(id);
  }

  async listModels(): Promise<Omit<ModelRecord, 'files' | 'pipeline'>[]> {
    return [...this.models.values()].map(({ files: _files, pipeline: _pipeline, ...rest }) => rest);
  }

  async deleteModel(id: string): Promise<void> {
    this.models.delete(id);
  }

  async estimate(): Promise<StorageEstimate> {
    return { usedBytes: null, quotaBytes: null };
  }
}
