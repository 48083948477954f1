/**
 * A host's connection openings over horizons longer than a window: how many TCP packets with
 * SYN set (a connection asked for, or accepted) the window's device sent lately. Ten packets
 * cannot tell a monitor's one reconnect from an MQTT connect flood (both are SYN, CONNECT,
 * DISCONNECT, FIN); only the pace differs, about one window in 25 against every window.
 *
 * Kitsune's damped counts (Mirsky et al., NDSS 2018; AfterImage's incStat): at each SYN the
 * count decays by 2^(−λ·Δt) for the seconds Δt since the previous one, then gains 1; a
 * window reads it decayed to its own last packet, as Kitsune reads its statistics at every
 * packet. λ = 1 and 0.1 per second: counts that halve every 1 s and every 10 s. Only gaps
 * between a host's own packets enter, never the clock, so a live sensor and a capture read
 * later give the same values. (Longer horizons, or counts of closings, change over the whole
 * of a capture of a few seconds, and the trainer rightly drops such a column as drift.)
 */
import { HOST_COUNT_COLUMNS } from '../schema';

/** the decay rates λ per second, in the order of HOST_COUNT_COLUMNS: halving every 1 s and 10 s */
const LAMBDAS = [1, 0.1];
const TCP_SYN = 0x02;

if (LAMBDAS.length !== HOST_COUNT_COLUMNS.length) throw new Error('HOST_COUNT_COLUMNS names one column per decay rate');

/** one host's damped counts of SYN packets sent */
export class HostCounts {
  private readonly counts = new Float64Array(LAMBDAS.length);
  /** the second and nanosecond of the newest SYN */
  private lastSec = 0;
  private lastNs = 0;

  /** one packet the host sent, with TCP flags `flags` (0 when not TCP), at `sec` + `ns`·1e-9 */
  add(flags: number, sec: number, ns: number): void {
    if (!(flags & TCP_SYN)) return;
    const dt = this.since(sec, ns);
    for (let l = 0; l < LAMBDAS.length; l++) this.counts[l] = this.counts[l] * 2 ** (-LAMBDAS[l] * dt) + 1;
    // as AfterImage: the clock only moves forward (a late SYN counts 1 at the newest time; moving it back would decay the time between twice)
    if (dt > 0) {
      this.lastSec = sec;
      this.lastNs = ns;
    }
  }

  /** writes the counts as of `sec` + `ns`·1e-9 (the window's last packet) at `out[off..off+HOST_COUNT_COLUMNS.length)` */
  write(out: Float32Array, off: number, sec: number, ns: number): void {
    const dt = this.since(sec, ns);
    for (let l = 0; l < LAMBDAS.length; l++) out[off + l] = this.counts[l] * 2 ** (-LAMBDAS[l] * dt);
  }

  /** seconds since the last SYN; out-of-order timestamps (several interfaces, a clock step) decay nothing */
  private since(sec: number, ns: number): number {
    return Math.max(0, sec - this.lastSec + (ns - this.lastNs) * 1e-9);
  }
}
