/** The shared real samples the benchmarks read in place, found as the tests find them (from a worktree too). */
import { SHARED } from '../tests/unit/sources';

export const V2_SAMPLE = `${SHARED}ciciomt2024_v2_39feat_sample.csv`;
