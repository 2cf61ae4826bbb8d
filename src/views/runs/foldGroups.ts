// Cross-validation in the Runs view: the summary run is one item whose children are its report
// and its fold runs, so K folds do not crowd the list; a fold whose summary is not written yet
// (the cross-validation is still going) stands alone, labelled with its fold.
import { join } from 'node:path';
import type { RunSummary } from '../../engine/types';
import { decimal, formatDate, percent, RUN_FILES, runNode, type RunNodeOptions, type RunsNode } from './runsModel';

export type RunsEntry = { run: RunSummary } | { summary: RunSummary; folds: RunSummary[] };

/** Top-level entries in the order given: each summary takes its fold runs (in fold order) out of the list. */
export function groupFolds(runs: readonly RunSummary[]): RunsEntry[] {
  const summaries = new Set(runs.filter((r) => r.kind === 'cv-summary').map((r) => r.id));
  const foldsOf = new Map<string, RunSummary[]>();
  for (const r of runs) {
    if (!r.fold || !summaries.has(r.fold.group)) continue;
    const list = foldsOf.get(r.fold.group) ?? [];
    list.push(r);
    foldsOf.set(r.fold.group, list);
  }
  const out: RunsEntry[] = [];
  for (const r of runs) {
    if (r.fold && summaries.has(r.fold.group)) continue;
    if (r.kind === 'cv-summary') out.push({ summary: r, folds: (foldsOf.get(r.id) ?? []).sort((a, b) => a.fold!.index - b.fold!.index) });
    else out.push({ run: r });
  }
  return out;
}

/** "fold 2/5", for a fold run. */
export function foldLabel(run: Pick<RunSummary, 'fold'>): string | undefined {
  return run.fold ? `fold ${run.fold.index + 1}/${run.fold.count}` : undefined;
}

const figure = (s: RunSummary, name: string, pct: boolean): string | undefined => {
  const f = s.crossValidation?.figures.find((x) => x.name === name);
  if (!f) return undefined;
  const show = (v: number | null) => (v === null ? '–' : pct ? percent(v) : decimal(v, 2));
  return `${show(f.mean)} ± ${show(f.sd)}`;
};

/** A fold run, as a child of its summary or alone. */
export function foldRunNode(run: RunSummary, options: RunNodeOptions): RunsNode {
  const node = runNode(run, options);
  const fold = foldLabel(run);
  return fold ? { ...node, description: `${fold} · ${node.description ?? ''}` } : node;
}

/** The summary item: mean ± sd in its description; its report and fold runs as children. */
export function crossValidationNode(summary: RunSummary, folds: RunSummary[], options: Pick<RunNodeOptions, 'workspaceName' | 'seconds'> & { foldOptions?: (r: RunSummary) => RunNodeOptions }): RunsNode {
  const cv = summary.crossValidation;
  const count = cv?.folds ?? folds.length;
  const acc = figure(summary, 'accuracy', true);
  const auc = figure(summary, 'rocAuc', false);
  const f1 = figure(summary, 'macroF1', false);
  const parts = [`${count}-fold cross-validation`];
  if (summary.state !== 'completed') parts.push(`${summary.state} after ${cv?.completed ?? 0} folds`);
  if (acc) parts.push(`acc ${acc}`);
  if (auc) parts.push(`AUC ${auc}`);
  else if (f1) parts.push(`F1 ${f1}`);
  if (options.workspaceName) parts.push(options.workspaceName);
  const base = { runId: summary.id, runFolder: summary.folder, collapsible: 'none' as const };
  const report: RunsNode = { ...base, kind: 'report', key: `report:${summary.folder}`, label: 'Report', description: 'per fold and mean ± sd', icon: { id: 'book' }, path: join(summary.folder, RUN_FILES.report) };
  const children = [report, ...folds.map((f) => foldRunNode(f, options.foldOptions?.(f) ?? { active: false }))];
  const figures = (cv?.figures ?? []).map((f) => `- ${f.name}: ${decimal(f.mean)} ± ${f.sd === null ? '–' : decimal(f.sd)}`);
  return {
    kind: 'run',
    key: `run:${summary.folder}`,
    label: formatDate(summary.startedAt, options.seconds),
    description: parts.join(' · '),
    tooltip: [`**Cross-validation ${summary.id}**`, '', `- State: ${summary.state}`, `- Folds completed: ${cv?.completed ?? 0} of ${count}`, `- Dataset: ${summary.datasetFolder}`, '', ...figures].join('\n'),
    icon: summary.state === 'completed' ? { id: 'layers', color: 'testing.iconPassed' } : { id: 'layers', color: 'disabledForeground' },
    contextValue: 'cvSummary',
    collapsible: 'collapsed',
    runId: summary.id,
    runFolder: summary.folder,
    summary,
    children,
  };
}
