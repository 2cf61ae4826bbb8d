// The dashboard's commands and its serializer (so an open dashboard survives a window reload).
import * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';
import { errorText } from '../../shared/errorText';
import { DashboardPanel } from './panel';

/** What "Open Dashboard" may be given: a Runs tree item, a run id, or a run folder's Uri. */
export function dashboardTarget(arg: unknown): { runId?: string; runFolder?: string } | undefined {
  if (typeof arg === 'string') return { runId: arg };
  if (arg instanceof vscode.Uri) return { runFolder: arg.fsPath };
  if (typeof arg === 'object' && arg !== null) {
    const o = arg as { runId?: unknown; runFolder?: unknown; folder?: unknown };
    const runId = typeof o.runId === 'string' ? o.runId : undefined;
    const runFolder = typeof o.runFolder === 'string' ? o.runFolder : typeof o.folder === 'string' ? o.folder : undefined;
    if (runId || runFolder) return { runId, runFolder };
  }
  return undefined;
}

/** Registers the dashboard panel, its serializer, its commands (showDashboard, run.openDashboard) and its opening on Train. */
export function registerDashboard(ctx: Ctx): vscode.Disposable[] {
  const show = async (target?: { runId?: string; runFolder?: string }, opts?: { beside?: boolean }): Promise<void> => {
    try {
      await DashboardPanel.createOrShow(ctx, target, opts);
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not open the Fracture CNN dashboard: ${errorText(e)}`);
    }
  };
  return [
    vscode.commands.registerCommand('fractureCnn.showDashboard', () => show()),
    vscode.commands.registerCommand('fractureCnn.run.openDashboard', (arg?: unknown) => show(dashboardTarget(arg))),
    // Train shows its run at once, beside the editor, without taking the focus from it; an open
    // dashboard moves on to each next fold of a cross-validation (a closed one stays closed).
    ctx.onDidStartRun((run) => {
      if (run.openDashboard) void show({ runId: run.runId }, { beside: true });
      else if (run.fold) void DashboardPanel.follow(run.runId).catch((e: unknown) => ctx.output.warn(`Dashboard: ${errorText(e)}`));
    }),
    vscode.window.registerWebviewPanelSerializer(DashboardPanel.viewType, {
      deserializeWebviewPanel: async (panel, state) => {
        DashboardPanel.revive(ctx, panel, state);
      },
    }),
  ];
}
