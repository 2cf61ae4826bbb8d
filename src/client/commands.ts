// The commands this part of the extension owns, as one factory table. Every command reports its
// own failure as a message instead of throwing into VS Code.
import * as vscode from 'vscode';
import { CancelRequest } from '../protocol/training';
import type { ExtensionCtx } from './extensionCtx';
import { openReport } from './reports';
import type { Trainer } from './trainFlow';

type Factory = (ctx: ExtensionCtx, trainer: Trainer) => (...args: unknown[]) => Promise<unknown>;

export const COMMANDS: Record<string, Factory> = {
  'fractureCnn.train': (_ctx, trainer) => () => trainer.train(),
  'fractureCnn.trainOnFolder': (_ctx, trainer) => async (uri?: unknown) => {
    // From the explorer the folder arrives as a Uri; from elsewhere, fall back to asking.
    await trainer.train(uri instanceof vscode.Uri ? uri : undefined);
  },
  'fractureCnn.cancelTraining': (ctx) => async () => {
    const run = ctx.currentRun;
    // Never start the process just to cancel: with none running there is nothing to cancel.
    if ((!run && !ctx.starting) || !ctx.processRunning) {
      void vscode.window.showInformationMessage('Fracture CNN: no training is running.');
      return;
    }
    // While the dataset is read the run has no id yet: cancel whatever runs.
    // A fold's id stops its whole cross-validation.
    const { cancelled } = await ctx.sendRequest(CancelRequest, { runId: run?.runId });
    const cv = ctx.currentCrossValidation;
    const what = cv ? `cross-validation ${cv.id} (no further folds run)` : run ? `run ${run.runId}` : 'the training';
    ctx.output.info(cancelled ? `Cancelling ${what}…` : 'The training had already ended.');
  },
  'fractureCnn.selectDataset': (ctx) => async () => {
    const target = await ctx.datasets.pick();
    if (!target) return undefined;
    ctx.output.info(`Dataset folder${target.config.workspaceFolder ? ` for ${target.config.workspaceFolder.name}` : ''}: ${target.folder}`);
    void vscode.window.showInformationMessage(`Fracture CNN: training will use ${target.folder}.`, 'Train Now').then((answer) => {
      if (answer === 'Train Now') void ctx.train(vscode.Uri.file(target.folder));
    });
    return target.folder;
  },
  'fractureCnn.openReport': (ctx) => (arg?: unknown) => openReport(ctx, arg),
};

export function registerCommands(ctx: ExtensionCtx, trainer: Trainer): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => {
    const run = factory(ctx, trainer);
    return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        ctx.output.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Fracture CNN: ${message}`);
        return undefined;
      }
    });
  });
}
