// The Runs view's item commands: set active, reveal, delete, compare, and opening a run's documents.
import * as vscode from 'vscode';
import type { Ctx } from '../../client/ctx';
import type { RunSummary } from '../../engine/types';
import { pairedRuns } from '../../engine/runs/pairedRuns';
import { reportMarkdown } from '../../engine/runs/reportMarkdown';
import { compareMarkdown, confusionMarkdown, layersFromTopology, modelSummaryMarkdown } from './runDocs';
import type { LayerRow } from './runDocs';
import { decimal, percent, runLabel } from './runsModel';
import type { RunsNode } from './runsModel';
import { errorText } from '../../shared/errorText';
import type { RunsTreeProvider } from './runsTree';
import { openMarkdown } from './markdownDocs';
import { deletePlan } from './deletePlan';
import type { RunDocsProvider } from './markdownDocs';

export class RunCommands {
  constructor(
    private readonly ctx: Ctx,
    private readonly tree: RunsTreeProvider,
    private readonly docs: RunDocsProvider,
  ) {}

  async setActive(node: RunsNode | undefined): Promise<void> {
    if (!node?.runFolder) return;
    await this.ctx.setActiveRunFolder(node.runFolder);
    this.tree.refresh();
  }

  async reveal(node: RunsNode | undefined): Promise<void> {
    if (!node?.runFolder) return;
    const uri = vscode.Uri.file(node.runFolder);
    // The OS file manager exists only for a desktop window on the same machine.
    const local = vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName;
    if (local) await vscode.commands.executeCommand('revealFileInOS', uri);
    else await vscode.commands.executeCommand('revealInExplorer', uri);
  }

  /** Deletes a run folder, or a cross-validation's summary with its fold runs, after asking. */
  async delete(node: RunsNode | undefined): Promise<void> {
    if (!node?.runFolder) return;
    const plan = deletePlan(node, this.tree.runs);
    const training = this.ctx.currentRun?.runFolder;
    if (node.summary?.state === 'running' || (training && plan.folders.includes(training))) {
      void vscode.window.showWarningMessage(`Run ${node.summary ? runLabel(node.summary) : node.runId} is still training. Cancel it before deleting it.`);
      return;
    }
    const choice = await vscode.window.showWarningMessage(plan.question, { modal: true, detail: plan.detail }, 'Delete');
    if (choice !== 'Delete') return;
    const active = await this.ctx.activeRunFolder().catch(() => undefined);
    try {
      for (const folder of plan.folders) {
        await deleteFolder(folder);
        this.tree.forget(folder);
      }
    } catch (e) {
      void vscode.window.showErrorMessage(errorText(e));
    }
    if (active && plan.folders.includes(active)) await this.ctx.setActiveRunFolder(undefined);
    this.tree.refresh();
  }

  async compare(node: RunsNode | undefined): Promise<void> {
    if (!node?.runFolder) return;
    const others = this.tree.runs.filter((r) => r.state === 'completed' && r.kind !== 'cv-summary' && r.folder !== node.runFolder);
    if (others.length === 0) {
      void vscode.window.showInformationMessage('There is no other completed run to compare with.');
      return;
    }
    const pick = await vscode.window.showQuickPick(
      others.map((r) => ({
        label: runLabel(r),
        description: `acc ${percent(r.testAccuracy)} · F1 ${decimal(r.macroF1, 2)}`,
        detail: r.folder,
        folder: r.folder,
        summary: r,
      })),
      { title: 'Compare with which run?', matchOnDetail: true },
    );
    if (!pick) return;
    await this.compareFolders(node.runFolder, pick.folder, node.summary, pick.summary);
  }

  /** Opens the comparison of two runs given by folder (the first is the newer one). */
  async compareFolders(folder: string, other: string, summary?: RunSummary, otherSummary?: RunSummary): Promise<void> {
    try {
      const [a, b] = await Promise.all([this.tree.record(folder, summary), this.tree.record(other, otherSummary)]);
      const paired = await pairedRuns(folder, a, other, b).catch((e: unknown) => ({ notPaired: errorText(e) }));
      await this.docs.show(`Compare ${runLabel(a)} with ${runLabel(b)}`, compareMarkdown(a, b, paired));
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not compare the runs: ${errorText(e)}`);
    }
  }

  /** Report, model summary or confusion matrix of a run. */
  async openDocument(node: RunsNode | undefined): Promise<void> {
    if (!node?.runFolder) return;
    try {
      if (node.kind === 'report' && node.path) return await openMarkdown(vscode.Uri.file(node.path));
      if (node.kind === 'summary' && node.path) {
        await vscode.window.showTextDocument(vscode.Uri.file(node.path), { preview: true });
        return;
      }
      const record = await this.tree.record(node.runFolder);
      const label = runLabel(record);
      if (node.kind === 'report') return await this.docs.show(`Report ${label}`, reportMarkdown(record));
      if (node.kind === 'confusion') return await this.docs.show(`Confusion matrix ${label}`, confusionMarkdown(record));
      if (node.kind === 'summary') return await this.docs.show(`Model ${label}`, modelSummaryMarkdown(record, await this.layers(node.runFolder)));
    } catch (e) {
      void vscode.window.showErrorMessage(`Could not open ${node.label.toLowerCase()} of run ${node.runId}: ${errorText(e)}`);
    }
  }

  private async layers(runFolder: string): Promise<LayerRow[]> {
    for (const rel of ['model/model.json', 'model.json']) {
      try {
        const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(vscode.Uri.file(runFolder), rel));
        return layersFromTopology(JSON.parse(new TextDecoder().decode(bytes)));
      } catch {
        // try the next place
      }
    }
    return [];
  }
}

async function deleteFolder(folder: string): Promise<void> {
  const uri = vscode.Uri.file(folder);
  try {
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: true });
  } catch {
    try {
      // No trash on some file systems (remote, web): delete for good, as the dialog said.
      await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
    } catch (e) {
      throw new Error(`Could not delete ${folder}: ${errorText(e)}`);
    }
  }
}
