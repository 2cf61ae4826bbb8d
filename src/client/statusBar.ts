// The status bar item shown while training: epoch k/n and validation accuracy; a click shows the dashboard.
import * as vscode from 'vscode';
import type { ExtensionCtx } from './extensionCtx';
import { percent } from './logLines';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('fractureCnn.training', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: vscode.Disposable[];
  private epochs: number | undefined;
  private valAcc: number | undefined;

  constructor(private readonly ctx: ExtensionCtx) {
    this.item.name = 'Fracture CNN Training';
    this.item.command = { title: 'Show Dashboard', command: 'fractureCnn.showDashboard' };
    this.subscriptions = [
      ctx.onDidChangeTraining(() => this.refresh()),
      ctx.onBatchProgress((e) => {
        if (!this.isCurrent(e.runId)) return;
        this.epochs = e.progress.epochs;
        this.show(`epoch ${e.progress.epoch}/${e.progress.epochs}`);
      }),
      ctx.onEpochEnd((e) => {
        if (!this.isCurrent(e.runId)) return;
        this.valAcc = e.metrics.valAcc;
        this.show(`epoch ${e.metrics.epoch}/${this.epochs ?? '?'}`);
      }),
      ctx.onTrainingEnd(() => this.refresh()),
      // The next fold of a cross-validation starts afresh.
      ctx.onDidStartRun((run) => {
        if (!run.fold || run.fold.index === 0) return;
        this.valAcc = undefined;
        this.show('starting');
      }),
    ];
  }

  private isCurrent(runId: string): boolean {
    return this.ctx.currentRun?.runId === runId;
  }

  private refresh(): void {
    if (this.ctx.starting && !this.ctx.currentRun) {
      this.item.text = '$(loading~spin) Fracture CNN: reading images';
      this.item.tooltip = 'Reading and decoding the dataset before training.';
      this.item.show();
    } else if (!this.ctx.currentRun) {
      this.item.hide();
      this.item.text = '';
      this.epochs = undefined;
      this.valAcc = undefined;
    } else if (!this.item.text.includes('epoch')) {
      this.show('starting');
    }
  }

  private show(stage: string): void {
    const run = this.ctx.currentRun;
    if (!run) return;
    const acc = this.valAcc === undefined ? '' : ` · val acc ${percent(this.valAcc)}`;
    const cv = this.ctx.currentCrossValidation;
    const fold = cv ? `fold ${cv.index + 1}/${cv.folds} · ` : '';
    this.item.text = `$(loading~spin) Fracture CNN: ${fold}${stage}${acc}`;
    this.item.tooltip = `Training run ${run.runId} in ${run.runFolder}${cv ? `\nFold ${cv.index + 1} of ${cv.folds} of cross-validation ${cv.id}` : ''}\nClick to show the dashboard.`;
    this.item.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
