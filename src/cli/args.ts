// Command-line parsing on node's own parseArgs; every mistake becomes a UsageError (exit code 2).
import { parseArgs } from 'node:util';
import { resolveConfig, type TrainConfig } from '../engine/config';
import { MIN_IMAGE_SIZE } from '../engine/model/seedCnn';

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

export type Command = TrainCommand | PredictCommand | SampleCommand | { command: 'help' } | { command: 'version' };

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

function parseTrain(rest: string[]): TrainCommand | { command: 'help' } {
  const { values: v, positionals } = parse(rest, {
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
    backend: { type: 'string' },
    workers: { type: 'string' },
    'group-by': { type: 'string' },
    'runs-dir': { type: 'string' },
    'cache-dir': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (v.help) return { command: 'help' };
  if (positionals.length > 1) throw new UsageError(`train takes one dataset folder, got ${positionals.length}: ${positionals.join(' ')}`);
  const s = (k: string) => v[k] as string | undefined;
  const config: Partial<TrainConfig> = {
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
    augment: v.augment ? true : undefined,
    backend: choice('backend', s('backend'), ['auto', 'wasm', 'cpu', 'tensorflow'] as const),
    workers: num('workers', s('workers'), true),
    groupBy: choice('group-by', s('group-by'), ['patient', 'study', 'none'] as const),
  };
  try {
    resolveConfig(config);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (config.imageSize !== undefined && config.imageSize < MIN_IMAGE_SIZE) {
    throw new UsageError(`--image-size must be at least ${MIN_IMAGE_SIZE} for the seed CNN, got ${config.imageSize}`);
  }
  return { command: 'train', folder: positionals[0], config, runsDir: s('runs-dir'), cacheDir: s('cache-dir'), json: Boolean(v.json) };
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
    case 'sample-data': {
      const { values, positionals } = parse(rest, {});
      if (values.help) return { command: 'help' };
      if (positionals.length !== 1) throw new UsageError('sample-data needs exactly one output folder');
      return { command: 'sample-data', out: positionals[0] };
    }
    default:
      throw new UsageError(`unknown command "${first}" (commands: train, predict, sample-data)`);
  }
}
