// Activation (only on our commands and the Runs view): builds the Ctx, registers this part's
// commands and the views, and stops the training process on deactivate.
import * as vscode from 'vscode';
import { registerClassify } from '../views/classify/register';
import { registerDashboard } from '../views/dashboard/register';
import { registerRunsView } from '../views/runs/register';
import { registerCommands } from './commands';
import { ExtensionCtx, TRAINING_CONTEXT_KEY } from './extensionCtx';
import { RunsWatcher } from './runsWatcher';
import { TrainingStatusBar } from './statusBar';
import { Trainer } from './trainFlow';

let ctx: ExtensionCtx | undefined;

export function activate(context: vscode.ExtensionContext): ExtensionCtx {
  const c = new ExtensionCtx(context);
  ctx = c;
  const trainer = new Trainer(c);
  c.trainHandler = (uri) => trainer.train(uri);
  void vscode.commands.executeCommand('setContext', TRAINING_CONTEXT_KEY, false);
  context.subscriptions.push(
    trainer,
    new TrainingStatusBar(c),
    new RunsWatcher(c),
    ...registerCommands(c, trainer),
    ...registerDashboard(c),
    ...registerClassify(c),
    ...registerRunsView(c),
  );
  return c;
}

export async function deactivate(): Promise<void> {
  const c = ctx;
  ctx = undefined;
  await c?.dispose();
}
