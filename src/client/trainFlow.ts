// "Fracture CNN: Train": pick the dataset, make room when a training runs already, start the run
// (its dashboard opens beside the editor), and announce how it ended with the next steps.
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import { ResponseError } from 'vscode-languageclient/node';
import type { RunRecord, TrainingOutcome } from '../engine/types';
import { CancelRequest, ListRunsRequest, TrainingErrorCodes, TrainRequest, type CrossValidationEnd } from '../protocol/training';
import type { ExtensionCtx } from './extensionCtx';
import { describeCrossValidation, describeEvaluation, percent } from './logLines';
import { openReport } from './reports';
import { settingForMessage } from './settings';

const CANCEL_RUNNING = 'Cancel the running training';
const WAIT = 'Wait';
const OPEN_REPORT = 'Open Report';
const CLASSIFY = 'Classify an Image...';
const COMPARE = 'Compare with Previous Run';
const SHOW_DASHBOARD = 'Show Dashboard';

export class Trainer implements vscode.Disposable {
  private starting = false;
  private readonly started = new Map<string, { folder: string; dashboardOpened: boolean }>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly ctx: ExtensionCtx) {
    this.subscriptions = [
      ctx.onTrainingEnd((e) => void this.announce(e.runId, e.outcome)),
      ctx.onCrossValidationEnd((e) => void this.announceCrossValidation(e.runId, e.runFolder, e.outcome)),
    ];
  }

  async train(uri?: vscode.Uri): Promise<void> {
    if (this.starting) {
      void vscode.window.showInformationMessage('Fracture CNN: a training is starting already (reading its dataset); cancel it or wait for it.');
      return;
    }
    // The dataset first: after waiting for the running training, the next one starts unattended.
    const target = uri ? await this.ctx.datasets.forFolder(uri) : await this.ctx.datasets.choose();
    if (!target) return;
    if (!(await this.makeRoom())) return;
    this.starting = true;
    this.ctx.starting = true;
    try {
      // Settings may have changed while the user waited: read them now.
      const params = { datasetFolder: target.folder, runsFolder: target.config.runsFolder, config: target.config.trainConfig };
      this.ctx.output.info(`Training on ${params.datasetFolder}; runs go to ${params.runsFolder}.`);
      const result = await this.ctx.sendRequest(TrainRequest, params);
      const openDashboard = target.config.openDashboardOnTrain;
      this.started.set(result.runId, { folder: result.runFolder, dashboardOpened: openDashboard });
      const cv = result.crossValidation;
      if (cv) this.ctx.output.info(`Cross-validation ${cv.id} (${cv.folds} folds, summary in ${cv.folder}): fold 1/${cv.folds} is run ${result.runId} in ${result.runFolder}.`);
      else this.ctx.output.info(`Run ${result.runId} started in ${result.runFolder}.`);
      this.ctx.beginRun(result, { openDashboard });
    } catch (error) {
      await this.showStartError(error);
    } finally {
      this.starting = false;
      this.ctx.starting = false;
    }
  }

  /** With a training running: asks to cancel it or to wait for it; true when the new one may start. */
  private async makeRoom(): Promise<boolean> {
    const run = this.ctx.currentRun;
    if (!run) return true;
    const answer = await vscode.window.showWarningMessage(
      'A training is running already.',
      { modal: true, detail: `Only one training runs at a time. ${this.ctx.currentCrossValidation ? `Cross-validation ${this.ctx.currentCrossValidation.id} (run ${run.runId})` : `Run ${run.runId}`} is training now.` },
      CANCEL_RUNNING,
      WAIT,
    );
    if (answer === CANCEL_RUNNING) {
      const ended = this.ctx.waitForEnd(run.runId);
      await this.ctx.sendRequest(CancelRequest, { runId: run.runId });
      await ended;
      return true;
    }
    if (answer !== WAIT) return false;
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Fracture CNN: the next training starts when the running one ends', cancellable: true },
      (_progress, token) =>
        new Promise<boolean>((resolve) => {
          token.onCancellationRequested(() => resolve(false));
          void this.ctx.waitForEnd(run.runId).then(() => resolve(!token.isCancellationRequested));
        }),
    );
  }

  private async showStartError(error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    this.ctx.output.error(`Training did not start: ${message}`);
    // A crash while the dataset was read has been reported already, with what happens next.
    if (this.ctx.processCrashed) return;
    const code = error instanceof ResponseError ? error.code : undefined;
    if (code === TrainingErrorCodes.cancelled) {
      void vscode.window.showInformationMessage('Fracture CNN: training cancelled while reading the dataset.');
      return;
    }
    if (code === TrainingErrorCodes.alreadyTraining) {
      void vscode.window.showWarningMessage(`Fracture CNN: ${message}`);
      return;
    }
    const setting = code === TrainingErrorCodes.invalidSettings ? settingForMessage(message) : undefined;
    const datasetProblem = code === TrainingErrorCodes.datasetError || code === TrainingErrorCodes.notFound;
    const actions = setting ? ['Open Settings'] : datasetProblem ? ['Select Dataset Folder', 'Show Log'] : ['Show Log'];
    const answer = await vscode.window.showErrorMessage(`Fracture CNN: training did not start: ${message}`, ...actions);
    if (answer === 'Open Settings' && setting) {
      await vscode.commands.executeCommand('workbench.action.openSettings', setting);
    } else if (answer === 'Select Dataset Folder') {
      await vscode.commands.executeCommand('fractureCnn.selectDataset');
    } else if (answer === 'Show Log') {
      this.ctx.output.show(true);
    }
  }

  private async announce(runId: string, outcome: TrainingOutcome): Promise<void> {
    const started = this.started.get(runId);
    this.started.delete(runId);
    // A fold's end goes to the log; the cross-validation's end is announced once, with its summary.
    const fold = outcome.run?.fold;
    if (fold || this.ctx.currentCrossValidation) {
      const which = fold ? `Fold ${fold.index + 1}/${fold.count}` : 'Fold';
      const metrics = outcome.tag === 'completed' ? outcome.run.metrics : undefined;
      if (outcome.tag === 'failed') this.ctx.output.error(`[${runId}] ${which} failed: ${outcome.message}`);
      else this.ctx.output.info(`[${runId}] ${which} ${outcome.tag}${metrics ? `: ${describeEvaluation(metrics)}` : '.'}`);
      return;
    }
    if (outcome.tag === 'completed') {
      const metrics = outcome.run.metrics;
      if (metrics) this.ctx.output.info(`[${runId}] ${describeEvaluation(metrics)}`);
      const warnings = metrics?.warnings ?? [];
      for (const w of warnings) this.ctx.output.warn(`[${runId}] ${w.message} ${w.suggestion}`);
      const folder = started?.folder;
      const previous = folder ? await this.previousRun(folder, outcome.run).catch(() => undefined) : undefined;
      const actions = [OPEN_REPORT, CLASSIFY, ...(previous ? [COMPARE] : []), ...(started?.dashboardOpened ? [] : [SHOW_DASHBOARD])];
      const finished = `Fracture CNN: training finished, test accuracy ${percent(metrics?.accuracy)} (run ${runId}, ${outcome.run.history.length} epochs).`;
      // A model that looks complete but is useless must not be announced like a good one.
      const answer = await (warnings.length
        ? vscode.window.showWarningMessage(`${finished} Warning: ${warnings[0].message}`, ...actions)
        : vscode.window.showInformationMessage(finished, ...actions));
      if (answer === OPEN_REPORT) await openReport(this.ctx, folder);
      else if (answer === CLASSIFY) await vscode.commands.executeCommand('fractureCnn.classify'); // asks for the images
      else if (answer === COMPARE && folder && previous) await vscode.commands.executeCommand('fractureCnn.run.compare', { runFolder: folder }, previous);
      else if (answer === SHOW_DASHBOARD) await vscode.commands.executeCommand('fractureCnn.run.openDashboard', runId);
    } else if (outcome.tag === 'cancelled') {
      this.ctx.output.info(`[${runId}] Training cancelled.`);
      void vscode.window.showInformationMessage(`Fracture CNN: training cancelled (run ${runId}).`);
    } else {
      this.ctx.output.error(`[${runId}] Training failed: ${outcome.message}`);
      const answer = await vscode.window.showErrorMessage(`Fracture CNN: training failed: ${outcome.message}`, 'Show Log');
      if (answer === 'Show Log') this.ctx.output.show(true);
    }
  }

  private async announceCrossValidation(id: string, folder: string, outcome: CrossValidationEnd): Promise<void> {
    const summary = outcome.summary;
    const cv = summary?.crossValidation;
    const actions = summary ? [OPEN_REPORT] : [];
    let answer: string | undefined;
    if (outcome.tag === 'completed') {
      const figures = summary ? describeCrossValidation(summary) : '';
      this.ctx.output.info(`Cross-validation ${id} finished${figures ? `: ${figures}` : ''}. Summary in ${folder}.`);
      answer = await vscode.window.showInformationMessage(`Fracture CNN: ${cv?.folds ?? ''}-fold cross-validation finished${figures ? `: ${figures}` : ''} (summary ${id}).`, ...actions);
    } else if (outcome.tag === 'cancelled') {
      const ran = cv ? ` after ${cv.completed} of ${cv.folds} folds; the folds that ran are kept and the summary ${id} is marked cancelled` : ' before its first fold started; nothing was written';
      this.ctx.output.info(`Cross-validation ${id} cancelled${ran}.`);
      answer = await vscode.window.showInformationMessage(`Fracture CNN: cross-validation cancelled${ran}.`, ...actions);
    } else {
      this.ctx.output.error(`Cross-validation ${id} failed: ${outcome.message ?? ''}`);
      answer = await vscode.window.showErrorMessage(`Fracture CNN: cross-validation failed: ${outcome.message ?? 'see the log'}`, ...actions, 'Show Log');
      if (answer === 'Show Log') this.ctx.output.show(true);
    }
    if (answer === OPEN_REPORT) await openReport(this.ctx, folder);
  }

  /** Folder of the newest completed run before `run` in the same runs folder. */
  private async previousRun(folder: string, run: RunRecord): Promise<string | undefined> {
    const runs = await this.ctx.sendRequest(ListRunsRequest, { runsFolder: dirname(folder) });
    const earlier = runs.filter((r) => r.state === 'completed' && r.kind !== 'cv-summary' && r.id !== run.id && r.folder !== folder && r.startedAt < run.startedAt);
    earlier.sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
    return earlier[0]?.folder;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
