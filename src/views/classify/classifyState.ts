// Turns a classify request and the training process's answer into the panel's ClassifyState.
// No 'vscode' here: webview URIs come in as a function, so plain node tests check the state.
import { basename } from 'node:path';
import type { PredictOutcome, RunRecord } from '../../engine/types';
import type { PredictResult } from '../../protocol/training';
import type { ClassifyItem, ClassifyState } from '../../protocol/webview';

/** Maps a file on disk to a URI the webview may load. */
export type ToWebviewUri = (path: string) => string;

export const NO_MODEL_MESSAGE = 'No trained model yet. Train a model on a folder of X-rays first; classification uses the latest completed run.';

export function pendingState(paths: readonly string[], toUri: ToWebviewUri, run?: ClassifyState['run']): ClassifyState {
  return { items: paths.map((p) => ({ path: p, name: basename(p), imageUri: toUri(p) })), busy: true, run };
}

export function noModelState(paths: readonly string[], toUri: ToWebviewUri): ClassifyState {
  return { items: paths.map((p) => ({ path: p, name: basename(p), imageUri: toUri(p) })), busy: false, problem: { message: NO_MODEL_MESSAGE, canTrain: true } };
}

export function failedState(paths: readonly string[], toUri: ToWebviewUri, message: string, run?: ClassifyState['run']): ClassifyState {
  return { items: paths.map((p) => ({ path: p, name: basename(p), imageUri: toUri(p) })), busy: false, run, problem: { message, canTrain: false } };
}

/** The engine's messages start with the path; the panel names the file itself. */
export function reasonOf(outcome: Extract<PredictOutcome, { ok: false }>): string {
  const prefix = `${outcome.path}: `;
  return outcome.error.startsWith(prefix) ? outcome.error.slice(prefix.length) : outcome.error;
}

export function itemFromOutcome(outcome: PredictOutcome, toUri: ToWebviewUri): ClassifyItem {
  if (!outcome.ok) {
    return { path: outcome.path, name: basename(outcome.path), error: reasonOf(outcome) };
  }
  const p = outcome.prediction;
  return {
    path: p.path,
    name: basename(p.path),
    imageUri: toUri(p.picturePath ?? p.path),
    overlayUri: p.overlayPath ? toUri(p.overlayPath) : undefined,
    heatmapUri: p.heatmapPath ? toUri(p.heatmapPath) : undefined,
    prediction: p,
  };
}

export function resultState(result: PredictResult, toUri: ToWebviewUri, run: ClassifyState['run']): ClassifyState {
  return { items: result.outcomes.map((o) => itemFromOutcome(o, toUri)), busy: false, run, modelLoadMs: result.modelLoadMs };
}

/** The answers so far for the first images of `paths`, the rest still pending. */
export function partialState(paths: readonly string[], soFar: PredictResult, toUri: ToWebviewUri, run: ClassifyState['run']): ClassifyState {
  const done = resultState(soFar, toUri, run);
  const rest = paths.slice(soFar.outcomes.length).map((p) => ({ path: p, name: basename(p), imageUri: toUri(p) }));
  return { ...done, items: [...done.items, ...rest], busy: rest.length > 0 };
}

/** The state with one image's answer replaced (another class explained), everything else kept. */
export function withOutcome(state: ClassifyState, outcome: PredictOutcome, toUri: ToWebviewUri): ClassifyState {
  const path = outcome.ok ? outcome.prediction.path : outcome.path;
  return { ...state, items: state.items.map((item) => (item.path === path ? itemFromOutcome(outcome, toUri) : item)) };
}

/** "Which run and model produced it", in one line. */
export function runInfo(record: RunRecord, folder: string): NonNullable<ClassifyState['run']> {
  const size = record.config?.imageSize;
  const parts = [
    `Run ${formatStarted(record.startedAt)}`,
    record.backend,
    size ? `CNN ${size}×${size} gray` : 'CNN',
    record.modelParams ? `${record.modelParams.toLocaleString('en-US')} params` : undefined,
    record.metrics ? `test accuracy ${(record.metrics.accuracy * 100).toFixed(1)}%` : undefined,
  ];
  return { id: record.id, folder, label: parts.filter(Boolean).join(' · ') };
}

function formatStarted(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** One notification for every file that could not be read, naming each file and its reason. */
export function unreadableMessage(result: PredictResult): string | undefined {
  const failed = result.outcomes.filter((o): o is Extract<PredictOutcome, { ok: false }> => !o.ok);
  if (failed.length === 0) return undefined;
  if (failed.length === 1) return `Could not classify ${basename(failed[0].path)}: ${reasonOf(failed[0])}`;
  const shown = failed.slice(0, 3).map((o) => `${basename(o.path)} (${reasonOf(o)})`);
  const more = failed.length > 3 ? ` and ${failed.length - 3} more` : '';
  return `Could not classify ${failed.length} files: ${shown.join('; ')}${more}.`;
}
