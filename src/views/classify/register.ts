import type * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';

/** Registers "Classify X-ray" and its panel. */
export function registerClassify(ctx: Ctx): vscode.Disposable[] {
  void ctx;
  return [];
}
