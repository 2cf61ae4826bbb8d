import * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';
import { RunDocsProvider, RUN_DOCS_SCHEME } from './markdownDocs';
import { RunCommands } from './runCommands';
import type { RunsNode } from './runsModel';
import { RunsTreeProvider } from './runsTree';

/** Registers the Runs tree view and its item commands (refresh, set active, reveal, delete, compare). */
export function registerRunsView(ctx: Ctx): vscode.Disposable[] {
  const tree = new RunsTreeProvider(ctx);
  const docs = new RunDocsProvider();
  const commands = new RunCommands(ctx, tree, docs);
  const view = vscode.window.createTreeView<RunsNode>('fractureCnn.runs', { treeDataProvider: tree, showCollapseAll: true });
  return [
    tree,
    docs,
    view,
    vscode.workspace.registerTextDocumentContentProvider(RUN_DOCS_SCHEME, docs),
    vscode.commands.registerCommand('fractureCnn.refreshRuns', () => tree.refresh()),
    vscode.commands.registerCommand('fractureCnn.run.setActive', (node?: RunsNode) => commands.setActive(node ?? selected(view))),
    vscode.commands.registerCommand('fractureCnn.run.reveal', (node?: RunsNode) => commands.reveal(node ?? selected(view))),
    vscode.commands.registerCommand('fractureCnn.run.delete', (node?: RunsNode) => commands.delete(node ?? selected(view))),
    // Given a second run folder (the end-of-training notification does), compares the two directly.
    vscode.commands.registerCommand('fractureCnn.run.compare', (node?: RunsNode, other?: unknown) =>
      node?.runFolder && typeof other === 'string' ? commands.compareFolders(node.runFolder, other) : commands.compare(node ?? selected(view)),
    ),
    vscode.commands.registerCommand('fractureCnn.run.openDocument', (node?: RunsNode) => commands.openDocument(node)),
    ctx.onDidChangeRuns(() => tree.refresh()),
    ctx.onDidScanDataset(() => tree.refresh()),
    ctx.onTrainingEnd(() => tree.refresh()),
    ctx.onEpochEnd(() => tree.refresh()),
    ctx.onBatchProgress(({ runId, progress }) => {
      if (tree.setLive(runId, progress.epoch, progress.epochs)) tree.refresh();
    }),
  ];
}

/** A command run without an item (from a keybinding) acts on the selected run. */
function selected(view: vscode.TreeView<RunsNode>): RunsNode | undefined {
  return view.selection.find((n) => n.kind === 'run');
}
