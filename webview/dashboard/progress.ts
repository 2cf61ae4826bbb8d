// The run's status line and, while it trains, the per-batch progress bar with its ETA.
import { modelUnusable } from '../../src/engine/eval/health';
import type { BatchProgress, RunRecord } from '../../src/engine/types';
import { el } from '../shared/dom';
import { dateTime, duration, fixed, percent } from '../shared/format';

const STATE_TEXT: Record<RunRecord['state'], string> = {
  running: 'Training',
  completed: 'Completed',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** The badge's words: a completed run whose model has warnings must not read as a plain success. */
export function stateText(run: RunRecord): string {
  const warnings = run.metrics?.warnings ?? [];
  if (run.state !== 'completed' || warnings.length === 0) return STATE_TEXT[run.state];
  return modelUnusable(warnings) ? 'Completed · model not usable' : 'Completed · too few test images to judge';
}

/** Share of the whole training done after this batch, from 0 to 1. */
export function overallFraction(p: BatchProgress): number {
  const total = p.epochs * p.batches;
  if (total <= 0) return 0;
  return Math.min(1, Math.max(0, ((p.epoch - 1) * p.batches + p.batch) / total));
}

export class ProgressView {
  readonly root = el('section', { className: 'status', attrs: { 'aria-label': 'Run status' } });
  private readonly stateLine = el('p', { className: 'state-line' });
  private readonly badge = el('span', { className: 'state-badge' });
  private readonly meta = el('span', { className: 'meta' });
  private readonly bar = el('progress', { attrs: { max: 1, 'aria-label': 'Training progress' } });
  private readonly barText = el('p', { className: 'progress-text', attrs: { 'aria-live': 'polite' } });
  private readonly error = el('p', { className: 'error', attrs: { role: 'alert' } });
  private readonly barBox = el('div', { className: 'progress' }, [this.bar, this.barText]);

  constructor() {
    this.stateLine.append(this.badge, this.meta);
    this.root.append(this.stateLine, this.barBox, this.error);
  }

  update(run: RunRecord | undefined, lastBatch: BatchProgress | undefined): void {
    this.root.hidden = !run;
    if (!run) return;
    this.badge.textContent = stateText(run);
    this.badge.dataset.state = run.state;
    this.badge.toggleAttribute('data-warning', run.state === 'completed' && Boolean(run.metrics?.warnings?.length));
    const parts = [`started ${dateTime(run.startedAt)}`, run.backend ? `backend ${run.backend}${run.kernels ? ` (${run.kernels} kernels)` : ''}` : '', `${run.history.length} of ${run.config.epochs} epochs`].filter(Boolean);
    if (run.modelParams) parts.push(`${run.modelParams.toLocaleString('en-US')} parameters`);
    // A cross-validation's runs look alike otherwise.
    if (run.fold) parts.unshift(`fold ${run.fold.index + 1} of ${run.fold.count}`);
    this.meta.textContent = parts.join(' · ');

    const running = run.state === 'running';
    this.barBox.hidden = !running;
    if (running) {
      if (lastBatch) {
        this.bar.value = overallFraction(lastBatch);
        this.barText.textContent =
          `Epoch ${lastBatch.epoch} of ${lastBatch.epochs} · batch ${lastBatch.batch} of ${lastBatch.batches} · ` +
          `loss ${fixed(lastBatch.loss)} · accuracy ${percent(lastBatch.acc)} · about ${duration(lastBatch.eta)} left`;
      } else {
        this.bar.removeAttribute('value'); // indeterminate until the first batch
        this.barText.textContent = run.dataset ? 'Starting the first epoch…' : 'Reading the dataset…';
      }
    }
    this.error.hidden = !run.error;
    this.error.textContent = run.error ?? '';
  }
}
