// The pointing game on a dataset that says where its findings are: a boxes.json beside the class
// folders (the built-in sample data writes one) mapping an image's path, relative to the dataset
// folder, to its finding's box in that image's pixels. Each held-out image of the positive class
// with a box is explained for that class; a hit is a heat-map peak inside the box.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import sharp from 'sharp';
import type { ImageSet } from '../data/imageSet';
import { GradCam } from '../gradcam/gradcam';
import { pointingGame, type PointingBox, type PointingCase } from '../gradcam/pointing';
import type { Localization } from '../types';

export const BOXES_FILE = 'boxes.json';

/** Enough images for a share to two decimals without making evaluation slow. */
const MAX_CASES = 400;

function isBox(v: unknown): v is PointingBox {
  const b = v as PointingBox;
  return !!b && [b.x, b.y, b.width, b.height].every((n) => typeof n === 'number' && Number.isFinite(n)) && b.width > 0 && b.height > 0;
}

/** `tta`: the model decides with its mirror image averaged in, so its maps are averaged the same way (see GradCam.explain). */
export async function localizationScore(model: tfl.LayersModel, datasetFolder: string, test: ImageSet, positiveClass: number, tta = false): Promise<Localization | undefined> {
  const file = join(datasetFolder, BOXES_FILE);
  if (!existsSync(file)) return undefined;
  let boxes: Record<string, unknown>;
  try {
    boxes = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined; // not ours to judge: the report just has no localisation figure
  }
  const cam = new GradCam(model);
  const cases: PointingCase[] = [];
  for (let i = 0; i < test.size && cases.length < MAX_CASES; i++) {
    if (test.labels[i] !== positiveClass) continue;
    const path = test.paths[i];
    const rel = (isAbsolute(path) ? relative(datasetFolder, path) : path).split(sep).join('/');
    const box = boxes[rel];
    if (!isBox(box)) continue;
    const meta = await sharp(isAbsolute(path) ? path : join(datasetFolder, path)).metadata();
    if (!meta.width || !meta.height) continue;
    const result = await cam.explain(test.read([i]), test.imageSize, positiveClass, { mirror: tta });
    cases.push({ cam: result, imageWidth: meta.width, imageHeight: meta.height, box });
  }
  if (cases.length === 0) return undefined;
  const { hits, total, share } = pointingGame(cases);
  return { hits, total, share };
}
