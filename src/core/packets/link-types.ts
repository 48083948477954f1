/** Link-layer header types (tcpdump.org/linktypes.html) the decoder knows, and names for the others. */
export const LINK = {
  NULL: 0, // BSD loopback: 4-byte address family in the capturing host's byte order
  ETHERNET: 1,
  RAW_BSD: 12, // DLT_RAW on some BSDs
  RAW_OPENBSD: 14,
  RAW: 101,
  LOOP: 108, // OpenBSD loopback: address family in network byte order
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

const NAMES: Record<number, string> = {
  [LINK.NULL]: 'BSD loopback',
  [LINK.ETHERNET]: 'Ethernet',
  [LINK.RAW_BSD]: 'raw IP',
  [LINK.RAW_OPENBSD]: 'raw IP',
  [LINK.RAW]: 'raw IP',
  [LINK.LOOP]: 'OpenBSD loopback',
  [LINK.LINUX_SLL]: 'Linux cooked v1',
  [LINK.IPV4]: 'raw IPv4',
  [LINK.IPV6]: 'raw IPv6',
  [LINK.LINUX_SLL2]: 'Linux cooked v2',
  // not decoded, named for the message
  6: 'Token Ring',
  9: 'PPP',
  10: 'FDDI',
  50: 'PPP in HDLC',
  104: 'Cisco HDLC',
  105: 'IEEE 802.11',
  119: 'Prism 802.11',
  127: 'IEEE 802.11 radiotap',
  163: 'AVS 802.11',
  187: 'Bluetooth HCI H4',
  195: 'IEEE 802.15.4',
  201: 'Bluetooth HCI H4 with header',
  215: 'IEEE 802.15.4 without FCS',
  220: 'Linux USB',
  230: 'IEEE 802.15.4 without FCS',
  251: 'Bluetooth LE link layer',
  283: 'IEEE 802.15.4 TAP',
};

/** Whether the decoder reads this link type. */
export function linkDecoded(link: number): boolean {
  return (
    link === LINK.NULL ||
    link === LINK.ETHERNET ||
    link === LINK.RAW_BSD ||
    link === LINK.RAW_OPENBSD ||
    link === LINK.RAW ||
    link === LINK.LOOP ||
    link === LINK.LINUX_SLL ||
    link === LINK.IPV4 ||
    link === LINK.IPV6 ||
    link === LINK.LINUX_SLL2
  );
}

/** "Ethernet", "IEEE 802.11 (105)", "link type 147" */
export function linkTypeName(link: number, withNumber = false): string {
  const name = NAMES[link];
  if (!name) return `link type ${link}`;
  return withNumber ? `${name} (${link})` : name;
}
