// The "Classify X-ray" panel: one at a time, revived after a reload, fed full state snapshots.
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';
import { errorText } from '../../shared/errorText';
import { isInside } from '../../shared/paths';
import { GetRunRequest, PredictRequest } from '../../protocol/training';
import type { PredictResult } from '../../protocol/training';
import { ClassifyImageCommand, DidChangeClassifyStateNotification, ExplainClassCommand, OpenFileCommand, ReadyCommand, TrainModelCommand } from '../../protocol/webview';
import type { ClassifyState, ClassifyViewState } from '../../protocol/webview';
import { failedState, noModelState, partialState, pendingState, runInfo, unreadableMessage, withOutcome } from './classifyState';
import { randomBytes } from 'node:crypto';
import { createNonce, webviewHtml } from '../webviewHtml';
import { OverlayStore } from './overlayStore';

/** Images per predict request. */
const BATCH = 8;

export class ClassifyPanel implements vscode.Disposable {
  static readonly viewType = 'fractureCnn.classify';
  private static current: ClassifyPanel | undefined;

  private state: ClassifyState = { items: [], busy: false };
  private paths: string[] = [];
  private roots: vscode.Uri[];
  private request = 0;
  /** Where the answers on screen came from, for explaining another class of one of them. */
  private answered: { request: number; runFolder: string; outDir: string } | undefined;
  private readonly overlays: OverlayStore;
  private readonly disposables: vscode.Disposable[] = [];

  static createOrShow(ctx: Ctx): ClassifyPanel {
    if (ClassifyPanel.current) {
      ClassifyPanel.current.panel.reveal(undefined, true);
      return ClassifyPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(ClassifyPanel.viewType, 'Classify X-ray', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: false,
    });
    return new ClassifyPanel(ctx, panel);
  }

  /** Brings a panel back after a reload and classifies the images it showed. */
  static revive(ctx: Ctx, panel: vscode.WebviewPanel, saved: ClassifyViewState | undefined): ClassifyPanel {
    ClassifyPanel.current?.dispose();
    const revived = new ClassifyPanel(ctx, panel);
    const paths = Array.isArray(saved?.paths) ? saved.paths.filter((p): p is string => typeof p === 'string') : [];
    if (paths.length > 0) void revived.classify(paths);
    return revived;
  }

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
  ) {
    ClassifyPanel.current = this;
    this.overlays = new OverlayStore(vscode.Uri.joinPath(ctx.extensionContext.globalStorageUri, 'classify').fsPath);
    this.roots = [
      vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview'),
      vscode.Uri.file(this.overlays.root),
      ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri),
    ];
    panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview', 'classify.js'));
    panel.webview.html = webviewHtml({
      cspSource: panel.webview.cspSource,
      nonce: createNonce(randomBytes),
      scriptUri: script.toString(),
      title: 'Classify X-ray',
      ariaLive: 'polite',
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      ctx.onTrainingEnd(({ outcome }) => {
        // The panel asked for a model; now there is one.
        if (outcome.tag === 'completed' && this.state.problem?.canTrain && this.paths.length > 0) void this.classify(this.paths);
      }),
    );
  }

  /** Classifies `paths` with the active model and shows the result; a newer call supersedes an older one. */
  async classify(paths: string[]): Promise<void> {
    const request = ++this.request;
    this.paths = paths;
    this.allowFolders(paths.map((p) => dirname(p)));
    const toUri = this.toUri;
    this.panel.title = paths.length === 1 ? `Classify ${basename(paths[0])}` : `Classify ${paths.length} X-rays`;
    let runFolder: string | undefined;
    try {
      runFolder = await this.ctx.activeRunFolder();
    } catch (e) {
      if (request !== this.request) return;
      const message = `Could not find the active model: ${errorText(e)}`;
      void vscode.window.showErrorMessage(message);
      return this.show(failedState(paths, toUri, message));
    }
    if (request !== this.request) return;
    if (!runFolder) return this.show(noModelState(paths, toUri));

    let run: ClassifyState['run'];
    try {
      run = runInfo(await this.ctx.sendRequest(GetRunRequest, { runFolder }), runFolder);
    } catch (e) {
      if (request !== this.request) return;
      const message = `The active model's run folder ${runFolder} cannot be read: ${errorText(e)}`;
      void vscode.window.showErrorMessage(message);
      return this.show(failedState(paths, toUri, message));
    }
    if (request !== this.request) return;
    this.show(pendingState(paths, toUri, run));

    const outDir = await this.overlays.newFolder();
    try {
      // In small batches, so a long selection fills the table as it goes.
      const result: PredictResult = { outcomes: [], modelLoadMs: 0 };
      for (let i = 0; i < paths.length; i += BATCH) {
        const part = await this.ctx.sendRequest(PredictRequest, { runFolder, images: paths.slice(i, i + BATCH), gradcam: true, outDir });
        if (request !== this.request) return;
        result.outcomes.push(...part.outcomes);
        result.modelLoadMs += part.modelLoadMs;
        this.show(partialState(paths, result, toUri, run));
      }
      this.answered = { request, runFolder, outDir };
      void this.overlays.keepOnly(outDir);
      const unreadable = unreadableMessage(result);
      if (unreadable) void vscode.window.showWarningMessage(unreadable);
    } catch (e) {
      if (request !== this.request) return;
      const message = `Classification failed: ${errorText(e)}`;
      this.ctx.output.error(message);
      void vscode.window.showErrorMessage(message);
      this.show(failedState(paths, toUri, message, run));
    }
  }

  /** Redraws one image's Grad-CAM for another class. */
  private async explain(path: string, classIndex: number): Promise<void> {
    const at = this.answered;
    const prediction = this.state.items.find((i) => i.path === path)?.prediction;
    if (!at || at.request !== this.request || !prediction) return;
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= prediction.classes.length) return;
    try {
      const r = await this.ctx.sendRequest(PredictRequest, { runFolder: at.runFolder, images: [path], gradcam: true, outDir: at.outDir, classIndex });
      if (at.request !== this.request || !r.outcomes[0]) return;
      this.show(withOutcome(this.state, r.outcomes[0], this.toUri));
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not explain "${prediction.classes[classIndex]}" for ${basename(path)}: ${errorText(e)}`);
    }
  }

  private readonly toUri = (p: string): string => this.panel.webview.asWebviewUri(vscode.Uri.file(p)).toString();

  /** Lets the webview load images from these folders (changing the roots reloads the page, so only grow them). */
  private allowFolders(folders: string[]): void {
    const missing = [...new Set(folders)].filter((f) => !this.roots.some((r) => isInside(r.fsPath, f)));
    if (missing.length === 0) return;
    this.roots = [...this.roots, ...missing.map((f) => vscode.Uri.file(f))];
    this.panel.webview.options = { enableScripts: true, localResourceRoots: this.roots };
  }

  private show(state: ClassifyState): void {
    this.state = state;
    void this.panel.webview.postMessage(DidChangeClassifyStateNotification.create({ state }));
  }

  private onMessage(message: unknown): void {
    if (ReadyCommand.is(message)) {
      void this.panel.webview.postMessage(DidChangeClassifyStateNotification.create({ state: this.state }));
    } else if (OpenFileCommand.is(message)) {
      // Only files this panel shows: the page cannot make the host open arbitrary paths.
      const known = this.state.items.some((i) => i.path === message.params.path);
      if (known) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(message.params.path), { preview: true, viewColumn: vscode.ViewColumn.One });
    } else if (TrainModelCommand.is(message)) {
      void this.ctx.train();
    } else if (ExplainClassCommand.is(message)) {
      void this.explain(message.params.path, message.params.classIndex);
    } else if (ClassifyImageCommand.is(message)) {
      if (this.state.items.some((i) => i.path === message.params.path)) void this.classify([message.params.path]);
    }
  }

  dispose(): void {
    if (ClassifyPanel.current === this) ClassifyPanel.current = undefined;
    this.request++;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
