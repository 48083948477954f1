/** The lab's chart look: the page's dark palette, quiet axes, one colour per protocol and meaning. */
export const ink = {
  text: '#e6edf3',
  muted: '#9fb0c3',
  line: '#26364a',
  grid: '#1d2a38',
  accent: '#4cc2ff',
  bad: '#ff6b6b',
  good: '#5ad17a',
  warn: '#e0b341',
};

/** protocol colours, stable across charts */
export const protocolColours: Record<string, string> = {
  TCP: '#4cc2ff',
  UDP: '#a78bfa',
  ICMP: '#f59e0b',
  ARP: '#f472b6',
  MQTT: '#34d399',
  Other: '#94a3b8',
};
export const protocolColour = (name: string, i: number) => protocolColours[name] ?? ['#60a5fa', '#fbbf24', '#c084fc', '#2dd4bf'][i % 4];

export const axisStyle = {
  axisLine: { lineStyle: { color: ink.line } },
  axisTick: { show: false },
  axisLabel: { color: ink.muted, fontSize: 11, hideOverlap: true },
  splitLine: { lineStyle: { color: ink.grid } },
  nameTextStyle: { color: ink.muted, fontSize: 11 },
};

export const tooltipStyle = {
  backgroundColor: '#0b121a',
  borderColor: ink.line,
  textStyle: { color: ink.text, fontSize: 12 },
  confine: true,
};

export const legendStyle = {
  textStyle: { color: ink.muted, fontSize: 11 },
  itemWidth: 12,
  itemHeight: 8,
  top: 0,
  right: 0,
  type: 'scroll' as const,
  pageTextStyle: { color: ink.muted },
};

/** Flow time on an axis: wall-clock time for epoch seconds, else elapsed h:mm:ss. */
export function formatFlowTime(t: number): string {
  if (!Number.isFinite(t)) return '';
  if (t > 1e9) {
    const d = new Date(t * 1000);
    return d.toISOString().slice(11, 19);
  }
  const s = Math.max(0, Math.round(t));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

/** a score or threshold, short */
export function formatScore(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000 || a < 0.001) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return Number(v.toPrecision(3)).toString();
}
