/**
 * The simulator's packets as a capture: every packet of every row is made into an Ethernet
 * frame (devices have MACs 02:00:00:00:xx:xx and addresses 10.0.x.y; the far end of every
 * conversation is the ward's gateway 10.0.255.254), laid on the timeline at the row's time
 * plus the packets' gaps, and written in time order to a pcap. The same frames go through
 * the capture decoder and the one flow extractor, which makes the CSV rows: reading the
 * pcap back gives exactly these rows (a test holds it to that).
 *
 * These rows differ from the simulator's direct rows on purpose: a capture cuts each
 * device's own packets into windows (replies from the far end are the far end's packets),
 * while a direct row models one window of the dataset's per-attack captures as a whole.
 */
import {
  buildFrame,
  Decoded,
  portOf,
  minFrameSize,
  FLOW_CSV_HEADER,
  flowCsvRows,
  FlowExtractor,
  PcapWriter,
  type ExtractOptions,
  type PacketFlows,
} from '../packets';
import type { PacketSpec } from './packets';
import { scenarioById } from './scenarios';
import { Simulator, type RowPackets } from './simulator';

/** the capture's clock starts at this Unix time (2024-01-01 00:00 UTC) plus the scenario's start hour */
export const CAPTURE_EPOCH = 1_704_067_200;
const GATEWAY = 0xfffe;
const DEVICE_MAC = 0x020000000000;
const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, E: 0x40, C: 0x80 };
/** ports of packets without an application: MQTT over TCP (no feature column), a sensor stream over UDP */
const PLAIN_TCP_PORT = 1883;
const PLAIN_UDP_PORT = 5005;

interface Pending {
  sec: number;
  ns: number;
  seq: number;
  frame: Uint8Array;
  label: number;
}

export class SimCapture implements RowPackets {
  readonly extractor: FlowExtractor;
  private readonly writer: PcapWriter;
  private readonly decoded = new Decoded();
  private row: { spec: PacketSpec; hl: number; size: number; ttl: number; inbound: boolean; gap: number }[] = [];
  private readonly heap: Pending[] = [];
  private seq = 0;
  /** seconds added to the simulator's clock */
  private readonly epoch: number;

  constructor(startHour: number, onPcap: (chunk: Uint8Array) => void, onRows: (rows: PacketFlows) => void, options: ExtractOptions = {}) {
    this.epoch = CAPTURE_EPOCH + startHour * 3600;
    this.writer = new PcapWriter(onPcap);
    this.extractor = new FlowExtractor(onRows, options);
  }

  packet(spec: PacketSpec, hl: number, size: number, ttl: number, inbound: boolean, gap: number): void {
    this.row.push({ spec, hl, size, ttl, inbound, gap });
  }

  endRow(device: number, time: number, classIndex: number): void {
    const t0 = this.epoch + time;
    // packets of later rows start at their row's time or after: everything before is final
    this.drain(Math.floor(t0), Math.round((t0 - Math.floor(t0)) * 1e9));
    let t = t0;
    for (const p of this.row) {
      t += p.gap;
      const sec = Math.floor(t);
      let ns = Math.round((t - sec) * 1e9);
      const carry = ns >= 1e9 ? 1 : 0;
      if (carry) ns -= 1e9;
      // two profiles draw 60-byte TCP packets with a 32-byte header, which no wire carries: on the capture they are as long as their headers
      const frame = new Uint8Array(Math.max(p.size, minFrameSize(p.spec.proto, p.hl)));
      const devicePort = 49152 + (device % 16384);
      const udp = p.spec.proto === 'udp';
      const appPort = p.spec.app ? portOf(p.spec.app, udp) : udp ? PLAIN_UDP_PORT : PLAIN_TCP_PORT;
      const me = { mac: DEVICE_MAC + device + 1, ip: 0x0a000000 + device + 1 };
      const far = { mac: DEVICE_MAC + GATEWAY, ip: 0x0a000000 + GATEWAY };
      const [from, to] = p.inbound ? [far, me] : [me, far];
      buildFrame(
        {
          srcMac: from.mac,
          dstMac: p.spec.proto === 'arp' ? 0xffffffffffff : to.mac,
          proto: p.spec.proto,
          src4: from.ip,
          dst4: to.ip,
          ttl: p.ttl,
          sport: p.inbound ? appPort : devicePort,
          dport: p.inbound ? devicePort : appPort,
          flags: [...(p.spec.flags ?? '')].reduce((f, ch) => f | (FLAG_BITS[ch] ?? 0), 0),
          hl: p.hl,
          size: frame.length,
        },
        frame,
        0,
      );
      push(this.heap, { sec: sec + carry, ns, seq: this.seq++, frame, label: classIndex });
    }
    this.row = [];
  }

  /** Writes every packet still pending and closes the last windows. */
  finish(): void {
    this.drain(Infinity, 0);
    this.extractor.flush();
    this.writer.close();
  }

  /** writes the pending packets before (sec, ns) in time order */
  private drain(sec: number, ns: number): void {
    const heap = this.heap;
    while (heap.length && (heap[0].sec < sec || (heap[0].sec === sec && heap[0].ns < ns))) {
      const p = pop(heap);
      const at = this.writer.record(p.sec, p.ns, p.frame.length);
      this.writer.bytes.set(p.frame, at);
      const reason = this.decoded.decode(1, p.frame, 0, p.frame.length, p.frame.length);
      if (reason) throw new Error(`a simulated packet did not decode (${reason})`);
      this.extractor.add(this.decoded, p.frame.length, p.sec, p.ns, p.label);
    }
  }
}

function before(a: Pending, b: Pending): boolean {
  return a.sec < b.sec || (a.sec === b.sec && (a.ns < b.ns || (a.ns === b.ns && a.seq < b.seq)));
}

function push(heap: Pending[], p: Pending): void {
  heap.push(p);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i], heap[parent])) break;
    [heap[i], heap[parent]] = [heap[parent], heap[i]];
    i = parent;
  }
}

function pop(heap: Pending[]): Pending {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length) {
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l], heap[m])) m = l;
      if (r < heap.length && before(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return top;
}

/**
 * A scenario's first `rows` simulated rows as packets: yields, chunk by chunk, the pcap
 * bytes and the flow rows the extractor made of them as CSV (header first).
 */
export function* simulateCapture(
  scenario: string,
  rows: number,
  seed: number,
  options: ExtractOptions = {},
  chunkRows = 4096,
): Generator<{ pcap: Uint8Array[]; csv: string }> {
  const sim = new Simulator(scenarioById(scenario), { seed });
  let pcap: Uint8Array[] = [];
  let csv = FLOW_CSV_HEADER + '\n';
  const capture = new SimCapture(
    sim.scenario.startHour,
    (chunk) => pcap.push(chunk),
    (flows) => (csv += flowCsvRows(flows, capture.extractor.names, sim.vocabulary.names)),
    options,
  );
  for (let done = 0; done < rows;) {
    const n = Math.min(chunkRows, rows - done);
    sim.next(n, capture);
    done += n;
    if (done === rows) capture.finish();
    yield { pcap, csv };
    pcap = [];
    csv = '';
  }
}
