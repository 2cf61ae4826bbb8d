// "Fracture CNN: Open Report": report.md of a run, chosen from a quick pick of runs when not given.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { RunSummary } from '../engine/types';
import { ListRunsRequest } from '../protocol/training';
import type { ExtensionCtx } from './extensionCtx';
import { percent } from './logLines';

/** A run folder from what a command was given: a path, a Uri, or a tree item carrying a run. */
export function runFolderOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object') {
    const o = arg as { folder?: unknown; runFolder?: unknown; run?: { folder?: unknown }; resourceUri?: unknown };
    for (const candidate of [o.folder, o.runFolder, o.run?.folder, o.resourceUri]) {
      const folder = runFolderOf(candidate);
      if (folder) return folder;
    }
  }
  return undefined;
}

async function allRuns(ctx: ExtensionCtx): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for (const { runsFolder } of ctx.runLocations()) {
    if (existsSync(runsFolder)) runs.push(...(await ctx.sendRequest(ListRunsRequest, { runsFolder })));
  }
  return runs.sort((a, b) => (b.startedAt > a.startedAt ? 1 : -1));
}

async function pickRun(ctx: ExtensionCtx): Promise<string | undefined> {
  const runs = (await allRuns(ctx)).filter((r) => existsSync(join(r.folder, 'report.md')));
  if (runs.length === 0) {
    const answer = await vscode.window.showInformationMessage('Fracture CNN: no run has a report yet; a report is written when a training completes.', 'Train');
    if (answer === 'Train') await ctx.train();
    return undefined;
  }
  const active = await ctx.activeRunFolder().catch(() => undefined);
  // The active model's run first: it is the one a user most often means.
  runs.sort((a, b) => Number(b.folder === active) - Number(a.folder === active));
  const items = runs.map((r) => ({
    label: `${r.folder === active ? '$(pass-filled) ' : ''}${r.id}`,
    description: `test accuracy ${percent(r.testAccuracy)} · ${r.classes.join(', ')}`,
    detail: `${new Date(r.startedAt).toLocaleString()} · ${r.datasetFolder}`,
    folder: r.folder,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Fracture CNN: Open the report of which run?', matchOnDetail: true });
  return picked?.folder;
}

export async function openReport(ctx: ExtensionCtx, arg?: unknown): Promise<void> {
  const folder = runFolderOf(arg) ?? (await pickRun(ctx));
  if (!folder) return;
  const report = vscode.Uri.file(join(folder, 'report.md'));
  if (!existsSync(report.fsPath)) {
    void vscode.window.showWarningMessage(`Fracture CNN: run ${basename(folder)} has no report (only completed runs have one).`);
    return;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', report);
  } catch {
    await vscode.window.showTextDocument(report);
  }
}
