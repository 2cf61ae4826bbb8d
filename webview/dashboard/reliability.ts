// Reliability diagram: in each probability bin, the mean predicted probability against how often
// it came true. Points on the diagonal mean a probability can be read as a frequency.
import type { EvalReport } from '../../src/engine/types';
import { el, section } from '../shared/dom';
import { fixed } from '../shared/format';
import type { ThemeColors } from '../shared/theme';
import { Chart, lineOptions } from './charts';

export class ReliabilityView {
  readonly root: HTMLElement;
  readonly canvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'Reliability diagram' } });
  private readonly caption = el('p', { className: 'note calibration' });
  private chart?: Chart<'line'>;
  private metrics?: EvalReport;

  constructor() {
    const { root, body } = section('reliability', 'Calibration');
    body.append(this.caption, el('div', { className: 'chart-box square' }, [this.canvas]));
    this.root = root;
  }

  update(metrics: EvalReport | undefined, theme: ThemeColors): void {
    this.metrics = metrics;
    const cal = metrics?.calibration;
    this.root.hidden = !cal;
    if (!metrics || !cal) return;
    const of = cal.of === 'positive' ? `P(${metrics.classes[cal.positiveClass ?? 0]})` : 'the top class’s probability';
    this.caption.textContent = `Brier score ${fixed(cal.brier, 4)} · expected calibration error ${fixed(cal.ece, 4)} · 15 bins of ${of}`;
    this.canvas.setAttribute('aria-label', `Reliability diagram of ${of}: Brier score ${fixed(cal.brier, 4)}, expected calibration error ${fixed(cal.ece, 4)}`);
    const options = lineOptions({ theme, xTitle: 'mean predicted probability', yTitle: cal.of === 'positive' ? 'share positive' : 'share correct', x: { min: 0, max: 1, stepSize: 0.2 }, y: { min: 0, max: 1, stepSize: 0.2 } });
    this.chart ??= new Chart(this.canvas, { type: 'line', data: { datasets: [] }, options });
    this.chart.data.datasets = [
      {
        label: 'model',
        data: cal.bins.map((b) => ({ x: b.meanPredicted, y: b.observed })),
        borderColor: theme.green,
        backgroundColor: theme.green,
        borderWidth: 2,
        // Bigger dots for fuller bins: a point from two images says little.
        pointRadius: cal.bins.map((b) => Math.min(7, 2 + Math.sqrt(b.count) / 2)),
      },
      {
        label: 'perfectly calibrated',
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
    ];
    this.chart.options = options;
    this.chart.update();
  }

  retheme(theme: ThemeColors): void {
    this.update(this.metrics, theme);
  }
}
