// Training settings. Defaults reproduce the seed model (48x48 gray, Adam 1e-3, batch 32,
// 20 epochs, early stopping on val_loss with patience 4, 70/15/15 split); the only departure
// is class weighting, which switches itself on for imbalanced data ('auto').

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type ClassWeighting = 'auto' | 'balanced' | 'none';
export type LossKind = 'crossentropy' | 'focal';

export interface TrainConfig {
  imageSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  patience: number;
  seed: number;
  valFraction: number;
  testFraction: number;
  classWeighting: ClassWeighting;
  loss: LossKind;
  focalGamma: number;
  augment: boolean;
  backend: BackendPreference;
  /** Data-parallel training workers; 0 picks one per core. */
  workers: number;
}

export const DEFAULT_CONFIG: Readonly<TrainConfig> = Object.freeze({
  imageSize: 48,
  epochs: 20,
  batchSize: 32,
  learningRate: 0.001,
  patience: 4,
  seed: 42,
  valFraction: 0.15,
  testFraction: 0.15,
  classWeighting: 'auto',
  loss: 'crossentropy',
  focalGamma: 2,
  augment: false,
  backend: 'auto',
  workers: 0,
});

export function resolveConfig(partial: Partial<TrainConfig> = {}): TrainConfig {
  const merged: TrainConfig = { ...DEFAULT_CONFIG };
  for (const [key, value] of Object.entries(partial) as [keyof TrainConfig, unknown][]) {
    // Only known settings: a key such as __proto__ from a JSON message must not reach the object.
    if (value !== undefined && value !== null && Object.hasOwn(DEFAULT_CONFIG, key)) (merged as unknown as Record<string, unknown>)[key] = value;
  }
  validateConfig(merged);
  return merged;
}

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
  if (!Number.isInteger(c.imageSize) || c.imageSize < 22 || c.imageSize > 512) fail(`imageSize must be an integer from 22 (the smallest input the three conv-pool stages can reduce) to 512, got ${c.imageSize}`);
  if (!Number.isInteger(c.epochs) || c.epochs < 1 || c.epochs > 100_000) fail(`epochs must be an integer from 1 to 100000, got ${c.epochs}`);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1 || c.batchSize > 65_536) fail(`batchSize must be an integer from 1 to 65536, got ${c.batchSize}`);
  if (!(c.learningRate > 0 && c.learningRate < 1)) fail(`learningRate must be in (0, 1), got ${c.learningRate}`);
  if (!Number.isInteger(c.patience) || c.patience < 0 || c.patience > 100_000) fail(`patience must be an integer from 0 to 100000, got ${c.patience}`);
  if (!(c.valFraction > 0 && c.testFraction > 0 && c.valFraction + c.testFraction < 1)) {
    fail(`valFraction and testFraction must be positive and sum below 1, got ${c.valFraction} and ${c.testFraction}`);
  }
  if (!['auto', 'balanced', 'none'].includes(c.classWeighting)) fail(`classWeighting must be auto, balanced or none, got ${c.classWeighting}`);
  if (!['crossentropy', 'focal'].includes(c.loss)) fail(`loss must be crossentropy or focal, got ${c.loss}`);
  if (!Number.isSafeInteger(c.seed)) fail(`seed must be an integer, got ${c.seed}`);
  if (typeof c.focalGamma !== 'number' || !(c.focalGamma >= 0 && c.focalGamma <= MAX_FOCAL_GAMMA)) {
    fail(`focalGamma must be a number from 0 to ${MAX_FOCAL_GAMMA} (2 is usual), got ${c.focalGamma}`);
  }
  if (typeof c.augment !== 'boolean') fail(`augment must be true or false, got ${JSON.stringify(c.augment)}`);
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(c.backend)) fail(`backend must be auto, tensorflow, wasm or cpu, got ${c.backend}`);
  if (!Number.isInteger(c.workers) || c.workers < 0 || c.workers > 256) fail(`workers must be an integer from 0 to 256, got ${c.workers}`);
}
