// Command-line parsing on node's own parseArgs; every mistake becomes a UsageError (exit code 2).
import { parseArgs } from 'node:util';
import { resolveConfig, type TrainConfig } from '../engine/config';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface TrainCommand {
  command: 'train';
  folder?: string;
  config: Partial<TrainConfig>;
  runsDir?: string;
  cacheDir?: string;
  json: boolean;
}

export interface PredictCommand {
  command: 'predict';
  model: string;
  images: string[];
  gradcam?: string;
  classIndex?: number;
  json: boolean;
}

export interface SampleCommand {
  command: 'sample-data';
  out: string;
}

/** Trains the default model and the seed preset on the same data and prints their figures side by side. */
export interface DemoCommand {
  command: 'demo';
  folder?: string;
  runsDir?: string;
  cacheDir?: string;
  config: Partial<TrainConfig>;
}

export type Command = TrainCommand | PredictCommand | SampleCommand | DemoCommand | { command: 'help' } | { command: 'version' };

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

function parse(args: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const r = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

function num(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
    throw new UsageError(`--${name} expects ${integer ? 'an integer' : 'a number'}, got "${raw}"`);
  }
  return v;
}

function choice<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

const TRAIN_OPTIONS: OptionSpec = {
    model: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    patience: { type: 'string' },
    seed: { type: 'string' },
    'image-size': { type: 'string' },
    val: { type: 'string' },
    test: { type: 'string' },
    'class-weighting': { type: 'string' },
    loss: { type: 'string' },
    'focal-gamma': { type: 'string' },
    augment: { type: 'boolean' },
    'no-augment': { type: 'boolean' },
    'lr-schedule': { type: 'string' },
    'select-by': { type: 'string' },
    sampling: { type: 'string' },
    tta: { type: 'boolean' },
    pretrained: { type: 'boolean' },
    'no-pretrained': { type: 'boolean' },
    'target-sensitivity': { type: 'string' },
    'base-model': { type: 'string' },
    'cut-layer': { type: 'string' },
    'freeze-epochs': { type: 'string' },
    backend: { type: 'string' },
    workers: { type: 'string' },
    'group-by': { type: 'string' },
    'path-groups': { type: 'string' },
    bootstrap: { type: 'string' },
    folds: { type: 'string' },
    'runs-dir': { type: 'string' },
    'cache-dir': { type: 'string' },
    json: { type: 'boolean' },
};

function trainConfig(v: Record<string, string | boolean | undefined>): Partial<TrainConfig> {
  const s = (k: string) => v[k] as string | undefined;
  if (v.pretrained && v['no-pretrained']) throw new UsageError('--pretrained and --no-pretrained contradict each other');
  if (v.augment && v['no-augment']) throw new UsageError('--augment and --no-augment contradict each other');
  const config: Partial<TrainConfig> = {
    model: choice('model', s('model'), ['radnet', 'seed'] as const),
    epochs: num('epochs', s('epochs'), true),
    batchSize: num('batch-size', s('batch-size'), true),
    learningRate: num('lr', s('lr'), false),
    patience: num('patience', s('patience'), true),
    seed: num('seed', s('seed'), true),
    imageSize: num('image-size', s('image-size'), true),
    valFraction: num('val', s('val'), false),
    testFraction: num('test', s('test'), false),
    classWeighting: choice('class-weighting', s('class-weighting'), ['auto', 'balanced', 'none'] as const),
    loss: choice('loss', s('loss'), ['crossentropy', 'focal'] as const),
    focalGamma: num('focal-gamma', s('focal-gamma'), false),
    augment: v.augment ? true : v['no-augment'] ? false : undefined,
    lrSchedule: choice('lr-schedule', s('lr-schedule'), ['cosine', 'constant'] as const),
    selectBy: choice('select-by', s('select-by'), ['auto', 'loss'] as const),
    sampling: choice('sampling', s('sampling'), ['shuffle', 'balanced'] as const),
    tta: v.tta ? true : undefined,
    pretrained: v.pretrained ? true : v['no-pretrained'] ? false : undefined,
    targetSensitivity: num('target-sensitivity', s('target-sensitivity'), false),
    baseModel: s('base-model'),
    cutLayer: s('cut-layer'),
    freezeEpochs: num('freeze-epochs', s('freeze-epochs'), true),
    backend: choice('backend', s('backend'), ['auto', 'wasm', 'cpu', 'tensorflow'] as const),
    workers: num('workers', s('workers'), true),
    groupBy: choice('group-by', s('group-by'), ['patient', 'study', 'none'] as const),
    pathGroups: s('path-groups'),
    bootstrapResamples: num('bootstrap', s('bootstrap'), true),
    folds: num('folds', s('folds'), true),
  };
  for (const key of Object.keys(config) as (keyof TrainConfig)[]) if (config[key] === undefined) delete config[key];
  try {
    resolveConfig(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return config;
}

function parseTrain(rest: string[]): TrainCommand | { command: 'help' } {
  const { values: v, positionals } = parse(rest, TRAIN_OPTIONS);
  if (v.help) return { command: 'help' };
  if (positionals.length > 1) throw new UsageError(`train takes one dataset folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const s = (k: string) => v[k] as string | undefined;
  return { command: 'train', folder: positionals[0], config: trainConfig(v), runsDir: s('runs-dir'), cacheDir: s('cache-dir'), json: Boolean(v.json) };
}

function parseDemo(rest: string[]): DemoCommand | { command: 'help' } {
  const { values: v, positionals } = parse(rest, TRAIN_OPTIONS);
  if (v.help) return { command: 'help' };
  if (v.model !== undefined) throw new UsageError('demo trains both model presets; leave out --model');
  if (positionals.length > 1) throw new UsageError(`demo takes at most one dataset folder, got ${positionals.length}`);
  const s = (k: string) => v[k] as string | undefined;
  return { command: 'demo', folder: positionals[0], config: trainConfig(v), runsDir: s('runs-dir'), cacheDir: s('cache-dir') };
}

function parsePredict(rest: string[]): PredictCommand | { command: 'help' } {
  const { values: v, positionals } = parse(rest, { gradcam: { type: 'string' }, class: { type: 'string' }, json: { type: 'boolean' } });
  if (v.help) return { command: 'help' };
  if (positionals.length < 2) throw new UsageError('predict needs a run (or model) folder and at least one image');
  const classIndex = num('class', v.class as string | undefined, true);
  if (classIndex !== undefined && classIndex < 0) throw new UsageError(`--class must be a class index of 0 or more, got ${classIndex}`);
  return { command: 'predict', model: positionals[0], images: positionals.slice(1), gradcam: v.gradcam as string | undefined, classIndex, json: Boolean(v.json) };
}

export function parseCommand(argv: string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') return { command: 'help' };
  if (first === '--version' || first === '-v' || first === 'version') return { command: 'version' };
  switch (first) {
    case 'train':
      return parseTrain(rest);
    case 'predict':
      return parsePredict(rest);
    case 'demo':
      return parseDemo(rest);
    case 'sample-data': {
      const { values, positionals } = parse(rest, {});
      if (values.help) return { command: 'help' };
      if (positionals.length !== 1) throw new UsageError('sample-data needs exactly one output folder');
      return { command: 'sample-data', out: positionals[0] };
    }
    default:
      throw new UsageError(`unknown command "${first}" (commands: train, predict, sample-data, demo)`);
  }
}
