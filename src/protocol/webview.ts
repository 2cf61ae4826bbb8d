// Messages between the extension host and its webviews, as typed descriptors with guards.
// Imported by both sides; nothing here may import 'vscode' or Node modules.
import type { BatchProgress, Prediction, RunRecord, RunSummary } from '../engine/types';

export interface IpcMessage<Params> {
  method: string;
  params: Params;
}

/** Checks a message's params at run time: messages cross a trust boundary, so types alone prove nothing. */
export type ParamsCheck = (params: unknown) => boolean;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A path or id: a non-empty string of sane length without NUL characters. */
const isName = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && !v.includes('\0');
const anyParams: ParamsCheck = (p) => p === undefined || isRecord(p);
const pathParams: ParamsCheck = (p) => isRecord(p) && isName(p.path);

/** Largest export the page may send (a PNG of the curves is well under 1 MB). */
export const MAX_EXPORT_CHARS = 32 * 1024 * 1024;

export class IpcMessageType<Params> {
  constructor(
    readonly method: string,
    private readonly check: ParamsCheck = anyParams,
  ) {}
  create(params: Params): IpcMessage<Params> {
    return { method: this.method, params };
  }
  /** The method matches and the params have the shape and types this message needs. */
  is(message: unknown): message is IpcMessage<Params> {
    return isRecord(message) && message.method === this.method && this.check(message.params);
  }
}

// ---- shared by every panel ----

/** webview -> host: the page has loaded and wants a full state snapshot. */
export const ReadyCommand = new IpcMessageType<Record<string, never>>('webview/ready');
/** webview -> host: open a file (an image, a report) in an editor. */
export const OpenFileCommand = new IpcMessageType<{ path: string }>('webview/openFile', pathParams);
/** webview -> host: classify an image with Grad-CAM. */
export const ClassifyImageCommand = new IpcMessageType<{ path: string }>('webview/classifyImage', pathParams);
/** webview -> host: start training (the "Train a model" button). */
export const TrainModelCommand = new IpcMessageType<Record<string, never>>('webview/trainModel');

// ---- dashboard ----

export interface DashboardState {
  runs: RunSummary[];
  selectedRunId?: string;
  /** Full record of the selected run; for a running one, its history so far. */
  run?: RunRecord;
  /** Last batch of the running training, when the selected run is running. */
  lastBatch?: BatchProgress;
  /** Webview URIs of images the panel may show (misclassified thumbnails), by file path. */
  imageUris: Record<string, string>;
  /** Why the selected run cannot be shown (its run.json unreadable, the training process down). */
  problem?: string;
}

/** host -> webview: the complete dashboard state; always a snapshot, never a delta. */
export const DidChangeDashboardStateNotification = new IpcMessageType<{ state: DashboardState }>('dashboard/didChangeState', (p) => isRecord(p) && isRecord(p.state));
/** webview -> host: show another run. */
export const SelectRunCommand = new IpcMessageType<{ runId: string }>('dashboard/selectRun', (p) => isRecord(p) && isName(p.runId, 256));
/** webview -> host: save an export into the run folder. PNG data is base64 without a data: prefix. */
export const ExportCommand = new IpcMessageType<{ runId: string; fileName: string; kind: 'png' | 'markdown'; data: string }>(
  'dashboard/export',
  (p) =>
    isRecord(p) &&
    isName(p.runId, 256) &&
    isName(p.fileName, 255) &&
    (p.kind === 'png' || p.kind === 'markdown') &&
    typeof p.data === 'string' &&
    p.data.length <= MAX_EXPORT_CHARS,
);
/** host -> webview: an export was written. */
export const DidExportNotification = new IpcMessageType<{ path: string } | { error: string }>(
  'dashboard/didExport',
  (p) => isRecord(p) && (typeof p.path === 'string' || typeof p.error === 'string'),
);

/** webview -> host: store this decision threshold (two classes, 0 < value < 1) with the run's model. */
export const UseThresholdCommand = new IpcMessageType<{ runId: string; value: number }>('dashboard/useThreshold');
/** host -> webview: the threshold was stored, or why not. */
export const DidUseThresholdNotification = new IpcMessageType<{ message: string } | { error: string }>('dashboard/didUseThreshold');

// ---- classify panel ----

export interface ClassifyItem {
  path: string;
  name: string;
  /** Webview URIs. */
  imageUri?: string;
  overlayUri?: string;
  heatmapUri?: string;
  prediction?: Prediction;
  error?: string;
}

export interface ClassifyState {
  items: ClassifyItem[];
  busy: boolean;
  /** The run whose model answered, for "which run and model produced it". */
  run?: { id: string; folder: string; label: string };
  /** A problem for the whole request, such as no trained model yet. */
  problem?: { message: string; canTrain: boolean };
  /** Milliseconds the training process spent loading the model for this request (0 when it was loaded). */
  modelLoadMs?: number;
}

/** What the classify webview saves with setState; VS Code hands it back to the host's serializer on reload. */
export interface ClassifyViewState {
  paths: string[];
  mode: 'original' | 'overlay' | 'heatmap';
  /** Overlay opacity, 0..1. */
  opacity: number;
  /** Index of the image shown large. */
  selected: number;
}

/** host -> webview: the complete classify state. */
export const DidChangeClassifyStateNotification = new IpcMessageType<{ state: ClassifyState }>('classify/didChangeState', (p) => isRecord(p) && isRecord(p.state));
/** webview -> host: redraw an image's Grad-CAM for another class ("where does it see 'normal'?"). */
export const ExplainClassCommand = new IpcMessageType<{ path: string; classIndex: number }>(
  'classify/explainClass',
  (p) => pathParams(p) && Number.isInteger((p as { classIndex?: unknown }).classIndex) && ((p as { classIndex: number }).classIndex) >= 0,
);
