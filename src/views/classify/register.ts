import * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';
import type { ClassifyViewState } from '../../protocol/webview';
import { ClassifyPanel } from './classifyPanel';

const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'bmp', 'tif', 'tiff', 'webp', 'gif', 'dcm', 'dicom'];

/** Registers "Classify X-ray" and its panel. */
export function registerClassify(ctx: Ctx): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('fractureCnn.classify', async (uri?: unknown, uris?: unknown) => {
      const targets = commandTargets(uri, uris) ?? (await askForImages());
      if (!targets || targets.length === 0) return;
      const files = targets.filter((u) => u.scheme === 'file');
      if (files.length === 0) {
        void vscode.window.showWarningMessage('Classify X-ray works on files on disk; the selected images are not.');
        return;
      }
      await ClassifyPanel.createOrShow(ctx).classify(files.map((u) => u.fsPath));
    }),
    vscode.window.registerWebviewPanelSerializer(ClassifyPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        ClassifyPanel.revive(ctx, panel, state as ClassifyViewState | undefined);
      },
    }),
  ];
}

/**
 * The explorer passes the clicked file and, with several selected, all of them; an image
 * preview's title bar passes its file. Without either, the active image preview is used.
 */
export function commandTargets(uri: unknown, uris: unknown): vscode.Uri[] | undefined {
  if (Array.isArray(uris)) {
    const all = uris.filter((u): u is vscode.Uri => u instanceof vscode.Uri);
    if (all.length > 0) return all;
  }
  if (uri instanceof vscode.Uri) return [uri];
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText) {
    if (isImage(input.uri)) return [input.uri];
  }
  return undefined;
}

function isImage(uri: vscode.Uri): boolean {
  const ext = uri.path.slice(uri.path.lastIndexOf('.') + 1).toLowerCase();
  return IMAGE_EXTENSIONS.includes(ext);
}

async function askForImages(): Promise<vscode.Uri[] | undefined> {
  return vscode.window.showOpenDialog({
    canSelectMany: true,
    openLabel: 'Classify',
    title: 'Classify X-ray',
    filters: { Images: IMAGE_EXTENSIONS },
  });
}
