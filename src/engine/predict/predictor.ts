// Classifying images with a trained run's model, optionally explaining each with Grad-CAM pictures.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { currentBackend, initBackend } from '../backend/select';
import type { BackendPreference } from '../config';
import { decodeImage, readGrayFull } from '../data/decode';
import { GradCam } from '../gradcam/gradcam';
import { renderHeatPictures } from '../gradcam/overlay';
import { imagesToTensor } from '../model/input';
import { loadModel, MODEL_JSON } from '../model/io';
import { writeFileAtomic } from '../runs/atomic';
import { MODEL_DIR, readRun, RUN_JSON } from '../runs/store';
import type { PredictOutcome, Prediction } from '../types';

export interface PredictOptions {
  gradcam: boolean;
  /** Where overlay and heat-map PNGs are written. */
  outDir?: string;
  classIndex?: number;
}

export interface LoadPredictorOptions {
  /**
   * Initialise this backend first; 'current' keeps the one this process already uses (a
   * training's), initialising the default only when there is none. Leave out when the caller did it.
   */
  backend?: BackendPreference | 'current';
}

/** Output names that stay unique across folders holding files of the same name, and across explained classes. */
function pictureNames(path: string, explained: number): { overlay: string; heatmap: string } {
  const stem = basename(path, extname(path)).replace(/[^\w.-]+/g, '_').slice(0, 80) || 'image';
  const tag = createHash('sha1').update(resolve(path)).digest('hex').slice(0, 8);
  return { overlay: `${stem}-${tag}-c${explained}-overlay.png`, heatmap: `${stem}-${tag}-c${explained}-heatmap.png` };
}

/** A loaded model of one run, ready to classify images. */
export class Predictor {
  private gradcam?: GradCam;

  private constructor(
    readonly model: tfl.LayersModel,
    readonly classes: string[],
    readonly imageSize: number,
    readonly runId: string,
    readonly folder: string,
  ) {}

  /** Loads a run folder (run.json + model/) or a bare model folder (model.json with its metadata). */
  static async load(runFolder: string, options: LoadPredictorOptions = {}): Promise<Predictor> {
    const folder = resolve(runFolder);
    if (options.backend === 'current') await currentBackend();
    else if (options.backend) await initBackend(options.backend);
    if (existsSync(join(folder, RUN_JSON))) {
      const run = await readRun(folder);
      if (run.state !== 'completed') throw new Error(`Run ${run.id} is ${run.state}${run.error ? ` (${run.error})` : ''}: it has no model to classify with.`);
      const { model, metadata } = await loadModel(join(folder, MODEL_DIR));
      const classes = run.dataset?.classes ?? run.metrics?.classes ?? metadata?.classes;
      if (!classes) throw new Error(`${join(folder, RUN_JSON)} names no classes`);
      return Predictor.checked(model, classes, run.id, folder);
    }
    const modelDir = existsSync(join(folder, MODEL_JSON)) ? folder : existsSync(join(folder, MODEL_DIR, MODEL_JSON)) ? join(folder, MODEL_DIR) : undefined;
    if (!modelDir) throw new Error(`${folder} is neither a run folder (no ${RUN_JSON}) nor a model folder (no ${MODEL_JSON})`);
    const { model, metadata } = await loadModel(modelDir);
    const numClasses = Number((model.outputs[0].shape as number[])[1]);
    const classes = metadata?.classes ?? Array.from({ length: numClasses }, (_, i) => `class ${i}`);
    return Predictor.checked(model, classes, typeof metadata?.runId === 'string' ? metadata.runId : basename(folder), folder);
  }

  /** The input size comes from the model itself (never from metadata a folder could exaggerate); the class names must fit its output. */
  private static checked(model: tfl.LayersModel, classes: unknown[], runId: string, folder: string): Predictor {
    const input = model.inputs[0].shape;
    const imageSize = Number(input[1]);
    const numClasses = Number((model.outputs[0].shape as number[])[1]);
    const problem =
      input.length !== 4 || input[1] !== input[2] || input[3] !== 1 || !(imageSize >= 1 && imageSize <= 512)
        ? `its input is ${JSON.stringify(input)}, not one square gray image of at most 512 px`
        : classes.length !== numClasses || !classes.every((c) => typeof c === 'string')
          ? `it has ${numClasses} outputs but ${classes.length} class names`
          : undefined;
    if (problem) {
      model.dispose();
      throw new Error(`The model in ${folder} cannot classify X-rays: ${problem}`);
    }
    return new Predictor(model, classes as string[], imageSize, runId, folder);
  }

  async predict(paths: string[], options: PredictOptions): Promise<PredictOutcome[]> {
    const outcomes: PredictOutcome[] = [];
    for (const path of paths) {
      try {
        outcomes.push({ ok: true, prediction: await this.predictOne(path, options) });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        outcomes.push({ ok: false, path, error: message.includes(path) ? message : `${path}: ${message}` });
      }
    }
    return outcomes;
  }

  private async predictOne(path: string, options: PredictOptions): Promise<Prediction> {
    const start = performance.now();
    const k = this.classes.length;
    if (options.classIndex !== undefined && !(Number.isInteger(options.classIndex) && options.classIndex >= 0 && options.classIndex < k)) {
      throw new RangeError(`class index must be 0..${k - 1}, got ${options.classIndex}`);
    }
    // Model input through the shared preprocessing path (identical to training), and the full-size picture for overlays.
    const [pixels, full] = await Promise.all([decodeImage(path, this.imageSize), readGrayFull(path)]);
    let probabilities: number[];
    let explainedIndex: number;
    let pictures: { overlayPath: string; heatmapPath: string } | undefined;
    if (options.gradcam) {
      this.gradcam ??= new GradCam(this.model);
      const cam = await this.gradcam.explain(pixels, this.imageSize, options.classIndex);
      probabilities = cam.probabilities;
      explainedIndex = cam.explainedIndex;
      if (options.outDir) {
        const { overlayPng, heatmapPng } = await renderHeatPictures(full, cam.heat, cam.heatWidth, cam.heatHeight, undefined, cam.placement);
        const names = pictureNames(path, explainedIndex);
        pictures = { overlayPath: join(resolve(options.outDir), names.overlay), heatmapPath: join(resolve(options.outDir), names.heatmap) };
        await Promise.all([writeFileAtomic(pictures.overlayPath, overlayPng), writeFileAtomic(pictures.heatmapPath, heatmapPng)]);
      }
    } else {
      const out = tf.tidy(() => this.model.predict(imagesToTensor(pixels, 1, this.imageSize)) as tf.Tensor);
      probabilities = Array.from(await out.data());
      out.dispose();
      explainedIndex = options.classIndex ?? probabilities.indexOf(Math.max(...probabilities));
    }
    if (!probabilities.every(Number.isFinite)) {
      throw new Error(`the model gave no usable probabilities (${probabilities.join(', ')}): its weights are damaged or it diverged in training`);
    }
    return {
      path,
      classes: this.classes,
      probabilities,
      predictedIndex: probabilities.indexOf(Math.max(...probabilities)),
      explainedIndex,
      ...(pictures ?? {}),
      width: full.sourceWidth ?? full.width,
      height: full.sourceHeight ?? full.height,
      milliseconds: performance.now() - start,
      runId: this.runId,
    };
  }

  dispose(): void {
    this.model.dispose();
  }
}
