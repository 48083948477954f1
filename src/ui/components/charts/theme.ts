import { displayText } from '../../../core/text';

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

/** the x axis of the Live charts: one category per flow-time bucket */
export const timeAxis = (labels: string[]) => ({ type: 'category', data: labels, boundaryGap: false, ...axisStyle, splitLine: { show: false } });

/** a category axis of names (classes, features, from a file: display text), long ones cut to fit the grid's 150 px left margin */
export const nameAxis = (names: string[], fontSize = 10) => ({
  type: 'category',
  data: names.map((n) => displayText(n, 60)),
  ...axisStyle,
  splitLine: { show: false },
  axisLabel: { ...axisStyle.axisLabel, width: 140, overflow: 'truncate', fontSize },
});

/** Stacked areas, one per protocol: counts per time bucket drawn as rates per second. */
export function protocolAreas(protocols: { name: string; counts: number[] }[], bucketSeconds: number, stack: string, look: { width: number; opacity: number }) {
  const per = bucketSeconds > 0 ? bucketSeconds : 1;
  return protocols.map((p, i) => {
    const color = protocolColour(p.name, i);
    return {
      name: p.name,
      type: 'line',
      stack,
      symbol: 'none',
      data: p.counts.map((v) => v / per),
      lineStyle: { width: look.width, color },
      itemStyle: { color },
      areaStyle: { opacity: look.opacity, color },
    };
  });
}
