import { packetsSkipped, type CaptureCounters } from './capture-counters';

/** "1,204 packets read: 1,200 used, 4 skipped (4 truncated at the end of the file); link types: Ethernet 1,204; 120 flows" */
export function formatCaptureCounters(c: CaptureCounters): string {
  const n = (v: number) => v.toLocaleString('en-US');
  const skipped = packetsSkipped(c);
  const reasons = Object.entries(c.skipped).map(([r, v]) => `${n(v ?? 0)} ${r}`);
  const undecoded = Object.entries(c.undecodedLinkTypes).map(([l, v]) => `${l}: ${n(v)}`);
  // a link type not decoded is named once, with its detail, among the undecoded ones
  const undecodedNames = Object.keys(c.undecodedLinkTypes);
  const links = Object.entries(c.linkTypes)
    // an undecoded type's detail is linkTypeName(link, true): the plain name, or the name and ' (<number>)'
    .filter(([l]) => !undecodedNames.some((u) => u === l || u.startsWith(`${l} (`)))
    .map(([l, v]) => `${l} ${n(v)}`);
  const blocks = Object.entries(c.blocksSkipped).map(([b, v]) => `${n(v)} ${b}`);
  return [
    `${n(c.packets)} packets read: ${n(c.used)} used, ${n(skipped)} skipped${reasons.length ? ` (${reasons.join(', ')})` : ''}`,
    undecoded.length ? `link types not decoded: ${undecoded.join(', ')}` : '',
    links.length ? `link types: ${links.join(', ')}` : '',
    c.snapCut ? `${n(c.snapCut)} used packets were cut by the snap length after their headers` : '',
    blocks.length ? `pcapng blocks passed over: ${blocks.join(', ')}` : '',
    `${n(c.flows)} flows made`,
  ]
    .filter(Boolean)
    .join('; ');
}
