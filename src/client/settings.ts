// How the fractureCnn.* settings map onto the engine's TrainConfig. Free of 'vscode': the
// Config class reads through it, and tests check it against package.json.
import { isAbsolute, join, normalize } from 'node:path';
import { homedir } from 'node:os';
import type { TrainConfig } from '../engine/config';

/** Setting name (after "fractureCnn.") of every training option. */
export const TRAIN_SETTINGS: Readonly<Record<keyof TrainConfig, string>> = {
  model: 'model',
  imageSize: 'imageSize',
  epochs: 'epochs',
  batchSize: 'batchSize',
  learningRate: 'learningRate',
  lrSchedule: 'learningRateSchedule',
  patience: 'patience',
  selectBy: 'selectBy',
  seed: 'seed',
  valFraction: 'validationFraction',
  testFraction: 'testFraction',
  classWeighting: 'classWeighting',
  sampling: 'sampling',
  loss: 'loss',
  focalGamma: 'focalGamma',
  augment: 'augment',
  tta: 'testTimeAugmentation',
  pretrained: 'pretrained',
  targetSensitivity: 'targetSensitivity',
  baseModel: 'baseModel',
  cutLayer: 'cutLayer',
  freezeEpochs: 'freezeEpochs',
  backend: 'backend',
  workers: 'workers',
  groupBy: 'dicomGroupBy',
  pathGroups: 'groupBy',
  bootstrapResamples: 'bootstrapResamples',
  folds: 'folds',
};

/** Settings of the editor only (no engine option, no CLI flag), with their defaults. */
export const EDITOR_SETTINGS = {
  datasetFolder: '',
  runsFolder: '.fracture-cnn/runs',
  openDashboardOnTrain: true,
} as const;

export type SettingsReader = (name: string) => unknown;

/** The training options the settings hold; unset ones are left out so the engine's defaults apply. */
export function trainConfigFromSettings(read: SettingsReader): Partial<TrainConfig> {
  const config: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(TRAIN_SETTINGS)) {
    const value = read(name);
    if (value !== undefined && value !== null) config[key] = value;
  }
  return config as Partial<TrainConfig>;
}

/** The setting (as in "fractureCnn.validationFraction") behind a TrainConfig key named in an engine message. */
export function settingForMessage(message: string): string | undefined {
  // The engine names the setting first ("Invalid training setting: pretrained applies to ..."); other words may name others.
  const lead = /Invalid training setting: (\w+)/.exec(message)?.[1];
  if (lead && Object.hasOwn(TRAIN_SETTINGS, lead)) return `fractureCnn.${TRAIN_SETTINGS[lead as keyof TrainConfig]}`;
  for (const [key, name] of Object.entries(TRAIN_SETTINGS)) {
    if (new RegExp(`\\b${key}\\b`).test(message)) return `fractureCnn.${name}`;
  }
  return undefined;
}

/** A folder setting as an absolute path: "~" is the home folder, relative paths hang off `base`. */
export function resolveFolderSetting(value: string, base: string): string {
  const trimmed = value.trim();
  if (trimmed === '' ) return normalize(base);
  const expanded = trimmed === '~' || trimmed.startsWith('~/') ? join(homedir(), trimmed.slice(1)) : trimmed;
  return normalize(isAbsolute(expanded) ? expanded : join(base, expanded));
}
