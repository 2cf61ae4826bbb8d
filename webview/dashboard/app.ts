// The dashboard page: lays the views out and, from each full state snapshot, re-renders the
// sections whose data changed. Progress snapshots come four times a second while training:
// rebuilding an unchanged section would throw away the user's focus, scroll and open details.
import type { DashboardState } from '../../src/protocol/webview';
import {
  ClassifyImageCommand,
  DidChangeDashboardStateNotification,
  DidExportNotification,
  DidUseThresholdNotification,
  ExportCommand,
  OpenFileCommand,
  ReadyCommand,
  SelectRunCommand,
  TrainModelCommand,
  UseThresholdCommand,
} from '../../src/protocol/webview';
import { reportMarkdown } from '../../src/engine/runs/reportMarkdown';
import { el } from '../shared/dom';
import { HostConnection } from '../shared/ipc';
import { onThemeChange, readTheme } from '../shared/theme';
import { toolkitButton } from '../shared/toolkit';
import { ConfusionView } from './confusion';
import { CurvesView } from './curves';
import { DatasetView } from './dataset';
import { MistakesView } from './mistakes';
import { confusionOf, OperatingPointView, type OperatingFigures } from './operatingPoint';
import { PrView } from './pr';
import { ProgressView } from './progress';
import { ReliabilityView } from './reliability';
import { ReportView } from './report';
import { RocView } from './roc';
import { RunPicker } from './runPicker';
import { WarningsView } from './warnings';

/** What the webview keeps across reloads; the host reads it back when it revives the panel. */
export interface DashboardWebviewState {
  selectedRunId?: string;
}

export class DashboardApp {
  private readonly host = new HostConnection<DashboardWebviewState>();
  private state?: DashboardState;
  private readonly picker = new RunPicker((runId) => {
    this.host.setState({ selectedRunId: runId });
    this.host.post(SelectRunCommand, { runId });
  });
  private readonly progress = new ProgressView();
  private readonly warnings = new WarningsView();
  private readonly curves = new CurvesView();
  private readonly dataset = new DatasetView((path) => this.openFile(path));
  private readonly report = new ReportView();
  private readonly confusion = new ConfusionView();
  private readonly roc = new RocView();
  private readonly pr = new PrView();
  private readonly reliability = new ReliabilityView();
  private readonly operating = new OperatingPointView(
    (f) => this.showOperatingPoint(f),
    (value) => {
      const runId = this.state?.run?.id;
      if (runId) this.host.post(UseThresholdCommand, { runId, value });
    },
  );
  private readonly mistakes = new MistakesView(
    (path) => this.openFile(path),
    (path) => this.host.post(ClassifyImageCommand, { path }),
  );
  private readonly exportStatus = el('p', { className: 'export-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly empty = el('div', { className: 'empty-state' });
  private readonly problem = el('p', { className: 'error problem', attrs: { role: 'alert' } });
  /** What each section last rendered, as JSON. */
  private readonly rendered = new Map<string, string>();

  constructor(private readonly root: HTMLElement) {
    const train = toolkitButton('Train a model');
    train.addEventListener('click', () => this.host.post(TrainModelCommand, {}));
    this.empty.append(el('p', { text: 'No training runs yet in this workspace.' }), train);

    this.addExport(this.curves.exportButtonSlot, 'Export PNG', 'Export the training curves as PNG', () => this.exportPng('curves.png', this.curves.toPng(readTheme())));
    this.addExport(this.confusion.exportButtonSlot, 'Export PNG', 'Export the confusion matrix as PNG', () =>
      this.exportPng('confusion-matrix.png', this.confusion.toPng(readTheme())),
    );
    this.addExport(this.report.exportButtonSlot, 'Export Markdown', 'Export the report as Markdown', () => this.exportMarkdown());

    const header = el('header', { className: 'top' }, [el('h1', { text: 'Fracture CNN training' }), this.picker.root]);
    const grid = el('div', { className: 'grid' }, [
      this.curves.root,
      this.dataset.root,
      this.report.root,
      this.confusion.root,
      this.operating.root,
      this.roc.root,
      this.pr.root,
      this.reliability.root,
      this.mistakes.root,
    ]);
    root.append(header, this.problem, this.empty, this.progress.root, this.warnings.root, this.exportStatus, grid);
    this.exportStatus.hidden = true;

    this.host.on(DidChangeDashboardStateNotification, ({ state }) => this.render(state));
    this.host.on(DidExportNotification, (result) => this.showExport(result));
    this.host.on(DidUseThresholdNotification, (result) => this.operating.showStatus('error' in result ? `Not stored: ${result.error}` : result.message));
    onThemeChange(() => this.retheme());
    this.render(undefined);
  }

  /** Says hello to the host; asks again for the run shown before a reload, if any. */
  start(): void {
    this.host.post(ReadyCommand, {});
    const saved = this.host.getState()?.selectedRunId;
    if (saved) this.host.post(SelectRunCommand, { runId: saved });
  }

  private render(state: DashboardState | undefined): void {
    this.state = state;
    const theme = readTheme();
    const run = state?.run;
    const metrics = run?.metrics;
    if (state?.selectedRunId) this.host.setState({ selectedRunId: state.selectedRunId });
    this.root.setAttribute('aria-busy', state ? 'false' : 'true');
    this.empty.hidden = !state || state.runs.length > 0 || !!run;
    this.problem.hidden = !state?.problem;
    this.problem.textContent = state?.problem ?? '';
    if (this.changed('picker', state?.runs, state?.selectedRunId)) this.picker.update(state?.runs ?? [], state?.selectedRunId);
    this.progress.update(run, state?.lastBatch);
    if (this.changed('warnings', run?.id, run?.state, run?.metrics?.warnings)) this.warnings.update(run);
    if (this.changed('curves', run?.id, run?.state, run?.config.epochs, run?.history, run?.bestEpoch, run?.stoppedEpoch)) this.curves.update(run, theme);
    if (this.changed('dataset', run?.id, run?.dataset, run?.backend, run?.classWeights)) this.dataset.update(run);
    if (this.changed('report', run?.id, metrics, run?.bestEpoch, run?.stoppedEpoch, run?.timings)) this.report.update(run);
    if (this.changed('confusion', metrics)) this.confusion.update(metrics);
    if (this.changed('roc', metrics)) this.roc.update(metrics, theme);
    if (this.changed('pr', metrics)) this.pr.update(metrics, theme);
    if (this.changed('reliability', metrics)) this.reliability.update(metrics, theme);
    // After the confusion matrix and the curves: it redraws them at the model's threshold.
    if (this.changed('operating', run?.id, run?.state, metrics)) this.operating.update(metrics, run?.state === 'completed');
    if (this.changed('mistakes', metrics, state?.imageUris)) this.mistakes.update(metrics, state?.imageUris ?? {});
  }

  /** True (and remembered) when a section's data differs from what it shows. */
  private changed(section: string, ...data: unknown[]): boolean {
    const json = JSON.stringify(data);
    if (this.rendered.get(section) === json) return false;
    this.rendered.set(section, json);
    return true;
  }

  private retheme(): void {
    const theme = readTheme();
    this.curves.retheme(theme);
    this.roc.retheme(theme);
    this.pr.retheme(theme);
    this.reliability.retheme(theme);
  }

  /** The slider moved (or the run changed): the confusion matrix and both curves' markers follow. */
  private showOperatingPoint(f: OperatingFigures | undefined): void {
    const metrics = this.state?.run?.metrics;
    const theme = readTheme();
    if (!f || !metrics?.testScores) {
      this.roc.setMarker(undefined, theme);
      this.pr.setMarker(undefined, theme);
      return;
    }
    this.confusion.update({ ...metrics, confusion: confusionOf(f, metrics.testScores.positiveClass) });
    const label = `threshold ${f.threshold.toFixed(3)}`;
    this.roc.setMarker({ x: 1 - f.specificity, y: f.sensitivity, label }, theme);
    this.pr.setMarker({ x: f.sensitivity, y: f.ppv, label }, theme);
  }

  private openFile(path: string): void {
    this.host.post(OpenFileCommand, { path });
  }

  private addExport(slot: HTMLElement, label: string, ariaLabel: string, action: () => void): void {
    const b = toolkitButton(label, { appearance: 'secondary', ariaLabel });
    b.addEventListener('click', action);
    slot.append(b);
  }

  private exportPng(fileName: string, data: string | undefined): void {
    const runId = this.state?.run?.id;
    if (!runId || !data) return;
    this.host.post(ExportCommand, { runId, fileName, kind: 'png', data });
  }

  private exportMarkdown(): void {
    const run = this.state?.run;
    if (!run) return;
    this.host.post(ExportCommand, { runId: run.id, fileName: 'dashboard-report.md', kind: 'markdown', data: reportMarkdown(run) });
  }

  private showExport(result: { path: string } | { error: string }): void {
    this.exportStatus.hidden = false;
    this.exportStatus.replaceChildren();
    if ('error' in result) {
      this.exportStatus.classList.add('error');
      this.exportStatus.textContent = `Export failed: ${result.error}`;
      return;
    }
    this.exportStatus.classList.remove('error');
    const link = el('button', { className: 'link', text: result.path, attrs: { type: 'button' } });
    link.addEventListener('click', () => this.openFile(result.path));
    this.exportStatus.append('Saved ', link);
  }
}
