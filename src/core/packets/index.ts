/** Packet captures (pcap, pcapng) in, decoded packets, and the one windowed feature extractor that makes flow rows. */
export { F, FEATURE_COUNT, SHARE_COLUMNS, WindowStats, shareBit } from './window-stats';
export { captureKind, isCaptureName, readCapture, type PacketHandler } from './capture-reader';
export { addCaptureCounters, newCaptureCounters, packetsSkipped, type CaptureCounters, type PacketSkipReason } from './capture-counters';
export { Decoded, IPPROTO, ipv4Text, macText } from './decode';
export { APPS, appOf, portOf, type App } from './app-ports';
export { LINK, linkDecoded, linkTypeName } from './link-types';
export { DEFAULT_IDLE_S, DEFAULT_WINDOW, FLOW_COLUMNS, FLOW_WIDTH, FlowExtractor, type ExtractOptions, type PacketFlows } from './flow-extractor';
export { CaptureReading, type CaptureFile, type CaptureOptions, type CaptureRows } from './capture-flows';
export { FLOW_CSV_HEADER, attackTypeCell, attackTypeLabel, featureCells, flowCsvRows, formatFloat32, timeCell } from './flow-csv';
export { buildFrame, minFrameSize, type FrameFields } from './frame-builder';
export { PcapWriter } from './pcap-writer';
export { captureClass } from './capture-labels';
export { formatCaptureCounters } from './capture-summary';
