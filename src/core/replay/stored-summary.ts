import { protocolIndexer, type LabStore, type RunRecord, type LiveSummary } from '../store';
import type { FlowBatch } from './flow-batch';
import { LiveAggregator } from './live-aggregator';

/** chunks read from the store at a time while a summary is rebuilt */
const PAGE = 16;

/**
 * A run's figures recomputed from the flows its store holds: counters of stored flows and
 * alerts, the time series, the heatmap, per-class rates and the confusion, by the same
 * LiveAggregator that drew them live (so the charts of a rebuilt run are the charts of the
 * stored flows, not of the last summary the page happened to save). The time axis is the
 * stored flow time (the flows' own timestamps, or else their row ordinals). What the store
 * cannot know (latency, the newest alert samples with their explanations, captions) is
 * taken from `saved`.
 */
export async function summaryFromStore(store: Pick<LabStore, 'readChunks'>, run: RunRecord, saved: LiveSummary): Promise<LiveSummary> {
  const aggregator = new LiveAggregator({
    runId: run.id,
    source: saved.source,
    detector: run.detector,
    threshold: run.threshold,
    hasOwnTime: true,
    startedAt: run.createdAt,
  });
  const known = new Map(saved.perClass.map((c) => [c.name, c]));
  aggregator.setClasses(
    run.classes.map((name) => ({ name, benign: known.get(name)?.benign ?? /benign|normal/i.test(name), family: known.get(name)?.family ?? name })),
  );
  const protocol = protocolIndexer(run.columns, run.categories);
  let from = 0;
  for (;;) {
    const page = await store.readChunks(run.id, from, PAGE);
    for (const c of page) {
      const batch = { ...c, d: run.columns.length, data: c.features, fileIndex: new Uint16Array(0), emittedAt: run.createdAt } as FlowBatch;
      aggregator.addScored(batch, c.score, c.verdict, (i) => protocol(c.features, i), run.updatedAt, null);
    }
    if (page.length < PAGE) break;
    from = page[page.length - 1].seq + 1;
  }
  const rebuilt = aggregator.summary(saved.state, run.updatedAt);
  return { ...rebuilt, latencyMs: saved.latencyMs, recentAlerts: saved.recentAlerts, captions: saved.captions, error: saved.error };
}
