// The Runs tree: asks the training process for the runs of every workspace folder and turns the
// plain descriptors of runsModel into TreeItems.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';
import type { RunRecord, RunSummary } from '../../engine/types';
import { GetRunRequest, ListRunsRequest } from '../../protocol/training';
import { errorText } from '../../shared/errorText';
import { crossValidationNode, foldRunNode, groupFolds } from './foldGroups';
import { runChildren, sameMinute, sortRuns } from './runsModel';
import type { RunsNode } from './runsModel';

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The runs of the last listing, for pickers (compare). */
  runs: RunSummary[] = [];
  private readonly live = new Map<string, { epoch: number; epochs: number }>();
  private readonly records = new Map<string, RunRecord>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Ctx) {}

  /** Coalesces bursts (a run ending fires several events). */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, 150);
  }

  /** Remembers where the running training is, so its item can say "epoch 3/20". */
  setLive(runId: string, epoch: number, epochs: number): boolean {
    const before = this.live.get(runId);
    this.live.set(runId, { epoch, epochs });
    return before?.epoch !== epoch;
  }

  forget(runFolder: string): void {
    this.records.delete(runFolder);
  }

  getTreeItem(node: RunsNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.collapsible === 'collapsed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.key;
    item.description = node.description;
    item.tooltip = node.tooltip ? new vscode.MarkdownString(node.tooltip) : undefined;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.contextValue = node.contextValue ?? node.kind;
    if (node.kind === 'misclassified' && node.path) {
      item.resourceUri = vscode.Uri.file(node.path);
      item.command = { command: 'vscode.open', title: 'Open Image', arguments: [vscode.Uri.file(node.path)] };
    } else if (node.kind === 'confusion') {
      // The dashboard draws the matrix as a heat map beside the run's other results.
      item.command = { command: 'fractureCnn.run.openDashboard', title: 'Open Dashboard', arguments: [node] };
    } else if (node.kind === 'report' || node.kind === 'summary') {
      item.command = { command: 'fractureCnn.run.openDocument', title: 'Open', arguments: [node] };
    }
    return item;
  }

  async getChildren(node?: RunsNode): Promise<RunsNode[]> {
    if (!node) return this.listAll();
    if (node.children) return node.children;
    if (node.kind !== 'run') return [];
    try {
      const record = await this.record(node.runFolder, node.summary);
      const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(node.runFolder)).then(
        (e) => e.map(([name]) => name),
        () => [] as string[],
      );
      return runChildren(record, node.runFolder, entries);
    } catch (e) {
      return [message(node, `Could not read this run: ${errorText(e)}`)];
    }
  }

  /** Full record of a run; finished runs never change, so they are kept. */
  async record(runFolder: string, summary?: RunSummary): Promise<RunRecord> {
    const cached = this.records.get(runFolder);
    if (cached && cached.state === summary?.state) return cached;
    const record = await this.ctx.sendRequest(GetRunRequest, { runFolder });
    if (record.state !== 'running') this.records.set(runFolder, record);
    return record;
  }

  private async listAll(): Promise<RunsNode[]> {
    const locations = this.ctx.runLocations();
    const several = locations.length > 1;
    const [active, lists] = await Promise.all([
      this.ctx.activeRunFolder().catch(() => undefined),
      Promise.all(
        locations.map(async (loc) => {
          // No runs folder yet: nothing to list, and no reason to start the training process.
          if (!existsSync(loc.runsFolder)) return { loc, runs: [] as RunSummary[], error: undefined };
          try {
            const runs = await this.ctx.sendRequest(ListRunsRequest, { runsFolder: loc.runsFolder });
            return { loc, runs, error: undefined };
          } catch (e) {
            return { loc, runs: [] as RunSummary[], error: errorText(e) };
          }
        }),
      ),
    ]);
    const nodes: RunsNode[] = [];
    const all = lists.flatMap((l) => l.runs);
    const precise = sameMinute(all);
    for (const { loc, runs, error } of lists) {
      if (error) {
        this.ctx.output.warn(`Runs view: could not list ${loc.runsFolder}: ${error}`);
        nodes.push(message({ runId: '', runFolder: loc.runsFolder }, `Could not list runs in ${loc.runsFolder}: ${error}`));
      }
      const name = several ? loc.workspaceFolder.name : undefined;
      const options = (run: RunSummary) => ({ active: run.folder === active, workspaceName: name, live: this.live.get(run.id), seconds: precise.has(run.folder) });
      for (const entry of groupFolds(sortRuns(runs))) {
        nodes.push('run' in entry ? foldRunNode(entry.run, options(entry.run)) : crossValidationNode(entry.summary, entry.folds, { ...options(entry.summary), foldOptions: options }));
      }
    }
    this.runs = sortRuns(all);
    return nodes;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }
}

function message(at: Pick<RunsNode, 'runId' | 'runFolder'>, text: string): RunsNode {
  return { kind: 'message', key: `msg:${at.runFolder}:${text}`, label: text, tooltip: text, icon: { id: 'warning' }, collapsible: 'none', runId: at.runId, runFolder: at.runFolder };
}
