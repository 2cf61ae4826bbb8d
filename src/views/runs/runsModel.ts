// What the Runs view shows, as plain descriptors: labels, descriptions, icons, menu keys and children.
// No 'vscode' here, so node --test checks the tree against real run folders without an editor.
import { basename, join } from 'node:path';
import { modelUnusable } from '../../engine/eval/health';
import type { RunRecord, RunState, RunSummary } from '../../engine/types';

export type NodeKind = 'run' | 'report' | 'summary' | 'confusion' | 'misclassifiedGroup' | 'misclassified' | 'message';

export interface NodeIcon {
  /** Codicon id. */
  id: string;
  /** Theme colour id. */
  color?: string;
}

export interface RunsNode {
  kind: NodeKind;
  /** Stable across refreshes: keeps expansion and selection. */
  key: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon: NodeIcon;
  /** Drives the view/item/context menus of package.json. */
  contextValue?: string;
  collapsible: 'none' | 'collapsed';
  runId: string;
  runFolder: string;
  /** The run's summary, on run nodes (also read by commands contributed by other views). */
  summary?: RunSummary;
  /** A file the node opens. */
  path?: string;
  /** Children known up front (misclassified images). */
  children?: RunsNode[];
}

/** Files of a run folder that the tree links to, by name. */
export const RUN_FILES = {
  record: 'run.json',
  report: 'report.md',
  modelSummary: 'model_summary.txt',
} as const;

export interface RunNodeOptions {
  active: boolean;
  /** Shown when runs of several workspace folders are listed together. */
  workspaceName?: string;
  /** Live position of the running training. */
  live?: { epoch: number; epochs: number };
  /** Label with seconds, for runs started in the same minute as another. */
  seconds?: boolean;
}

const STATE_ICONS: Record<RunState, NodeIcon> = {
  running: { id: 'sync~spin' },
  completed: { id: 'pass', color: 'testing.iconPassed' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  failed: { id: 'error', color: 'testing.iconFailed' },
};

const ACTIVE_ICON: NodeIcon = { id: 'star-full', color: 'charts.yellow' };
/** A completed run whose model has warnings: never the green tick of success. The active model keeps its star; its description says. */
const WARNING_ICON: NodeIcon = { id: 'warning', color: 'list.warningForeground' };

export function formatDate(iso: string, seconds = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  const minute = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
  return seconds ? `${minute}:${pad(d.getSeconds())}` : minute;
}

export function percent(x: number | undefined, digits = 1): string {
  return x === undefined || !Number.isFinite(x) ? '–' : `${(x * 100).toFixed(digits)}%`;
}

export function decimal(x: number | undefined, digits = 3): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

/** Short human name of a run, used in pickers, panels and comparisons. */
export function runLabel(run: Pick<RunSummary, 'startedAt' | 'backend'>): string {
  return `${formatDate(run.startedAt, true)} · ${run.backend}`;
}

export function runNode(summary: RunSummary, options: RunNodeOptions): RunsNode {
  const active = options.active && summary.state === 'completed';
  const warnings = summary.state === 'completed' ? (summary.warnings ?? []) : [];
  // Metrics first: a narrow sidebar cuts the end of the description.
  const parts: string[] = [];
  if (summary.state === 'running') {
    parts.push(options.live ? `running · epoch ${options.live.epoch}/${options.live.epochs}` : 'running');
  } else if (summary.state === 'completed') {
    if (warnings.length) parts.push(modelUnusable(warnings) ? 'model not usable' : 'too few test images');
    parts.push(`acc ${percent(summary.testAccuracy)}`, `F1 ${decimal(summary.macroF1, 2)}`);
  } else {
    parts.push(summary.state);
  }
  parts.push(summary.backend);
  if (active) parts.push('active model');
  if (options.workspaceName) parts.push(options.workspaceName);

  const tooltip = [
    `**Run ${summary.id}**${active ? ' — active model' : ''}`,
    '',
    `- State: ${summary.state}`,
    `- Started: ${formatDate(summary.startedAt)}${summary.endedAt ? `, ended ${formatDate(summary.endedAt)}` : ''}`,
    `- Backend: ${summary.backend}`,
    `- Classes: ${summary.classes.join(', ') || '–'}`,
    `- Epochs run: ${summary.epochsRun}`,
    `- Test accuracy: ${percent(summary.testAccuracy)}`,
    `- Macro F1: ${decimal(summary.macroF1)}`,
    `- Dataset: ${summary.datasetFolder}`,
    `- Folder: ${summary.folder}`,
    ...(warnings.length ? ['', `**${modelUnusable(warnings) ? 'Model not usable' : 'Too few test images to judge'}:**`, ...warnings.map((w) => `- ${w.message} ${w.suggestion}`)] : []),
  ].join('\n');

  return {
    kind: 'run',
    key: `run:${summary.folder}`,
    label: formatDate(summary.startedAt, options.seconds),
    description: parts.join(' · '),
    tooltip,
    icon: active ? ACTIVE_ICON : warnings.length ? WARNING_ICON : STATE_ICONS[summary.state],
    contextValue: active ? 'run.active' : `run.${summary.state}`,
    collapsible: 'collapsed',
    runId: summary.id,
    runFolder: summary.folder,
    summary,
  };
}

/** The children of a run: what a user opens to understand it. `files` are the names present in the run folder. */
export function runChildren(record: RunRecord, runFolder: string, files: readonly string[]): RunsNode[] {
  const base = { runId: record.id, runFolder, collapsible: 'none' as const };
  const out: RunsNode[] = [];
  if (record.state === 'failed' && record.error) {
    out.push({ ...base, kind: 'message', key: `error:${runFolder}`, label: 'Failed', description: record.error, tooltip: record.error, icon: { id: 'error', color: 'testing.iconFailed' } });
  }
  const hasReportFile = files.includes(RUN_FILES.report);
  if (hasReportFile || record.metrics) {
    out.push({
      ...base,
      kind: 'report',
      key: `report:${runFolder}`,
      label: 'Report',
      description: record.metrics ? `accuracy ${percent(record.metrics.accuracy)}` : undefined,
      icon: { id: 'book' },
      path: hasReportFile ? join(runFolder, RUN_FILES.report) : undefined,
    });
  }
  out.push({
    ...base,
    kind: 'summary',
    key: `summary:${runFolder}`,
    label: 'Model summary',
    description: modelDescription(record),
    icon: { id: 'symbol-class' },
    path: files.includes(RUN_FILES.modelSummary) ? join(runFolder, RUN_FILES.modelSummary) : undefined,
  });
  const metrics = record.metrics;
  if (metrics) {
    out.push({
      ...base,
      kind: 'confusion',
      key: `confusion:${runFolder}`,
      label: 'Confusion matrix',
      description: `${metrics.classes.length}×${metrics.classes.length}`,
      icon: { id: 'table' },
    });
    const mis = metrics.misclassified.map((m, i): RunsNode => ({
      ...base,
      kind: 'misclassified',
      key: `mis:${runFolder}:${i}:${m.path}`,
      label: basename(m.path),
      description: `${metrics.classes[m.trueIndex] ?? m.trueIndex} → ${metrics.classes[m.predIndex] ?? m.predIndex} (${percent(m.confidence, 0)})`,
      tooltip: `${m.path}\n\nTrue class: ${metrics.classes[m.trueIndex] ?? m.trueIndex}\n\nPredicted: ${metrics.classes[m.predIndex] ?? m.predIndex} with ${percent(m.confidence)} confidence`,
      icon: { id: 'file-media' },
      path: m.path,
    }));
    out.push({
      ...base,
      kind: 'misclassifiedGroup',
      key: `misgroup:${runFolder}`,
      label: 'Misclassified images',
      description: String(mis.length),
      icon: { id: 'warning' },
      collapsible: mis.length > 0 ? 'collapsed' : 'none',
      children: mis,
    });
  }
  return out;
}

export function modelDescription(record: RunRecord): string {
  const size = record.config?.imageSize;
  const parts = [size ? `${size}×${size} gray` : undefined, record.modelParams ? `${record.modelParams.toLocaleString('en-US')} params` : undefined];
  return parts.filter(Boolean).join(' · ') || record.backend;
}

/** Runs whose label to the minute is shared with another run. */
export function sameMinute(runs: readonly RunSummary[]): Set<string> {
  const count = new Map<string, number>();
  for (const r of runs) count.set(formatDate(r.startedAt), (count.get(formatDate(r.startedAt)) ?? 0) + 1);
  return new Set(runs.filter((r) => (count.get(formatDate(r.startedAt)) ?? 0) > 1).map((r) => r.folder));
}

/** Sorts runs newest first, running ones on top. */
export function sortRuns(runs: RunSummary[]): RunSummary[] {
  return [...runs].sort((a, b) => {
    if ((a.state === 'running') !== (b.state === 'running')) return a.state === 'running' ? -1 : 1;
    return b.startedAt.localeCompare(a.startedAt);
  });
}
