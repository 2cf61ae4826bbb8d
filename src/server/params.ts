// Run-time checks of request params: the types in protocol/training.ts hold only for a client
// that keeps to them, and a wrong-typed or huge value must become an error answer, never a
// crash or a request that ties the process up.
import { isAbsolute } from 'node:path';
import { ResponseError } from 'vscode-languageserver/node';
import { TrainingErrorCodes } from '../protocol/training';

/** Images in one Predict request; the Classify panel sends a selection, never thousands. */
export const MAX_PREDICT_IMAGES = 1000;
const MAX_PATH = 4096;
/** The sample generator's limits: enough to try things, not enough to fill a disk. */
const MAX_SAMPLE_IMAGES = 5000;
const MAX_SAMPLE_SIZE = 1024;

function invalid(message: string): never {
  throw new ResponseError(TrainingErrorCodes.invalidSettings, message);
}

const isPath = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_PATH && !v.includes('\0');

export function checkPredictParams(p: { images?: unknown; gradcam?: unknown; outDir?: unknown; classIndex?: unknown }): void {
  if (!Array.isArray(p.images) || !p.images.every((i) => isPath(i) && isAbsolute(i))) invalid('Predict: images must be a list of absolute file paths');
  if (p.images.length > MAX_PREDICT_IMAGES) invalid(`Predict: at most ${MAX_PREDICT_IMAGES} images per request, got ${p.images.length}`);
  if (p.gradcam !== undefined && typeof p.gradcam !== 'boolean') invalid('Predict: gradcam must be true or false');
  if (p.gradcam === true && !(isPath(p.outDir) && isAbsolute(p.outDir))) invalid('Predict: Grad-CAM pictures need an absolute output folder (outDir)');
  if (p.classIndex !== undefined && p.classIndex !== null && !(Number.isInteger(p.classIndex) && (p.classIndex as number) >= 0)) {
    invalid(`Predict: classIndex must be a class number, got ${JSON.stringify(p.classIndex)}`);
  }
}

export function checkConfigParam(config: unknown): void {
  if (config !== undefined && config !== null && (typeof config !== 'object' || Array.isArray(config))) invalid('Settings (config) must be an object');
}

export function checkSampleParams(p: { fractured?: unknown; normal?: unknown; size?: unknown }): void {
  for (const key of ['fractured', 'normal'] as const) {
    const v = p[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_SAMPLE_IMAGES)) invalid(`Sample dataset: ${key} must be a count from 1 to ${MAX_SAMPLE_IMAGES}`);
  }
  if (p.size !== undefined && !(Number.isInteger(p.size) && (p.size as number) >= 16 && (p.size as number) <= MAX_SAMPLE_SIZE)) {
    invalid(`Sample dataset: size must be from 16 to ${MAX_SAMPLE_SIZE} pixels`);
  }
}
