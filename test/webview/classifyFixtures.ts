// What the classify panel tests show: a real run's model classifies sample X-rays (resized to
// 512 and 384 px, PNG, JPEG and TIFF) with Grad-CAM, so the page gets the engine's own PNGs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { Predictor } from '../../src/engine/predict/predictor';
import type { PredictOutcome, Prediction } from '../../src/engine/types';
import type { PredictResult } from '../../src/protocol/training';
import { makeCompletedRun } from '../views/realRuns';

export interface Fixture {
  dir: string;
  runFolder: string;
  /** PNG 512 px, JPEG 384 px, a TIFF (which a browser cannot draw), then the unreadable file's answer. */
  outcomes: PredictOutcome[];
  unreadable: string;
}

export async function makeFixture(): Promise<Fixture> {
  const run = await makeCompletedRun();
  const src = join(run.datasetFolder, 'fractured', 'fractured-0001.png');
  const png = join(run.dir, 'wrist fracture.png');
  const jpg = join(run.dir, 'ankle.jpg');
  const tif = join(run.dir, 'scan.tiff');
  await sharp(src).resize(512, 512).png().toFile(png);
  await sharp(join(run.datasetFolder, 'normal', 'normal-0001.png')).resize(384, 384).jpeg().toFile(jpg);
  await sharp(src).resize(256, 256).tiff().toFile(tif);
  const unreadable = join(run.dir, 'notes.png');
  await writeFile(unreadable, 'this is not a picture');
  const predictor = await Predictor.load(run.runFolder);
  const outcomes = await predictor.predict([png, jpg, tif, unreadable], { gradcam: true, outDir: join(run.dir, 'overlays') });
  for (const o of outcomes.slice(0, 3)) if (!o.ok) throw new Error(o.error);
  return { dir: run.dir, runFolder: run.runFolder, outcomes, unreadable };
}

export function prediction(f: Fixture, i: number): Prediction {
  const o = f.outcomes[i];
  if (!o.ok) throw new Error(o.error);
  return o.prediction;
}

/** The first `count` images' answers, with the unreadable file's answer last when asked for. */
export function result(f: Fixture, withUnreadable: boolean, count = 2): PredictResult {
  const outcomes = f.outcomes.slice(0, count);
  if (withUnreadable) outcomes.push(f.outcomes[3]);
  return { outcomes, modelLoadMs: 0 };
}

/** How the page writes a probability. */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
