/**
 * The tallies of reading captures. Every packet record read is either used (it went into
 * a flow window) or skipped for one named reason, so `packets === used + Σ skipped`.
 */
export type PacketSkipReason =
  'truncated at the end of the file' | 'cut by the snap length inside its headers' | 'link type not decoded' | 'malformed header' | 'no source address';

export interface CaptureCounters {
  /** capture bytes read (after decompression) */
  bytes: number;
  /** packet records read */
  packets: number;
  /** packets that went into a flow window */
  used: number;
  skipped: Partial<Record<PacketSkipReason, number>>;
  /** link-type-specific detail of the 'link type not decoded' skips, e.g. "IEEE 802.11 (105)": packets */
  undecodedLinkTypes: Record<string, number>;
  /** packets per link type name, e.g. "Ethernet": 120 */
  linkTypes: Record<string, number>;
  /** used packets whose payload (not their headers) the snap length cut */
  snapCut: number;
  /** pcapng blocks that hold no packet and were passed over, per kind */
  blocksSkipped: Record<string, number>;
  /** flow rows made */
  flows: number;
  /** sentences about the file as a whole: a corrupt length that stopped the reading, bytes left over */
  problems: string[];
}

export function newCaptureCounters(): CaptureCounters {
  return { bytes: 0, packets: 0, used: 0, skipped: {}, undecodedLinkTypes: {}, linkTypes: {}, snapCut: 0, blocksSkipped: {}, flows: 0, problems: [] };
}

export function countPacketSkip(c: CaptureCounters, reason: PacketSkipReason): void {
  c.skipped[reason] = (c.skipped[reason] ?? 0) + 1;
}

export function packetsSkipped(c: CaptureCounters): number {
  let n = 0;
  for (const v of Object.values(c.skipped)) n += v ?? 0;
  return n;
}

/** Adds `b` into `a` (several files of one reading). */
export function addCaptureCounters(a: CaptureCounters, b: CaptureCounters): void {
  a.bytes += b.bytes;
  a.packets += b.packets;
  a.used += b.used;
  a.snapCut += b.snapCut;
  a.flows += b.flows;
  for (const [k, v] of Object.entries(b.skipped)) a.skipped[k as PacketSkipReason] = (a.skipped[k as PacketSkipReason] ?? 0) + (v ?? 0);
  for (const key of ['undecodedLinkTypes', 'linkTypes', 'blocksSkipped'] as const) {
    for (const [k, v] of Object.entries(b[key])) a[key][k] = (a[key][k] ?? 0) + v;
  }
  a.problems.push(...b.problems);
}
