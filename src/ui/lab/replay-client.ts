/**
 * The page's way to the replay pipeline: a source worker and a detect worker joined by a
 * MessageChannel made for each run (the page hands one end to each; rows never pass
 * through the main thread). Implements the views' `ReplayApi`.
 */
import * as Comlink from 'comlink';
import type { DetectWorkerApi, SourceWorkerApi, StorageInfo } from '../../core/lab';
import { emptySummary, plainRate, plainSource, sourceLabel, sourceRecord } from '../../core/replay';
import type { ExportFormat, OutputsSpec } from '../../core/store';
import { messageOf } from '../../core/util';
import { workerName } from './backend-choice';
import type { AlertGroup, AttackInjection, BackendInfo, FeedStatus, LiveSummary, RateSpec, ReplayApi, RunRecord, StartRequest } from './lab-api';

export class ReplayClient implements ReplayApi {
  private readonly sourceWorker = new Worker(new URL('../../../workers/source.worker.ts', import.meta.url), { type: 'module', name: 'source' });
  private readonly detectWorker = new Worker(new URL('../../../workers/detect.worker.ts', import.meta.url), { type: 'module', name: workerName('detect') });
  private readonly source = Comlink.wrap<SourceWorkerApi>(this.sourceWorker);
  private readonly detect = Comlink.wrap<DetectWorkerApi>(this.detectWorker);
  private readonly listeners = new Set<(s: LiveSummary) => void>();
  private latest: LiveSummary | null = null;

  constructor() {
    // the backend, the store and the default models load while the page draws; a failure
    // here shows when a run starts (`prepare` waits for them again and reports it)
    this.detect.init().catch(() => {});
  }

  async backend(): Promise<BackendInfo> {
    const { backend, simd, threads, adapter, note, crossOriginIsolated } = await this.detect.backend();
    return { backend, simd, threads, adapter, note, crossOriginIsolated };
  }

  onSummary(listener: (s: LiveSummary) => void): () => void {
    this.listeners.add(listener);
    if (this.latest) listener(this.latest);
    return () => this.listeners.delete(listener);
  }

  async start(request: StartRequest): Promise<RunRecord> {
    await this.stop();
    const channel = new MessageChannel();
    try {
      const spec = plainSource(request.source);
      const opened = await this.source.open(spec, Comlink.transfer(channel.port1, [channel.port1]));
      const run = await this.detect.prepare(
        Comlink.transfer(
          {
            port: channel.port2,
            meta: opened.meta,
            source: sourceRecord(spec, opened.dataset),
            files: spec.kind === 'files' ? spec.files : undefined,
            modelId: request.modelId,
            detector: request.detector,
            alongside: request.alongside ? [...request.alongside] : undefined,
            namerId: request.namerId,
            adaptive: request.adaptive && { ...request.adaptive },
            learning: request.learning && { ...request.learning },
            outputs: request.outputs && (JSON.parse(JSON.stringify(request.outputs)) as OutputsSpec),
          },
          [channel.port2],
        ),
        Comlink.proxy((s: LiveSummary) => this.publish(s)),
      );
      await this.source.play(plainRate(request.rate), Boolean(request.loop));
      return run;
    } catch (e) {
      // a run prepared before `play` failed ends too
      await Promise.all([this.source.stop().catch(() => {}), this.detect.stop().catch(() => null)]);
      const message = messageOf(e);
      this.publish(errorSummary(message, request));
      throw new Error(message);
    }
  }

  async pause(): Promise<void> {
    await this.source.pause();
    await this.detect.setPaused(true);
  }

  async resume(): Promise<void> {
    await this.source.resume();
    await this.detect.setPaused(false);
  }

  step(): Promise<void> {
    return this.source.step();
  }

  seek(fraction: number): Promise<void> {
    return this.source.seek(fraction);
  }

  setRate(rate: RateSpec): Promise<void> {
    return this.source.setRate(plainRate(rate));
  }

  setThreshold(value: number): Promise<void> {
    return this.detect.setThreshold(value);
  }

  async stop(): Promise<void> {
    await this.source.stop();
    const last = await this.detect.stop();
    if (last) this.publish(last);
  }

  inject(attack: AttackInjection): Promise<void> {
    const { attack: name, intensity, durationS, source, targets } = attack;
    return this.source.inject({ attack: name, intensity, durationS, source, targets: targets ? [...targets] : undefined });
  }

  async scenarios(): Promise<{ scenarios: { name: string; description: string }[]; attacks: string[]; devices: string[] }> {
    const { scenarios, attacks, devices } = await this.source.scenarios();
    return { scenarios, attacks, devices };
  }

  listRuns(): Promise<RunRecord[]> {
    return this.detect.listRuns();
  }

  listNamers() {
    return this.detect.listNamers();
  }

  getRun(id: string): Promise<RunRecord | undefined> {
    return this.detect.getRun(id);
  }

  deleteRun(id: string): Promise<void> {
    return this.detect.deleteRun(id);
  }

  exportRun(id: string, format: ExportFormat): Promise<Blob> {
    return this.detect.exportRun(id, format);
  }

  feed(): Promise<FeedStatus | null> {
    return this.source.feed();
  }

  listAlertGroups(runId: string): Promise<AlertGroup[]> {
    return this.detect.listAlertGroups(runId);
  }

  setAlertStatus(runId: string, key: string, status: AlertGroup['status']): Promise<void> {
    return this.detect.setAlertStatus(runId, key, status);
  }

  storage(): Promise<StorageInfo> {
    return this.detect.storage();
  }

  setRetention(rows: number): Promise<void> {
    return this.detect.setRetention(rows);
  }

  /** rows stored for a run (tests, benchmarks) */
  countRows(runId: string): Promise<number> {
    return this.detect.countRows(runId);
  }

  /** ends both workers; the client cannot be used afterwards */
  terminate(): void {
    this.sourceWorker.terminate();
    this.detectWorker.terminate();
  }

  private publish(s: LiveSummary): void {
    this.latest = s;
    // storing stopped (a full quota) or the run failed: stop reading too
    if (s.state === 'error') void this.source.pause().catch(() => {});
    for (const listener of this.listeners) listener(s);
  }
}

function errorSummary(message: string, request: StartRequest): LiveSummary {
  return emptySummary({
    state: 'error',
    source: sourceLabel(request.source),
    detector: request.detector ?? 'ae',
    latencyMs: { p50: 0, p99: 0, max: 0 },
    error: message,
  });
}
