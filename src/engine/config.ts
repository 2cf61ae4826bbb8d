// Training settings. A model preset brings its own recipe: `radnet` (the default, a batch-normalised
// CNN with global average pooling, trained with augmentation, a cosine learning-rate schedule and
// model selection on validation AUC) or `seed` (the original student CNN and recipe: 48x48 gray,
// Adam 1e-3 constant, batch 32, 20 epochs, early stopping on val_loss with patience 4). Any option
// set explicitly overrides the preset's value.

import { parsePathGroups } from './data/pathGroups';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type ClassWeighting = 'auto' | 'balanced' | 'none';
export type LossKind = 'crossentropy' | 'focal';
export type ModelPreset = 'radnet' | 'seed';
export type LrSchedule = 'cosine' | 'constant';
/** What picks the epoch to keep: validation AUC (two classes) or macro-F1 (more), or validation loss. */
export type SelectionMetric = 'auto' | 'loss';
export type Sampling = 'shuffle' | 'balanced';
/** What keeps DICOM images together in one split: their patient, their study, or nothing. */
export type GroupBy = 'patient' | 'study' | 'none';

export interface TrainConfig {
  model: ModelPreset;
  imageSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  lrSchedule: LrSchedule;
  patience: number;
  selectBy: SelectionMetric;
  seed: number;
  valFraction: number;
  testFraction: number;
  classWeighting: ClassWeighting;
  sampling: Sampling;
  loss: LossKind;
  focalGamma: number;
  augment: boolean;
  /** Test-time augmentation: average the predictions of the image and its mirror image at evaluation. */
  tta: boolean;
  /** Two classes: the decision threshold reaches this validation sensitivity; 0 maximises sensitivity + specificity. */
  targetSensitivity: number;
  /**
   * radnet: start from the built-in base (radnet trained on balanced synthetic radiographs) instead of
   * random weights. Ignored when baseModel is set.
   */
  pretrained: boolean;
  /** A TensorFlow.js layers model folder (or a run folder) to fine-tune from; empty trains from scratch. */
  baseModel: string;
  /** Name of the base model's layer whose output feeds the new head; empty: the last layer before its classifier. */
  cutLayer: string;
  /** Epochs that train only the new head before the base model is unfrozen. */
  freezeEpochs: number;
  backend: BackendPreference;
  /** Data-parallel training workers; 0 picks one per core. */
  workers: number;
  groupBy: GroupBy;
  /** Images kept in one split by their paths: 'none', 'folder:N' or a regular expression with one capture group. */
  pathGroups: string;
  /** Bootstrap resamples for the test figures' 95% intervals; 0: no intervals. */
  bootstrapResamples: number;
  /** k-fold cross-validation: 0 or 1 trains once; 2 to 20 trains once per fold, each fold the test split once. */
  folds: number;
}

export const MODEL_PRESETS: readonly ModelPreset[] = ['radnet', 'seed'];

type Recipe = Pick<TrainConfig, 'imageSize' | 'epochs' | 'learningRate' | 'lrSchedule' | 'patience' | 'selectBy' | 'augment' | 'sampling' | 'tta' | 'pretrained'>;

/** Each preset's own recipe; see README "Model presets" for the measurements behind radnet's. */
export const PRESET_RECIPES: Readonly<Record<ModelPreset, Readonly<Recipe>>> = Object.freeze({
  radnet: Object.freeze({ imageSize: 64, epochs: 24, learningRate: 0.002, lrSchedule: 'cosine', patience: 12, selectBy: 'auto', augment: true, sampling: 'balanced', tta: true, pretrained: true }),
  seed: Object.freeze({ imageSize: 48, epochs: 20, learningRate: 0.001, lrSchedule: 'constant', patience: 4, selectBy: 'loss', augment: false, sampling: 'shuffle', tta: false, pretrained: false }),
});

export const DEFAULT_CONFIG: Readonly<TrainConfig> = Object.freeze({
  model: 'radnet',
  ...PRESET_RECIPES.radnet,
  batchSize: 32,
  seed: 42,
  valFraction: 0.15,
  testFraction: 0.15,
  classWeighting: 'auto',
  loss: 'crossentropy',
  focalGamma: 2,
  targetSensitivity: 0,
  baseModel: '',
  cutLayer: '',
  freezeEpochs: 3,
  backend: 'auto',
  workers: 0,
  groupBy: 'patient',
  pathGroups: 'none',
  bootstrapResamples: 2000,
  folds: 0,
});

export function resolveConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  const preset = partial.model ?? DEFAULT_CONFIG.model;
  if (!MODEL_PRESETS.includes(preset)) throw new RangeError(`Invalid training setting: model must be one of ${MODEL_PRESETS.join(', ')}, got ${String(preset)}`);
  const merged: TrainConfig = { ...DEFAULT_CONFIG, ...PRESET_RECIPES[preset] };
  for (const [key, value] of Object.entries(partial) as [keyof TrainConfig, unknown][]) {
    // Only known settings: a key such as __proto__ from a JSON message must not reach the object.
    if (value !== undefined && value !== null && Object.hasOwn(DEFAULT_CONFIG, key)) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  validateConfig(merged);
  return merged;
}

const oneOf = (value: unknown, allowed: readonly string[]) => typeof value === 'string' && allowed.includes(value);

/** Beyond this the focal loss all but ignores every example the model already gets roughly right. */
export const MAX_FOCAL_GAMMA = 5;

export function validateConfig(c: TrainConfig): void {
  const fail = (msg: string): never => {
    throw new RangeError(`Invalid training setting: ${msg}`);
  };
  for (const key of Object.keys(DEFAULT_CONFIG) as (keyof TrainConfig)[]) {
    const want = typeof DEFAULT_CONFIG[key];
    if (typeof c[key] !== want) fail(`${key} must be a ${want}, got ${JSON.stringify(c[key])}`);
  }
  if (!oneOf(c.model, MODEL_PRESETS)) fail(`model must be one of ${MODEL_PRESETS.join(', ')}, got ${c.model}`);
  if (!Number.isInteger(c.imageSize) || c.imageSize < 22 || c.imageSize > 512) fail(`imageSize must be an integer from 22 (the smallest input the three conv-pool stages can reduce) to 512, got ${c.imageSize}`);
  if (!Number.isInteger(c.epochs) || c.epochs < 1 || c.epochs > 100_000) fail(`epochs must be an integer from 1 to 100000, got ${c.epochs}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize > 65_536) fail(`batchSize must be an integer from 1 to 65536, got ${c.batchSize}`);
  if (!(c.learningRate > 0 && c.learningRate < 1)) fail(`learningRate must be in (0, 1), got ${c.learningRate}`);
  if (!oneOf(c.lrSchedule, ['cosine', 'constant'])) fail(`lrSchedule must be cosine or constant, got ${c.lrSchedule}`);
  if (!Number.isInteger(c.patience) || c.patience < 0 || c.patience > 100_000) fail(`patience must be an integer from 0 to 100000, got ${c.patience}`);
  if (!oneOf(c.selectBy, ['auto', 'loss'])) fail(`selectBy must be auto or loss, got ${c.selectBy}`);
  if (!Number.isSafeInteger(c.seed)) fail(`seed must be an integer, got ${c.seed}`);
  if (!(c.valFraction > 0 && c.testFraction > 0 && c.valFraction + c.testFraction < 1)) {
    fail(`valFraction and testFraction must be positive and sum below 1, got ${c.valFraction} and ${c.testFraction}`);
  }
  if (!oneOf(c.classWeighting, ['auto', 'balanced', 'none'])) fail(`classWeighting must be auto, balanced or none, got ${c.classWeighting}`);
  if (!oneOf(c.sampling, ['shuffle', 'balanced'])) fail(`sampling must be shuffle or balanced, got ${c.sampling}`);
  if (!oneOf(c.loss, ['crossentropy', 'focal'])) fail(`loss must be crossentropy or focal, got ${c.loss}`);
  if (!(c.focalGamma >= 0 && c.focalGamma <= MAX_FOCAL_GAMMA)) {
    fail(`focalGamma must be a number from 0 to ${MAX_FOCAL_GAMMA} (2 is usual), got ${c.focalGamma}`);
  }
  if (!(c.targetSensitivity === 0 || (c.targetSensitivity > 0 && c.targetSensitivity < 1))) {
    fail(`targetSensitivity must be 0 (maximise sensitivity + specificity) or a number strictly between 0 and 1, got ${c.targetSensitivity}`);
  }
  if (c.pretrained && !c.baseModel && c.model !== 'radnet') fail(`pretrained applies to the radnet model only (its built-in base is a radnet); set it to false for the ${c.model} model`);
  if (!Number.isInteger(c.freezeEpochs) || c.freezeEpochs < 0) fail(`freezeEpochs must be a non-negative integer, got ${c.freezeEpochs}`);
  if (!oneOf(c.backend, ['auto', 'tensorflow', 'wasm', 'cpu'])) fail(`backend must be auto, tensorflow, wasm or cpu, got ${c.backend}`);
  if (!Number.isInteger(c.workers) || c.workers < 0 || c.workers > 256) fail(`workers must be an integer from 0 to 256, got ${c.workers}`);
  if (!['patient', 'study', 'none'].includes(c.groupBy)) fail(`groupBy must be patient, study or none, got ${c.groupBy}`);
  if (!Number.isInteger(c.bootstrapResamples) || c.bootstrapResamples < 0 || c.bootstrapResamples > 100000) fail(`bootstrapResamples must be an integer from 0 (no intervals) to 100000, got ${c.bootstrapResamples}`);
  if (!Number.isInteger(c.folds) || c.folds < 0 || c.folds > 20) fail(`folds must be an integer from 2 to 20 (0 or 1: no cross-validation), got ${c.folds}`);
  const groups = parsePathGroups(c.pathGroups);
  if (groups.problem) fail(`pathGroups: ${groups.problem}`);
}
