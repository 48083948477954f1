import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveSummary, RunRecord } from '../../src/core/store';
import type { ReplayApi } from '../../src/ui/lab/lab-api';
import { LiveRun } from '../../src/ui/state/live-run.svelte';

/** a replay whose summaries the test hands out, and whose setThreshold answers when the test says */
function fakeReplay() {
  let listener: (s: LiveSummary) => void = () => {};
  let answerThreshold = () => {};
  const replay = {
    onSummary: (l: (s: LiveSummary) => void) => {
      listener = l;
      return () => {};
    },
    start: async () => ({ id: 'run-1' }) as RunRecord,
    stop: async () => {},
    setThreshold: () => new Promise<void>((r) => (answerThreshold = r)),
    feed: async () => null,
  } as unknown as ReplayApi;
  return { replay, emit: (s: Partial<LiveSummary>) => listener(s as LiveSummary), answerThreshold: () => answerThreshold() };
}

describe('LiveRun', () => {
  beforeEach(() => {
    // the page's frames and a machine of two logical cores, in Node
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f));
    vi.stubGlobal('navigator', { hardwareConcurrency: 2 });
  });
  afterEach(() => vi.unstubAllGlobals());

  it("shows a run's end that came while its start was still setting the threshold", async () => {
    const { replay, emit, answerThreshold } = fakeReplay();
    const live = new LiveRun(replay);
    const started = live.start(
      { kind: 'simulation', scenario: 'ward', seed: 1 },
      { detector: 'iforest', rate: { kind: 'speed', multiplier: 1 }, loop: false, threshold: 0.5 },
    );
    // the run plays and ends before the threshold set by hand is confirmed (a short file at max rate)
    await new Promise((r) => setTimeout(r));
    emit({ runId: 'run-1', state: 'playing' });
    emit({ runId: 'run-1', state: 'ended' });
    answerThreshold();
    expect(await started).toBe(true);
    expect(live.state).toBe('ended');
    live.dispose();
  });

  it('shows a change of state (a pause) at once, even while a max-rate replay on two cores gets one summary a second', async () => {
    const { replay, emit } = fakeReplay();
    const live = new LiveRun(replay);
    expect(
      await live.start({ kind: 'simulation', scenario: 'ward', seed: 1 }, { detector: 'iforest', rate: { kind: 'max' }, loop: false, threshold: null }),
    ).toBe(true);
    const first = { runId: 'run-1', state: 'playing' } as const;
    emit(first);
    emit({ runId: 'run-1', state: 'playing' });
    // the second figure waits its turn
    expect(live.summary).toBe(first);
    emit({ runId: 'run-1', state: 'paused' });
    expect(live.state).toBe('paused');
    live.dispose();
  });
});
