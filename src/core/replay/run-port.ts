import type { SinkMessage, SourceMessage } from './flow-batch';

/**
 * One end of a run's source ↔ detect link, as much of a `MessagePort` as the replay uses:
 * a browser MessagePort between two workers fits it as it is; a Node host (the monitor,
 * tests) that runs source and detector in one process joins them with `linkedPorts()`.
 */
export interface RunPort<In, Out> {
  postMessage(message: Out, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<In>) => void) | null;
  close(): void;
}

/** the source's end: sends flows, hears credits */
export type SourcePort = RunPort<SinkMessage, SourceMessage>;
/** the detector's end: hears flows, sends credits */
export type DetectPort = RunPort<SourceMessage, SinkMessage>;

/**
 * Two ends joined in one process: a message is delivered on a later macrotask, in order,
 * like a MessagePort's (so neither side runs inside the other's call), and by reference
 * (nothing to transfer between two parts of one heap).
 */
export function linkedPorts(): [SourcePort, DetectPort] {
  const source = new LinkedPort<SinkMessage, SourceMessage>();
  const detect = new LinkedPort<SourceMessage, SinkMessage>();
  source.peer = detect;
  detect.peer = source;
  return [source, detect];
}

class LinkedPort<In, Out> implements RunPort<In, Out> {
  onmessage: ((event: MessageEvent<In>) => void) | null = null;
  peer: LinkedPort<Out, In> | null = null;
  private closed = false;

  postMessage(message: Out): void {
    const peer = this.peer;
    if (this.closed || !peer) return;
    setTimeout(() => {
      if (!peer.closed) peer.onmessage?.(new MessageEvent('message', { data: message }));
    });
  }

  close(): void {
    this.closed = true;
  }
}
