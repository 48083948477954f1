/**
 * Labels for captures, which carry none: `--label <Class>` labels every file, else a file
 * named like a CICIoMT2024 capture (`TCP_IP-DDoS-SYN_train.pcap`) gets that class, else the
 * rows are unlabelled (-1) and views show no recall or confusion for them.
 */
import { ciciomtFileClass, ciciomtV2 } from '../schema';

/** the class a capture's rows get: the given label, the file name's known class, or null */
export function captureClass(fileName: string, label?: string): string | null {
  if (label) return label;
  const fromName = ciciomtFileClass(fileName.replace(/\.(pcapng|cap)(\.gz)?$/i, '.pcap'));
  return fromName && ciciomtV2.classes.includes(fromName) ? fromName : null;
}
