/** Column lists of the Canadian Institute for Cybersecurity's IoT/IoMT CSV releases. */

const FLAGS = ['fin_flag_number', 'syn_flag_number', 'rst_flag_number', 'psh_flag_number', 'ack_flag_number', 'ece_flag_number', 'cwr_flag_number'];
const APP_PROTOCOLS = ['HTTP', 'HTTPS', 'DNS', 'Telnet', 'SMTP', 'SSH', 'IRC', 'TCP', 'UDP', 'DHCP', 'ARP', 'ICMP'];
const SIZES = ['Tot sum', 'Min', 'Max', 'AVG', 'Std', 'Tot size', 'IAT', 'Number'];

/** CICIoMT2024, first CSV release: 45 features. */
export const CICIOMT_V1_COLUMNS = [
  'Header_Length',
  'Protocol Type',
  'Duration',
  'Rate',
  'Srate',
  'Drate',
  ...FLAGS,
  'ack_count',
  'syn_count',
  'fin_count',
  'rst_count',
  ...APP_PROTOCOLS,
  'IGMP',
  'IPv',
  'LLC',
  ...SIZES,
  'Magnitue',
  'Radius',
  'Covariance',
  'Variance',
  'Weight',
];

/** CICIoMT2024, newer CSV release: 39 features, `Time_To_Live` instead of `Duration`. */
export const CICIOMT_V2_COLUMNS = [
  'Header_Length',
  'Protocol Type',
  'Time_To_Live',
  'Rate',
  ...FLAGS,
  'ack_count',
  'syn_count',
  'fin_count',
  'rst_count',
  ...APP_PROTOCOLS,
  'IGMP',
  'IPv',
  'LLC',
  ...SIZES,
  'Variance',
];

/** CICIoT2023: 46 features (no IGMP, an extra urg_count and flow_duration). */
export const CICIOT2023_COLUMNS = [
  'flow_duration',
  'Header_Length',
  'Protocol Type',
  'Duration',
  'Rate',
  'Srate',
  'Drate',
  ...FLAGS,
  'ack_count',
  'syn_count',
  'fin_count',
  'urg_count',
  'rst_count',
  ...APP_PROTOCOLS,
  'IPv',
  'LLC',
  ...SIZES,
  'Magnitue',
  'Radius',
  'Covariance',
  'Variance',
  'Weight',
];
/** The CICIoT2023 re-release names the TTL column as the newer CICIoMT release does. */
export const CICIOT2023_TTL_ALIAS = 'Time_To_Live';

/** Label columns seen in CIC files and in the copies projects made of them. */
export const CIC_LABEL_COLUMNS = ['attack_type', 'label', 'Label', 'class', 'Class', 'attack'];

/**
 * Columns the lab's flow extractor adds after the release's 39 (src/core/packets/host-counts.ts):
 * the TCP SYN packets the window's host sent lately, as counts that halve every 1 s and every 10 s.
 */
export const HOST_COUNT_COLUMNS = ['host_syn_1s', 'host_syn_10s'];
