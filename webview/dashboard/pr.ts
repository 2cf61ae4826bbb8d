// Precision-recall curve with its average precision, beside the ROC (two-class runs). On a rare
// positive class it shows what the ROC hides: how many of the images called positive are.
import type { EvalReport } from '../../src/engine/types';
import { el, section } from '../shared/dom';
import { fixed } from '../shared/format';
import type { ThemeColors } from '../shared/theme';
import { Chart, lineOptions } from './charts';
import { markerDataset, type Marker } from './marker';

export class PrView {
  readonly root: HTMLElement;
  readonly canvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'Precision-recall curve' } });
  private readonly caption = el('p', { className: 'note ap' });
  private chart?: Chart<'line'>;
  private metrics?: EvalReport;
  private marker?: Marker;

  constructor() {
    const { root, body } = section('pr', 'Precision-recall curve');
    body.append(this.caption, el('div', { className: 'chart-box square' }, [this.canvas]));
    this.root = root;
  }

  update(metrics: EvalReport | undefined, theme: ThemeColors): void {
    this.metrics = metrics;
    const pr = metrics?.pr;
    this.root.hidden = !pr;
    if (!metrics || !pr) return;
    const positive = metrics.classes[pr.positiveClass] ?? String(pr.positiveClass);
    this.caption.textContent = `Average precision ${fixed(pr.averagePrecision)} · prevalence ${fixed(pr.prevalence)} · positive class: ${positive}`;
    this.canvas.setAttribute('aria-label', `Precision-recall curve, average precision ${fixed(pr.averagePrecision)}, positive class ${positive}`);
    const options = lineOptions({ theme, xTitle: 'recall (sensitivity)', yTitle: 'precision (PPV)', x: { min: 0, max: 1, stepSize: 0.2 }, y: { min: 0, max: 1, stepSize: 0.2 } });
    this.chart ??= new Chart(this.canvas, { type: 'line', data: { datasets: [] }, options });
    this.chart.data.datasets = [
      { label: `PR (AP ${fixed(pr.averagePrecision)})`, data: pr.points.map(([x, y]) => ({ x, y })), borderColor: theme.purple, backgroundColor: theme.purple, borderWidth: 2, pointRadius: 0, stepped: 'after' },
      {
        label: 'guessing',
        data: [
          { x: 0, y: pr.prevalence },
          { x: 1, y: pr.prevalence },
        ],
        borderColor: theme.muted,
        backgroundColor: theme.muted,
        borderDash: [4, 4],
        borderWidth: 1,
        pointRadius: 0,
      },
      ...markerDataset(this.marker, theme),
    ];
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
