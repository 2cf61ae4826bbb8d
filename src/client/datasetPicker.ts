// Which folder to train on: the fractureCnn.datasetFolder setting, else the choice remembered per
// workspace folder, else a quick pick of the dataset-looking folders found in the workspace.
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { Config } from './config';
import { findDatasetFolders, inspectDatasetFolder, type DatasetCandidate } from './discovery';

export interface DatasetTarget {
  folder: string;
  config: Config;
}

interface PickItem extends vscode.QuickPickItem {
  folder?: string;
  browse?: true;
  sampleIn?: string;
}

/** Writes the built-in sample dataset into a folder (done by the training process, which has sharp). */
export type SampleWriter = (outDir: string) => Promise<void>;
export const SAMPLE_FOLDER = 'sample-data';

const stateKey = (ws: vscode.WorkspaceFolder | undefined) => `fractureCnn.datasetFolder:${ws?.uri.toString() ?? ''}`;

function describe(c: DatasetCandidate): string {
  const classes = c.classes.length <= 4 ? c.classes.join(', ') : `${c.classes.slice(0, 4).join(', ')}, …`;
  const layout = c.layout === 'presplit' ? 'train/val/test · ' : '';
  return `${layout}${c.classes.length} classes (${classes}) · ${c.images >= 10_000 ? '10000+' : c.images} images`;
}

export class DatasetChooser {
  constructor(
    private readonly state: vscode.Memento,
    private readonly writeSample: SampleWriter,
  ) {}

  /** The target for a folder the user named (explorer "Train on this Folder"), remembered for next time. */
  async forFolder(uri: vscode.Uri): Promise<DatasetTarget> {
    const config = Config.forPath(uri.fsPath);
    await this.state.update(stateKey(config.workspaceFolder), uri.fsPath);
    return { folder: uri.fsPath, config };
  }

  /** Datasets named by settings or an earlier choice, per workspace folder. */
  known(): DatasetTarget[] {
    const targets: DatasetTarget[] = [];
    for (const ws of vscode.workspace.workspaceFolders ?? []) {
      const config = new Config(ws);
      const folder = config.datasetFolder ?? this.remembered(ws);
      if (folder) targets.push({ folder, config });
    }
    return targets;
  }

  /** The dataset to train on, asking only when nothing is configured or remembered. */
  async choose(): Promise<DatasetTarget | undefined> {
    const known = this.known();
    const activeUri = vscode.window.activeTextEditor?.document.uri;
    const activeWs = activeUri ? vscode.workspace.getWorkspaceFolder(activeUri) : undefined;
    const preferred = known.find((t) => activeWs && t.config.workspaceFolder?.uri.toString() === activeWs.uri.toString());
    if (preferred) return preferred;
    if (known.length === 1) return known[0];
    if (known.length > 1) {
      const items: (vscode.QuickPickItem & { target?: DatasetTarget })[] = known.map((t) => ({
        label: t.config.workspaceFolder?.name ?? basename(t.folder),
        description: t.folder,
        target: t,
      }));
      items.push({ label: '$(search) Another Folder…' });
      const picked = await vscode.window.showQuickPick(items, { title: 'Fracture CNN: Train on which dataset?' });
      if (!picked) return undefined;
      return picked.target ?? this.pick();
    }
    return this.pick();
  }

  /** Asks for a dataset folder (found ones first, then Browse…) and remembers the answer. */
  async pick(): Promise<DatasetTarget | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const folder = folders.length === 0 ? await this.browse(undefined) : await this.quickPick(folders);
    if (!folder) return undefined;
    const config = Config.forPath(folder);
    await this.state.update(stateKey(config.workspaceFolder), folder);
    return { folder, config };
  }

  private remembered(ws: vscode.WorkspaceFolder): string | undefined {
    const folder = this.state.get<string>(stateKey(ws));
    return folder && existsSync(folder) ? folder : undefined;
  }

  private async quickPick(folders: readonly vscode.WorkspaceFolder[]): Promise<string | undefined> {
    const quickPick = vscode.window.createQuickPick<PickItem>();
    quickPick.title = 'Fracture CNN: Select the dataset folder';
    quickPick.placeholder = 'Looking for folders with one subfolder of images per class…';
    quickPick.matchOnDescription = true;
    quickPick.matchOnDetail = true;
    quickPick.busy = true;
    const browseItem: PickItem = { label: '$(folder-opened) Browse…', detail: 'Choose any folder on disk', browse: true, alwaysShow: true };
    quickPick.items = [browseItem];
    quickPick.show();
    const search = findDatasetFolders(folders.map((f) => f.uri.fsPath), { maxDepth: 4 }).then((found) => {
      const items: PickItem[] = found.map((c) => {
        const ws = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(c.folder));
        const rel = ws ? relative(ws.uri.fsPath, c.folder) || '.' : c.folder;
        return {
          label: `$(folder) ${rel}`,
          description: folders.length > 1 && ws ? ws.name : undefined,
          detail: describe(c),
          folder: c.folder,
        };
      });
      const samples: PickItem[] = folders
        .map((ws) => join(ws.uri.fsPath, SAMPLE_FOLDER))
        .filter((folder) => !existsSync(folder))
        .map((folder) => ({
          label: '$(beaker) Generate the Sample Dataset',
          description: folders.length > 1 ? basename(dirname(folder)) : undefined,
          detail: `Writes 1,820 synthetic X-rays (fractured, normal) to ${folder}`,
          sampleIn: folder,
        }));
      quickPick.items = [...items, { label: '', kind: vscode.QuickPickItemKind.Separator }, browseItem, ...(items.length === 0 ? samples : [])];
      quickPick.placeholder = items.length > 0 ? 'Pick the folder to train on' : 'No dataset folder found in the workspace: browse for one';
      quickPick.busy = false;
    });
    const chosen = await new Promise<PickItem | undefined>((resolve) => {
      quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
      quickPick.onDidHide(() => resolve(undefined));
    });
    quickPick.dispose();
    await search.catch(() => undefined);
    if (chosen?.browse) return this.browse(folders[0]);
    if (chosen?.sampleIn) return this.sample(chosen.sampleIn);
    return chosen?.folder;
  }

  private async sample(folder: string): Promise<string | undefined> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Fracture CNN: writing the sample dataset…' },
      () => this.writeSample(folder),
    );
    return folder;
  }

  private async browse(ws: vscode.WorkspaceFolder | undefined): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: ws?.uri,
      openLabel: 'Use as Dataset',
      title: 'Fracture CNN: dataset folder (one subfolder of images per class)',
    });
    const folder = picked?.[0]?.fsPath;
    if (!folder) return undefined;
    if (await inspectDatasetFolder(folder)) return folder;
    const answer = await vscode.window.showWarningMessage(
      `"${folder}" does not look like a dataset: it needs at least two subfolders of images (one per class), or train/ and val/ or test/ folders holding them.`,
      { modal: true },
      'Use Anyway',
    );
    return answer === 'Use Anyway' ? folder : undefined;
  }
}
