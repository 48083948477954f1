import type { FlowChunk } from '../../src/core/store';

/** a stored batch of `n` rows of `d` features, every column zero, for tests and benchmarks to fill in */
export function blankChunk(runId: string, seq: number, n: number, d: number): FlowChunk {
  return {
    runId,
    seq,
    n,
    time: new Float64Array(n),
    rowNumber: new Float64Array(n),
    classIndex: new Int32Array(n),
    device: new Uint16Array(n),
    features: new Float32Array(n * d),
    score: new Float32Array(n),
    verdict: new Uint8Array(n),
  };
}
