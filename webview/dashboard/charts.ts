// chart.js with only the pieces our line charts need, plus a tiny plugin of ours for the
// vertical epoch markers. Canvases stay transparent; exports paint the theme background.
import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import type { ThemeColors } from '../shared/theme';

export interface EpochMarker {
  epoch: number;
  label: string;
  color: string;
  dash: number[];
}

declare module 'chart.js' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a merged declaration repeats Chart.js's type parameter
  interface PluginOptionsByType<TType> {
    epochMarkers?: { markers: EpochMarker[] };
  }
}

const MARKER_ROW = 13;

const epochMarkersPlugin: Plugin<'line'> = {
  id: 'epochMarkers',
  afterDatasetsDraw(chart, _args, options: { markers?: EpochMarker[] }) {
    const markers = options.markers ?? [];
    if (markers.length === 0) return;
    const { ctx, chartArea, scales } = chart;
    const x = scales.x;
    ctx.save();
    ctx.font = `11px ${chart.options.font?.family ?? 'sans-serif'}`;
    ctx.textBaseline = 'bottom';
    markers.forEach((m, i) => {
      const px = x.getPixelForValue(m.epoch);
      if (px < chartArea.left - 1 || px > chartArea.right + 1) return;
      ctx.strokeStyle = m.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(m.dash);
      ctx.beginPath();
      ctx.moveTo(px, chartArea.top);
      ctx.lineTo(px, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      // Labels sit in the padding above the plot (one row per marker), never on the curves.
      ctx.fillStyle = m.color;
      const w = ctx.measureText(m.label).width;
      const tx = Math.max(0, Math.min(px - w / 2, chart.width - w - 2));
      ctx.fillText(m.label, tx, chartArea.top - 4 - (markers.length - 1 - i) * MARKER_ROW);
    });
    ctx.restore();
  },
};

let registered = false;
export function registerCharts(): void {
  if (registered) return;
  registered = true;
  Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, epochMarkersPlugin);
  // Snapshots arrive several times a second; animating each would only blur the curves.
  Chart.defaults.animation = false;
}

export interface LineOptionsParams {
  theme: ThemeColors;
  xTitle: string;
  yTitle: string;
  x?: { min?: number; max?: number; stepSize?: number };
  y?: { min?: number; max?: number; stepSize?: number; percent?: boolean };
  markers?: EpochMarker[];
}

/**
 * Complete options for one of our line charts. Rebuilt on every update and theme change rather
 * than patched: chart.js resolves options through proxies that do not survive being copied.
 */
export function lineOptions(p: LineOptionsParams): ChartOptions<'line'> {
  const { theme } = p;
  const axis = (title: string) => ({
    type: 'linear' as const,
    title: { display: true, text: title, color: theme.foreground },
    grid: { color: theme.grid },
    border: { color: theme.grid },
  });
  return {
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    font: { family: theme.fontFamily },
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    layout: { padding: { top: (p.markers?.length ?? 0) * MARKER_ROW + 4 } },
    scales: {
      x: {
        ...axis(p.xTitle),
        min: p.x?.min,
        max: p.x?.max,
        ticks: { color: theme.muted, stepSize: p.x?.stepSize, maxRotation: 0, autoSkipPadding: 8 },
      },
      y: {
        ...axis(p.yTitle),
        min: p.y?.min,
        max: p.y?.max,
        grace: p.y?.min === undefined ? '6%' : 0,
        // An explicit `callback: undefined` would replace Chart.js's number formatter (labels like 0.7150000000000001).
        ticks: { color: theme.muted, stepSize: p.y?.stepSize, ...(p.y?.percent ? { callback: (v: number | string) => `${Math.round(Number(v) * 100)}%` } : {}) },
      },
    },
    plugins: {
      legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 2, color: theme.foreground } },
      epochMarkers: { markers: p.markers ?? [] },
    },
  };
}

export { Chart };
