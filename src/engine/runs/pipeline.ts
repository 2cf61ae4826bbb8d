// The whole training job, shared by the CLI and the training process.
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { kernelsInUse } from '../backend/native';
import { initBackend } from '../backend/select';
import { resolveConfig, type TrainConfig } from '../config';
import { DatasetError } from '../data/errors';
import type { ImageSet } from '../data/imageSet';
import { loadDataset, type LoadedDataset } from '../data/load';
import { imbalanceRemedy } from '../data/report';
import { predictSet, scoreSet } from '../eval/evaluate';
import { positiveClassIndex } from '../eval/metrics';
import { predictionsCsv, type PredictionSplit } from '../eval/predictionsCsv';
import { chooseThreshold } from '../eval/threshold';
import { classificationReportFile } from '../eval/reportText';
import { attachHead, loadBaseModel, type BaseModel } from '../model/finetune';
import { saveModel } from '../model/io';
import { buildPresetModel, MIN_INPUT } from '../model/presets';
import { builtinBaseFolder, loadPretrained } from '../model/pretrained';
import { modelSummary } from '../model/seedCnn';
import { createInferencePool, resolveWorkers } from '../train/parallel';
import { trainModel, type TrainCallbacks } from '../train/train';
import type { DatasetReport, DecisionThreshold, EvalReport, RunRecord, TrainingOutcome } from '../types';
import { writeFileAtomic } from '../fs/atomic';
import { localizationScore } from './localization';
import { recoverInterruptedRuns } from './recover';
import { reportMarkdown, trainingTimeText } from './reportMarkdown';
import { newRunId } from './runId';
import { markRunEnded, MODEL_DIR, PREDICTIONS_CSV, RUN_JSON } from './store';
import { RunWriter, withRetry } from './runWriter';

export interface PipelineCallbacks extends TrainCallbacks {
  /** The run folder exists; `record` is its first run.json (backend and model size known, no history yet). */
  onStart?(runId: string, runFolder: string, record: RunRecord): void;
  onDataset?(report: DatasetReport): void;
  onDecodeProgress?(done: number, total: number): void;
}

export interface PipelineOptions {
  datasetFolder: string;
  runsFolder: string;
  config: Partial<TrainConfig>;
  callbacks?: PipelineCallbacks;
  signal?: AbortSignal;
  cacheDir?: string;
  /** Id for the run folder (see newRunId), for callers that must name the run before the dataset is read. */
  runId?: string;
  /** One fold of a cross-validation: its test split is fold `index` (0-based) of `count`; `group` names the cross-validation. */
  fold?: { index: number; count: number; group: string };
}

/** What went wrong, for callers that act on it (the CLI's exit codes, the extension's buttons). */
export type FailureKind = 'config' | 'dataset' | 'training';

export function failureKind(err: unknown): FailureKind {
  if (err instanceof RangeError && err.message.startsWith('Invalid training setting')) return 'config';
  if (err instanceof DatasetError) return 'dataset';
  return 'training';
}

const seconds = (since: number) => (performance.now() - since) / 1000;
/** Fewer than this per class can leave the training or test split empty (70/15/15 split). */
const MIN_IMAGES_PER_CLASS = 3;
const isAbort = (err: unknown, signal?: AbortSignal) => signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');

async function writeArtifacts(folder: string, record: RunRecord, model: tfl.LayersModel, classes: string[], predictions: PredictionSplit[]): Promise<void> {
  const m0 = record.metrics;
  await saveModel(model, join(folder, MODEL_DIR), {
    classes,
    imageSize: record.config.imageSize,
    runId: record.id,
    ...(m0?.threshold ? { threshold: { positiveClass: m0.threshold.positiveClass, value: m0.threshold.value } } : {}),
    ...(m0?.tta ? { tta: true } : {}),
  });
  const m = record.metrics!;
  await writeFileAtomic(join(folder, 'classification_report.txt'), classificationReportFile(m));
  await writeFileAtomic(join(folder, PREDICTIONS_CSV), predictionsCsv(classes, predictions, m.threshold));
  await writeFileAtomic(join(folder, 'model_summary.txt'), modelSummary(model));
  await writeFileAtomic(join(folder, 'training_time.txt'), trainingTimeText(record));
  await writeFileAtomic(join(folder, 'report.md'), reportMarkdown(record));
}

/** The whole job: load data, train, evaluate, write the run folder atomically. Used by the CLI and the training process. */
/** What runTraining returns: `unsaved` says what of the run's final state could not be written. */
export type PipelineOutcome = TrainingOutcome & { kind?: FailureKind; folder?: string; unsaved?: string };

export async function runTraining(options: PipelineOptions): Promise<PipelineOutcome> {
  const cb = options.callbacks ?? {};
  const { signal } = options;
  const started = performance.now();
  const startedAt = new Date();
  const datasetFolder = resolve(options.datasetFolder);
  let record: RunRecord | undefined;
  let writer: RunWriter | undefined;
  let model: tfl.LayersModel | undefined;
  let config: TrainConfig | undefined;
  try {
    config = resolveConfig(options.config);
    const backend = await initBackend(config.backend);
    // A fine-tuning base is checked before any data is read: a bad setting costs nothing and writes nothing.
    let base: BaseModel | undefined;
    if (config.baseModel) {
      base = await loadBaseModel(config.baseModel, options.config.imageSize ?? undefined);
      config.imageSize = base.imageSize;
      // The given base replaces the built-in one; run.json says what the run really started from.
      config.pretrained = false;
      cb.onLog?.(`Fine-tuning from ${base.folder} (input ${base.imageSize}x${base.imageSize}x${base.channels})`);
    } else if (config.imageSize < MIN_INPUT[config.model]) {
      throw new RangeError(`Invalid training setting: imageSize must be at least ${MIN_INPUT[config.model]} for the ${config.model} model, got ${config.imageSize}`);
    }
    // Checked before any data is read, like a base model: a broken installation costs nothing.
    const pretrainedFrom = !base && config.pretrained ? builtinBaseFolder() : undefined;
    cb.onLog?.(`Backend: ${backend.detail}`);
    const decodeStart = performance.now();
    const data: LoadedDataset = await loadDataset(datasetFolder, {
      imageSize: config.imageSize,
      valFraction: config.valFraction,
      testFraction: config.testFraction,
      seed: config.seed,
      groupBy: config.groupBy,
      pathGroups: config.pathGroups,
      imbalanceRemedy: imbalanceRemedy(config.sampling, config.classWeighting),
      ...(options.fold ? { fold: { index: options.fold.index, count: options.fold.count } } : {}),
      cacheDir: options.cacheDir,
      onProgress: cb.onDecodeProgress ? (d, t) => cb.onDecodeProgress!(d, t) : undefined,
      signal,
    });
    const decodeSeconds = seconds(decodeStart);
    cb.onDataset?.(data.report);
    const classes = data.report.classes;
    for (const split of ['train', 'test'] as const) {
      if (data[split].size === 0) {
        throw new DatasetError(
          datasetFolder,
          `The ${split} split of ${datasetFolder} is empty: too few usable images (${data.report.classes.map((c, i) => `${c}: ${data.report.counts.train[i] + data.report.counts.val[i] + data.report.counts.test[i]}`).join(', ')}). Add images, at least ${MIN_IMAGES_PER_CLASS} per class.`,
        );
      }
    }

    let freeze: { layers: tfl.layers.Layer[]; epochs: number } | undefined;
    if (base) {
      const ft = attachHead(base, config.cutLayer, classes.length, config.seed);
      model = ft.model;
      freeze = { layers: ft.baseLayers, epochs: config.freezeEpochs };
      cb.onLog?.(`Cut at layer ${ft.cutLayer}; a new head for ${classes.length} classes; base frozen for ${config.freezeEpochs} epochs`);
    } else {
      model = buildPresetModel(config.model, config.imageSize, classes.length, config.seed);
      if (pretrainedFrom) {
        const filled = await loadPretrained(model, pretrainedFrom);
        cb.onLog?.(`Started from the built-in radnet base (${filled.length} layers); a new head for ${classes.length} classes`);
      }
    }
    const id = options.runId ?? newRunId(startedAt);
    const runsFolder = resolve(options.runsFolder);
    for (const gone of await recoverInterruptedRuns(runsFolder)) cb.onLog?.(`Run ${gone} was interrupted; marked failed.`);
    const folder = join(runsFolder, id);
    await mkdir(folder, { recursive: true });
    writer = new RunWriter(folder);
    record = {
      id,
      state: 'running',
      startedAt: startedAt.toISOString(),
      pid: process.pid,
      datasetFolder,
      config,
      backend: backend.name,
      ...(kernelsInUse(backend.name) ? { kernels: kernelsInUse(backend.name) } : {}),
      modelParams: model.countParams(),
      dataset: data.report,
      history: [],
      ...(options.fold ? { fold: options.fold } : {}),
    };
    await writer.save(record);
    cb.onStart?.(id, folder, { ...record });
    if (signal?.aborted) throw signal.reason ?? new Error('cancelled');

    const trainStart = performance.now();
    const live = record;
    const result = await trainModel(
      model,
      { train: data.train, val: data.val, numClasses: classes.length, positiveClass: positiveClassIndex(classes), freeze },
      config,
      {
        onBatch: cb.onBatch?.bind(cb),
        onLog: cb.onLog?.bind(cb),
        onEpoch: (m) => {
          live.history.push(m);
          void writer!.saveProgress(live).catch((err) => cb.onLog?.(`Could not update ${RUN_JSON} after epoch ${m.epoch}: ${(err as Error).message}`));
          cb.onEpoch?.(m);
        },
      },
      signal,
    );
    const trainSeconds = seconds(trainStart);
    record.history = result.history;
    record.bestEpoch = result.bestEpoch;
    if (result.stoppedEpoch !== undefined) record.stoppedEpoch = result.stoppedEpoch;
    if (result.classWeights) record.classWeights = result.classWeights;
    if (result.cancelled || signal?.aborted) return await endCancelled(record, writer);

    const evalStart = performance.now();
    const evaluated = await evaluateSplits(model, data, classes, config, backend.name, result.classWeights ?? null);
    record.metrics = evaluated.metrics;
    if (classes.length === 2) {
      const localization = await localizationScore(model, datasetFolder, data.test, positiveClassIndex(classes), config.tta).catch((err: unknown) => {
        cb.onLog?.(`Grad-CAM pointing game skipped: ${(err as Error).message}`);
        return undefined;
      });
      if (localization) record.metrics.localization = localization;
    }
    const evalSeconds = seconds(evalStart);
    if (signal?.aborted) return await endCancelled(record, writer);

    record.timings = { decodeSeconds, trainSeconds, evalSeconds, totalSeconds: seconds(started) };
    record.endedAt = new Date().toISOString();
    record.state = 'completed';
    delete record.pid;
    const trained = model;
    await withRetry(() => writeArtifacts(folder, record!, trained, classes, evaluated.predictions));
    // Last: only now does the folder say it is complete.
    await writer.save(record);
    return { tag: 'completed', run: record, folder };
  } catch (err) {
    if (record && writer && isAbort(err, signal)) return await endCancelled(record, writer);
    if (!record && config && isAbort(err, signal)) {
      // Cancelled while the dataset was decoding: no run folder was made, so there is nothing to mark.
      const now = new Date().toISOString();
      return { tag: 'cancelled', run: { id: '', state: 'cancelled', startedAt: now, endedAt: now, datasetFolder, config, backend: '', history: [] } };
    }
    const message = err instanceof Error ? err.message : String(err);
    let unsaved: string | undefined;
    if (record && writer) {
      record.state = 'failed';
      record.error = message;
      record.endedAt = new Date().toISOString();
      delete record.pid;
      unsaved = await settle(writer, record);
    }
    return { tag: 'failed', message: unsaved ? `${message}; ${unsaved}` : message, kind: failureKind(err), ...(record ? { run: record, folder: writer?.folder } : {}), ...(unsaved ? { unsaved } : {}) };
  } finally {
    model?.dispose();
    if (writer) markRunEnded(writer.folder);
  }
}

/**
 * Writes a run's final state: model/ removed first (a run that is not completed never keeps one),
 * then run.json, retried. Returns what could not be done, for the caller to say.
 */
async function settle(writer: RunWriter, record: RunRecord): Promise<string | undefined> {
  const problems: string[] = [];
  await rm(join(writer.folder, MODEL_DIR), { recursive: true, force: true }).catch((e: Error) => problems.push(`could not remove ${MODEL_DIR}/: ${e.message}`));
  // A report.md written before the failure must not say 'completed'.
  const report = join(writer.folder, 'report.md');
  if (existsSync(report)) await writeFileAtomic(report, reportMarkdown(record)).catch(() => rm(report, { force: true })).catch(() => undefined);
  await writer.save(record).catch((e: Error) => problems.push(`could not write ${join(writer.folder, RUN_JSON)} (${e.message}); the run shows as failed (interrupted) once this process ends`));
  return problems.length ? problems.join('; ') : undefined;
}

async function endCancelled(record: RunRecord, writer: RunWriter): Promise<PipelineOutcome> {
  record.state = 'cancelled';
  record.endedAt = new Date().toISOString();
  delete record.pid;
  const unsaved = await settle(writer, record);
  if (unsaved) return { tag: 'failed', message: `Training cancelled, but ${unsaved}`, run: record, folder: writer.folder, unsaved };
  return { tag: 'cancelled' as const, run: record, folder: writer.folder };
}

/**
 * Starting worker threads costs about as much as predicting a few hundred 48x48 images on one
 * thread, so only a large test split is spread over them.
 */
const PARALLEL_EVAL_MIN_IMAGES = 1000;

/**
 * Chooses the decision threshold on the validation split (two classes), then evaluates the test
 * split with it. Both use the same test-time augmentation, so the threshold fits the scores it cuts.
 */
async function evaluateSplits(model: tfl.LayersModel, data: LoadedDataset, classes: string[], config: TrainConfig, backend: string, appliedClassWeights: number[] | null): Promise<{ metrics: EvalReport; predictions: PredictionSplit[] }> {
  const { val, test } = data;
  const batchSize = Math.max(32, config.batchSize);
  const workers = resolveWorkers(config.workers, backend);
  const pool = workers >= 2 && val.size + test.size >= PARALLEL_EVAL_MIN_IMAGES ? await createInferencePool(model, workers) : undefined;
  try {
    let threshold: DecisionThreshold | undefined;
    const valProbs = val.size > 0 ? await predictSet(model, val, batchSize, pool, config.tta) : new Float32Array(0);
    if (classes.length === 2 && val.size > 0) threshold = chooseThreshold(val.labels, valProbs, positiveClassIndex(classes), config.targetSensitivity);
    const scored = await scoreSet(model, test, classes, { batchSize, pool, tta: config.tta, threshold, seed: config.seed, resamples: config.bootstrapResamples, trainedWith: { ...config, appliedClassWeights } });
    const rows = (split: 'val' | 'test', set: ImageSet, probabilities: Float32Array): PredictionSplit => ({
      split,
      paths: set.paths.map((p) => relative(data.report.root, p).split(sep).join('/')),
      labels: set.labels,
      probabilities,
      groups: set.paths.map((p) => data.groupOf.get(p) ?? ''),
    });
    return { metrics: scored.report, predictions: [rows('val', val, valProbs), rows('test', test, scored.probabilities)] };
  } finally {
    await pool?.close();
  }
}
