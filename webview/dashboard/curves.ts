// The live training curves: loss and accuracy per epoch, train and validation, with the best
// (restored) epoch and the early-stopping epoch marked.
import type { RunRecord } from '../../src/engine/types';
import { el, section } from '../shared/dom';
import { fixed, percent } from '../shared/format';
import type { ThemeColors } from '../shared/theme';
import { Chart, lineOptions, type EpochMarker } from './charts';

export class CurvesView {
  readonly root: HTMLElement;
  readonly lossCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'Loss per epoch' } });
  readonly accCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'Accuracy per epoch' } });
  private readonly note = el('p', { className: 'note markers-note' });
  private readonly empty = el('p', { className: 'empty', text: 'Curves appear after the first epoch.' });
  readonly exportButtonSlot = el('div', { className: 'card-actions' });
  private loss?: Chart<'line'>;
  private acc?: Chart<'line'>;
  private run?: RunRecord;

  constructor() {
    const { root, body } = section('curves', 'Training curves');
    root.querySelector('h2')?.after(this.exportButtonSlot);
    body.append(
      this.empty,
      el('div', { className: 'charts' }, [
        el('div', { className: 'chart-box' }, [this.lossCanvas]),
        el('div', { className: 'chart-box' }, [this.accCanvas]),
      ]),
      this.note,
    );
    this.root = root;
  }

  update(run: RunRecord | undefined, theme: ThemeColors): void {
    this.run = run;
    const history = run?.history ?? [];
    this.root.hidden = !run;
    if (!run) return;
    this.empty.hidden = history.length > 0;
    this.ensureCharts(theme);
    const markers = this.markers(run, theme);
    // While training, the axis spans the planned epochs; afterwards, the epochs actually run.
    const maxEpoch = Math.max(run.state === 'running' ? run.config.epochs : history.length, 2);
    const series = (pick: (m: (typeof history)[number]) => number): { x: number; y: number }[] =>
      history.map((m) => ({ x: m.epoch, y: pick(m) }));
    const x = { min: 1, max: maxEpoch, stepSize: 1 };
    this.fill(this.loss!, lineOptions({ theme, xTitle: 'epoch', yTitle: 'loss', x, markers }), [
      { label: 'training loss', data: series((m) => m.loss), color: theme.blue, dash: [] },
      { label: 'validation loss', data: series((m) => m.valLoss), color: theme.orange, dash: [6, 3] },
    ]);
    this.fill(this.acc!, lineOptions({ theme, xTitle: 'epoch', yTitle: 'accuracy', x, y: { min: 0, max: 1, percent: true }, markers }), [
      { label: 'training accuracy', data: series((m) => m.acc), color: theme.blue, dash: [] },
      { label: 'validation accuracy', data: series((m) => m.valAcc), color: theme.orange, dash: [6, 3] },
    ]);
    const last = history[history.length - 1];
    if (last) {
      this.lossCanvas.setAttribute('aria-label', `Loss per epoch; epoch ${last.epoch}: training ${fixed(last.loss)}, validation ${fixed(last.valLoss)}`);
      this.accCanvas.setAttribute('aria-label', `Accuracy per epoch; epoch ${last.epoch}: training ${percent(last.acc)}, validation ${percent(last.valAcc)}`);
    }
    this.note.textContent = markers.map((m) => m.label).join(' · ');
    this.note.hidden = markers.length === 0;
  }

  /** Redraws with the current theme's colours. */
  retheme(theme: ThemeColors): void {
    if (this.run) this.update(this.run, theme);
  }

  private markers(run: RunRecord, theme: ThemeColors): EpochMarker[] {
    const out: EpochMarker[] = [];
    if (run.bestEpoch !== undefined) {
      const label = run.state === 'running' ? `best so far: epoch ${run.bestEpoch}` : `best epoch ${run.bestEpoch} (weights kept)`;
      out.push({ epoch: run.bestEpoch, label, color: theme.green, dash: [] });
    }
    if (run.stoppedEpoch !== undefined) {
      out.push({ epoch: run.stoppedEpoch, label: `early stop after epoch ${run.stoppedEpoch}`, color: theme.red, dash: [4, 4] });
    }
    return out;
  }

  private ensureCharts(theme: ThemeColors): void {
    if (this.loss && this.acc) return;
    this.loss = new Chart(this.lossCanvas, { type: 'line', data: { datasets: [] }, options: lineOptions({ theme, xTitle: 'epoch', yTitle: 'loss' }) });
    this.acc = new Chart(this.accCanvas, { type: 'line', data: { datasets: [] }, options: lineOptions({ theme, xTitle: 'epoch', yTitle: 'accuracy' }) });
  }

  private fill(
    chart: Chart<'line'>,
    options: ReturnType<typeof lineOptions>,
    lines: { label: string; data: { x: number; y: number }[]; color: string; dash: number[] }[],
  ): void {
    chart.data.datasets = lines.map((l) => ({
      label: l.label,
      data: l.data,
      borderColor: l.color,
      backgroundColor: l.color,
      borderDash: l.dash,
      borderWidth: 2,
      pointRadius: l.data.length > 40 ? 0 : 2.5,
      tension: 0,
      clip: false as const, // the first and last points sit on the axes: draw them whole
    }));
    chart.options = options;
    chart.update();
  }

  /** Both curves stacked into one PNG (base64, no data: prefix). */
  toPng(theme: ThemeColors): string | undefined {
    if (!this.loss || !this.acc || (this.run?.history.length ?? 0) === 0) return undefined;
    const a = this.lossCanvas;
    const b = this.accCanvas;
    const out = document.createElement('canvas');
    out.width = Math.max(a.width, b.width);
    out.height = a.height + b.height;
    const ctx = out.getContext('2d')!;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(a, 0, 0);
    ctx.drawImage(b, 0, a.height);
    return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  }
}
