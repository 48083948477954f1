/**
 * Capture files → flow rows: read (capture-reader), decode (decode), window (flow-extractor),
 * counting every packet as used or skipped with its reason, and the flows made.
 *
 *   const reading = new CaptureReading([{ name: 'ward.pcap', stream: () => … }], { window: 10 });
 *   for await (const { rows, names } of reading.flows()) …
 *   reading.counters; // packets === used + Σ skipped, flows
 */
import { addCaptureCounters, countPacketSkip, newCaptureCounters, type CaptureCounters } from './capture-counters';
import { readCapture } from './capture-reader';
import { Decoded } from './decode';
import { FlowExtractor, type ExtractOptions, type PacketFlows } from './flow-extractor';
import { linkDecoded, linkTypeName } from './link-types';

export interface CaptureFile {
  name: string;
  stream(): ReadableStream<Uint8Array>;
}

export interface CaptureOptions extends ExtractOptions {
  /** the class index every packet of file `fileIndex` gets (-1: unlabelled) */
  labelOf?: (fileName: string, fileIndex: number) => number;
  signal?: AbortSignal;
}

/** Flow rows of one file, with the texts their device and address columns index. */
export interface CaptureRows {
  fileIndex: number;
  rows: PacketFlows;
  names: readonly string[];
}

export class CaptureReading {
  /** per file, in order */
  readonly files: { name: string; counters: CaptureCounters }[] = [];
  /** totals over the files read to their end */
  private readonly finished: CaptureCounters = newCaptureCounters();
  /** the file being read and its extractor, so the totals include it while it is read */
  private current: { counters: CaptureCounters; extractor: FlowExtractor } | null = null;

  constructor(
    private readonly sources: readonly CaptureFile[],
    private readonly options: CaptureOptions = {},
  ) {}

  /** totals over every file read so far, the one being read included (a copy) */
  get counters(): CaptureCounters {
    const sum = newCaptureCounters();
    addCaptureCounters(sum, this.finished);
    if (this.current) addCaptureCounters(sum, { ...this.current.counters, flows: this.current.extractor.flows });
    return sum;
  }

  async *flows(): AsyncGenerator<CaptureRows> {
    for (let f = 0; f < this.sources.length; f++) {
      const source = this.sources[f];
      const counters = newCaptureCounters();
      this.files.push({ name: source.name, counters });
      const ready: PacketFlows[] = [];
      const extractor = new FlowExtractor((rows) => ready.push(rows), this.options);
      this.current = { counters, extractor };
      const label = this.options.labelOf?.(source.name, f) ?? -1;
      const p = new Decoded();
      // packets per link type, folded into the counters after each chunk (a name lookup per packet costs)
      const perLink = new Map<number, number>();
      const foldLinks = () => {
        for (const [link, n] of perLink) {
          const name = linkTypeName(link);
          counters.linkTypes[name] = (counters.linkTypes[name] ?? 0) + n;
        }
        perLink.clear();
      };
      let link0 = -1;
      let link0Count = 0;
      const onPacket = (link: number, data: Uint8Array, off: number, capLen: number, origLen: number, sec: number, ns: number) => {
        const reason = p.decode(link, data, off, capLen, origLen);
        if (link === link0) link0Count++;
        else {
          if (link0 >= 0) perLink.set(link0, (perLink.get(link0) ?? 0) + link0Count);
          link0 = link;
          link0Count = 1;
        }
        if (reason) {
          countPacketSkip(counters, reason);
          if (!linkDecoded(link)) {
            const detail = linkTypeName(link, true);
            counters.undecodedLinkTypes[detail] = (counters.undecodedLinkTypes[detail] ?? 0) + 1;
          }
          return;
        }
        counters.used++;
        if (p.cut) counters.snapCut++;
        extractor.add(p, origLen, sec, ns, label);
      };
      try {
        for await (const _ of readCapture(source.stream(), source.name, counters, onPacket, this.options.signal)) {
          if (link0 >= 0) perLink.set(link0, (perLink.get(link0) ?? 0) + link0Count);
          link0Count = 0;
          foldLinks();
          while (ready.length) yield { fileIndex: f, rows: ready.shift()!, names: extractor.names };
        }
        extractor.flush();
        while (ready.length) yield { fileIndex: f, rows: ready.shift()!, names: extractor.names };
      } finally {
        counters.flows = extractor.flows;
        addCaptureCounters(this.finished, counters);
        this.current = null;
      }
    }
  }
}
