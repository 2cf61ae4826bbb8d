// The operating point drawn on a curve: one large dot.
import type { ChartDataset } from 'chart.js';
import type { ThemeColors } from '../shared/theme';

export interface Marker {
  x: number;
  y: number;
  label: string;
}

export function markerDataset(marker: Marker | undefined, theme: ThemeColors): ChartDataset<'line'>[] {
  if (!marker || !Number.isFinite(marker.x) || !Number.isFinite(marker.y)) return [];
  return [{ label: marker.label, data: [{ x: marker.x, y: marker.y }], showLine: false, pointRadius: 6, pointHoverRadius: 7, borderColor: theme.orange, backgroundColor: theme.orange, borderWidth: 2 }];
}
