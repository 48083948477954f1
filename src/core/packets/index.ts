/** Packet captures (pcap, pcapng) in, decoded packets, and the one windowed feature extractor that makes flow rows. */
export { F, FEATURE_COUNT, SHARE_COLUMNS, WindowStats, shareBit } from './window-stats';
