// The dashboard panel: one at a time, revived after a reload, fed full state snapshots by a
// DashboardController (which holds the logic; this file only connects it to VS Code).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';
import type { RunSummary } from '../../engine/types';
import { GetRunRequest, ListRunsRequest, TrainingStateRequest } from '../../protocol/training';
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
} from '../../protocol/webview';
import { DashboardController } from './controller';
import { writeExport } from './exportFile';
import { storeThreshold } from './storeThreshold';
import { createNonce, webviewHtml } from '../webviewHtml';
import { errorText } from '../../shared/errorText';
import { isInside } from '../../shared/paths';

export class DashboardPanel implements vscode.Disposable {
  static readonly viewType = 'fractureCnn.dashboard';
  private static current: DashboardPanel | undefined;

  private readonly controller: DashboardController;
  private readonly disposables: vscode.Disposable[] = [];
  private roots: vscode.Uri[];
  private queue: Promise<void> = Promise.resolve();

  /**
   * Shows the dashboard (creating it if needed), on the given run when one is named. `beside`
   * opens a new panel next to the editor and leaves the focus where it is (Train does this).
   */
  static async createOrShow(ctx: Ctx, target?: { runId?: string; runFolder?: string }, opts: { beside?: boolean } = {}): Promise<DashboardPanel> {
    let current = DashboardPanel.current;
    const preserveFocus = opts.beside === true;
    if (current && !opts.beside) current.panel.reveal(undefined, false);
    else if (current && !current.panel.visible) {
      // Hidden behind the editor the user works in: bring it out beside that editor instead.
      const sameGroup = current.panel.viewColumn === vscode.window.tabGroups.activeTabGroup.viewColumn;
      current.panel.reveal(sameGroup ? vscode.ViewColumn.Beside : undefined, true);
    } else if (!current) {
      const column = opts.beside ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
      const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'Fracture CNN Dashboard', { viewColumn: column, preserveFocus }, {
        enableScripts: true,
        retainContextWhenHidden: false,
      });
      current = new DashboardPanel(ctx, panel, target?.runId);
    }
    if (target?.runId || target?.runFolder) await current.controller.selectTarget(target);
    return current;
  }

  /** An open dashboard shows the run training now (the next fold of a cross-validation); no panel is opened. */
  static async follow(runId: string): Promise<void> {
    await DashboardPanel.current?.controller.follow(runId);
  }

  /** Brings the panel back after a reload, on the run the webview last showed. */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel, saved: unknown): DashboardPanel {
    DashboardPanel.current?.dispose();
    const runId = typeof (saved as { selectedRunId?: unknown })?.selectedRunId === 'string' ? (saved as { selectedRunId: string }).selectedRunId : undefined;
    return new DashboardPanel(ctx, panel, runId);
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
    initialRunId: string | undefined,
  ) {
    DashboardPanel.current = this;
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'activity.svg');
    this.roots = [
      vscode.Uri.joinPath(ctx.extensionUri, 'dist'),
      vscode.Uri.joinPath(ctx.extensionUri, 'media'),
      ...ctx.runLocations().map((l) => vscode.Uri.file(l.runsFolder)),
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri),
    ];
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
    this.controller = new DashboardController(
      {
        listRuns: () => this.listRuns(),
        getRun: (runFolder) => ctx.sendRequest(GetRunRequest, { runFolder }),
        trainingState: () => ctx.sendRequest(TrainingStateRequest, undefined),
      },
      {
        post: (state) => void panel.webview.postMessage(DidChangeDashboardStateNotification.create({ state })),
        imageUri: (path) => panel.webview.asWebviewUri(vscode.Uri.file(path)).toString(),
        allowFolder: (folder) => this.allowFolder(folder),
        log: (message) => ctx.output.warn(message),
      },
      initialRunId,
    );
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview', 'dashboard.js'));
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      nonce: createNonce((n) => randomBytes(n)),
      scriptUri: script.toString(),
      title: 'Fracture CNN Dashboard',
    });
    const c = this.controller;
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      // One message at a time: a "select" right after "ready" must not overtake it.
      panel.webview.onDidReceiveMessage((m: unknown) => {
        this.queue = this.queue.then(() => this.onMessage(m)).catch((e: unknown) => ctx.output.error(`Dashboard: ${errorText(e)}`));
      }),
      ctx.onDidScanDataset(({ runId, report }) => void c.scanned(runId, report)),
      ctx.onEpochEnd(({ runId, metrics }) => void c.epochEnd(runId, metrics)),
      ctx.onBatchProgress(({ runId, progress }) => void c.batch(runId, progress)),
      ctx.onTrainingEnd(({ runId, outcome }) => void c.ended(runId, outcome)),
      ctx.onDidChangeRuns(() => void c.runsChanged()),
    );
  }

  private async onMessage(m: unknown): Promise<void> {
    if (ReadyCommand.is(m)) await this.controller.ready();
    else if (SelectRunCommand.is(m)) await this.controller.select(m.params.runId);
    // Only files this panel listed for the run it shows: the page cannot make the host open or read other paths.
    else if (OpenFileCommand.is(m)) {
      if (this.controller.mayOpen(m.params.path)) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(m.params.path), { preview: true, viewColumn: vscode.ViewColumn.Beside });
      else this.ctx.output.warn(`Dashboard: refused to open ${m.params.path}: the dashboard did not list it`);
    } else if (ClassifyImageCommand.is(m)) {
      if (this.controller.mayClassify(m.params.path)) await vscode.commands.executeCommand('fractureCnn.classify', vscode.Uri.file(m.params.path));
      else this.ctx.output.warn(`Dashboard: refused to classify ${m.params.path}: not one of the run's test images`);
    }
    else if (TrainModelCommand.is(m)) await this.ctx.train();
    else if (UseThresholdCommand.is(m)) {
      const result = await storeThreshold(m.params, (id) => this.controller.folderOf(id));
      if ('error' in result) this.ctx.output.warn(`Use this threshold: ${result.error}`);
      else await this.controller.runsChanged();
      await this.panel.webview.postMessage(DidUseThresholdNotification.create(result));
    } else if (ExportCommand.is(m)) {
      const folder = this.controller.folderOf(m.params.runId);
      let result: { path: string } | { error: string };
      if (!folder) result = { error: `Run ${m.params.runId} is not known.` };
      else {
        try {
          result = { path: await writeExport(folder, m.params) };
          this.controller.exportedTo(result.path);
        } catch (e) {
          result = { error: errorText(e) };
          this.ctx.output.error(result.error);
        }
      }
      await this.panel.webview.postMessage(DidExportNotification.create(result));
    }
  }

  private async listRuns(): Promise<RunSummary[]> {
    const lists = await Promise.all(
      this.ctx.runLocations().map((l) =>
        this.ctx.sendRequest(ListRunsRequest, { runsFolder: l.runsFolder }).catch((e: unknown) => {
          this.ctx.output.warn(`Could not list runs in ${l.runsFolder}: ${errorText(e)}`);
          return [] as RunSummary[];
        }),
      ),
    );
    return lists.flat();
  }

  /** Lets the webview load images from a dataset outside the current roots. VS Code reloads the
   * page when the roots change; the page then says ready again and gets a fresh snapshot. */
  private allowFolder(folder: string): void {
    if (this.roots.some((r) => isInside(r.fsPath, folder))) return;
    this.roots = [...this.roots, vscode.Uri.file(folder)];
    this.panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    this.controller.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
