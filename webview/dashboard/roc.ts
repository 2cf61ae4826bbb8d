// ROC curve with its AUC, shown for two-class runs.
import type { EvalReport } from '../../src/engine/types';
import { el, section } from '../shared/dom';
import { fixed } from '../shared/format';
import type { ThemeColors } from '../shared/theme';
import { Chart, lineOptions } from './charts';
import { markerDataset, type Marker } from './marker';

export class RocView {
  readonly root: HTMLElement;
  readonly canvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'ROC curve' } });
  private readonly caption = el('p', { className: 'note auc' });
  private chart?: Chart<'line'>;
  private metrics?: EvalReport;
  private marker?: Marker;

  constructor() {
    const { root, body } = section('roc', 'ROC curve');
    body.append(this.caption, el('div', { className: 'chart-box square' }, [this.canvas]));
    this.root = root;
  }

  update(metrics: EvalReport | undefined, theme: ThemeColors): void {
    this.metrics = metrics;
    const roc = metrics?.roc;
    this.root.hidden = !roc;
    if (!metrics || !roc) return;
    const positive = metrics.classes[roc.positiveClass] ?? String(roc.positiveClass);
    const ci = metrics.intervals?.auc;
    this.caption.textContent = `AUC ${fixed(roc.auc)}${ci ? ` (95% interval ${fixed(ci[0])}–${fixed(ci[1])})` : ''} · positive class: ${positive}`;
    this.canvas.setAttribute('aria-label', `ROC curve, area under the curve ${fixed(roc.auc)}, positive class ${positive}`);
    const options = lineOptions({ theme, xTitle: 'false positive rate', yTitle: 'true positive rate', x: { min: 0, max: 1, stepSize: 0.2 }, y: { min: 0, max: 1, stepSize: 0.2 } });
    this.chart ??= new Chart(this.canvas, { type: 'line', data: { datasets: [] }, options });
    this.chart.data.datasets = [
      {
        label: `ROC (AUC ${fixed(roc.auc)})`,
        data: roc.points.map(([x, y]) => ({ x, y })),
        borderColor: theme.blue,
        backgroundColor: theme.blue,
        borderWidth: 2,
        pointRadius: 0,
        stepped: false,
      },
      {
        label: 'chance',
        data: [
          { x: 0, y: 0 },
          { x: 1, y: 1 },
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
