// Fires Ctx.onDidChangeRuns when run folders appear, change or go away on disk (another window,
// the CLI, a deleted folder), rebuilt when workspace folders or the runsFolder setting change.
import * as vscode from 'vscode';
import { Config } from './config';
import type { ExtensionCtx } from './extensionCtx';

export class RunsWatcher implements vscode.Disposable {
  private watchers: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: ExtensionCtx) {
    this.subscriptions = [
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.rebuild(true)),
      vscode.workspace.onDidChangeConfiguration((e) => Config.affectsRunsFolder(e) && this.rebuild(true)),
    ];
    this.rebuild(false);
  }

  private rebuild(changed: boolean): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    for (const { runsFolder } of this.ctx.runLocations()) {
      // Run folders themselves (created, deleted) and their run.json (state changes).
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(runsFolder), '{*,*/run.json}'));
      watcher.onDidCreate(() => this.changed());
      watcher.onDidChange(() => this.changed());
      watcher.onDidDelete(() => this.changed());
      this.watchers.push(watcher);
    }
    if (changed) this.changed();
  }

  /** Many files change at once when a run is written: tell listeners once. */
  private changed(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.ctx.fireRunsChanged(), 300);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of [...this.watchers, ...this.subscriptions]) d.dispose();
  }
}
