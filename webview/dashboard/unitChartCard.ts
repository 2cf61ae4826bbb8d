// A dashboard card holding one line chart over the unit square (ROC, precision-recall, reliability):
// a section with a caption over a square canvas. The chart is made once and redrawn whenever the
// report, the theme or the operating-point marker changes, so it never flickers or leaks.
import type { ChartDataset } from 'chart.js';
import type { EvalReport } from '../../src/engine/types';
import { el, section } from '../shared/dom';
import type { ThemeColors } from '../shared/theme';
import { Chart, lineOptions } from './charts';
import type { Marker } from './marker';

/** What a card draws for a report; undefined hides the card. */
export interface UnitChart {
  caption: string;
  ariaLabel: string;
  xTitle: string;
  yTitle: string;
  datasets: ChartDataset<'line'>[];
}

const UNIT = { min: 0, max: 1, stepSize: 0.2 };

export abstract class UnitChartCard {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private chart?: Chart<'line'>;
  private metrics?: EvalReport;
  protected marker?: Marker;

  constructor(id: string, title: string, captionClass: string, ariaLabel = title) {
    this.canvas = el('canvas', { attrs: { role: 'img', 'aria-label': ariaLabel } });
    this.caption = el('p', { className: `note ${captionClass}` });
    const { root, body } = section(id, title);
    body.append(this.caption, el('div', { className: 'chart-box square' }, [this.canvas]));
    this.root = root;
  }

  protected abstract draw(metrics: EvalReport, theme: ThemeColors): UnitChart | undefined;

  update(metrics: EvalReport | undefined, theme: ThemeColors): void {
    this.metrics = metrics;
    const drawn = metrics && this.draw(metrics, theme);
    this.root.hidden = !drawn;
    if (!drawn) return;
    this.caption.textContent = drawn.caption;
    this.canvas.setAttribute('aria-label', drawn.ariaLabel);
    const options = lineOptions({ theme, xTitle: drawn.xTitle, yTitle: drawn.yTitle, x: UNIT, y: UNIT });
    this.chart ??= new Chart(this.canvas, { type: 'line', data: { datasets: [] }, options });
    this.chart.data.datasets = drawn.datasets;
    this.chart.options = options;
    this.chart.update();
  }

  setMarker(marker: Marker | undefined, theme: ThemeColors): void {
    this.marker = marker;
    this.update(this.metrics, theme);
  }

  retheme(theme: ThemeColors): void {
    this.update(this.metrics, theme);
  }
}

/** The dashed reference line a curve is read against (chance, perfect calibration). */
export function referenceLine(label: string, from: { x: number; y: number }, to: { x: number; y: number }, theme: ThemeColors): ChartDataset<'line'> {
  return { label, data: [from, to], borderColor: theme.muted, backgroundColor: theme.muted, borderDash: [4, 4], borderWidth: 1, pointRadius: 0 };
}
