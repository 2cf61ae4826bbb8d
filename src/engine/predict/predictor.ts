// Classifying images with a trained run's model, optionally explaining each with Grad-CAM pictures.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { currentBackend, initBackend } from '../backend/select';
import type { BackendPreference } from '../config';
import { decodeImage, readGrayFull } from '../data/decode';
import { GradCam } from '../gradcam/gradcam';
import { renderHeatPictures } from '../gradcam/overlay';
import { mirrored } from '../model/input';
import { decide } from '../eval/threshold';
import { imagesToFloats } from '../model/input';
import { loadModel, MODEL_JSON, type ModelMetadata } from '../model/io';
import { writeFileAtomic } from '../fs/atomic';
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
function pictureNames(path: string, explained: number): { overlay: string; heatmap: string; picture: string } {
  const stem = basename(path, extname(path)).replace(/[^\w.-]+/g, '_').slice(0, 80) || 'image';
  const tag = createHash('sha1').update(resolve(path)).digest('hex').slice(0, 8);
  return { overlay: `${stem}-${tag}-c${explained}-overlay.png`, heatmap: `${stem}-${tag}-c${explained}-heatmap.png`, picture: `${stem}-${tag}-picture.png` };
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
    /** Two classes: the threshold chosen on validation when the model was trained. */
    readonly threshold?: ModelMetadata['threshold'],
    readonly tta = false,
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
      return Predictor.checked(model, classes, run.id, folder, metadata);
    }
    const modelDir = existsSync(join(folder, MODEL_JSON)) ? folder : existsSync(join(folder, MODEL_DIR, MODEL_JSON)) ? join(folder, MODEL_DIR) : undefined;
    if (!modelDir) throw new Error(`${folder} is neither a run folder (no ${RUN_JSON}) nor a model folder (no ${MODEL_JSON})`);
    const { model, metadata } = await loadModel(modelDir);
    const numClasses = Number((model.outputs[0].shape as number[])[1]);
    const classes = metadata?.classes ?? Array.from({ length: numClasses }, (_, i) => `class ${i}`);
    return Predictor.checked(model, classes, typeof metadata?.runId === 'string' ? metadata.runId : basename(folder), folder, metadata);
  }

  /** The input size comes from the model itself (never from metadata a folder could exaggerate); the class names must fit its output. */
  private static checked(model: tfl.LayersModel, classes: unknown[], runId: string, folder: string, metadata?: Partial<ModelMetadata>): Predictor {
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
    // A threshold is used only when it makes sense for this model: two classes, a probability.
    const t = metadata?.threshold;
    const threshold = numClasses === 2 && t && (t.positiveClass === 0 || t.positiveClass === 1) && typeof t.value === 'number' && t.value >= 0 && t.value <= 1 ? { positiveClass: t.positiveClass, value: t.value } : undefined;
    return new Predictor(model, classes as string[], imageSize, runId, folder, threshold, metadata?.tta === true);
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
    let noPositiveEvidence: boolean | undefined;
    let pictures: { overlayPath: string; heatmapPath: string; picturePath?: string } | undefined;
    const probabilities0 = await this.probabilities(pixels);
    const predictedIndex = decide(probabilities0, 0, k, this.threshold);
    if (options.gradcam) {
      this.gradcam ??= new GradCam(this.model);
      // The map explains the decision the threshold made, unless another class was asked for.
      const cam = await this.gradcam.explain(pixels, this.imageSize, options.classIndex ?? predictedIndex, { mirror: this.tta });
      probabilities = probabilities0;
      explainedIndex = cam.explainedIndex;
      noPositiveEvidence = cam.noPositiveEvidence;
      if (options.outDir) {
        const { overlayPng, heatmapPng } = await renderHeatPictures(full, cam.heat, cam.heatWidth, cam.heatHeight, undefined, cam.placement);
        const names = pictureNames(path, explainedIndex);
        pictures = { overlayPath: join(resolve(options.outDir), names.overlay), heatmapPath: join(resolve(options.outDir), names.heatmap) };
        await Promise.all([writeFileAtomic(pictures.overlayPath, overlayPng), writeFileAtomic(pictures.heatmapPath, heatmapPng)]);
        if (full.dicom) {
          // A webview cannot draw a .dcm: give it the windowed picture the overlay was drawn on.
          pictures.picturePath = join(resolve(options.outDir), names.picture);
          await writeFileAtomic(pictures.picturePath, await sharp(full.data, { raw: { width: full.width, height: full.height, channels: 1 } }).png().toBuffer());
        }
      }
    } else {
      probabilities = probabilities0;
      explainedIndex = options.classIndex ?? predictedIndex;
    }
    if (!probabilities.every(Number.isFinite)) {
      throw new Error(`the model gave no usable probabilities (${probabilities.join(', ')}): its weights are damaged or it diverged in training`);
    }
    return {
      path,
      classes: this.classes,
      probabilities,
      predictedIndex,
      ...(this.threshold ? { threshold: this.threshold.value, positiveIndex: this.threshold.positiveClass } : {}),
      explainedIndex,
      ...(noPositiveEvidence === undefined ? {} : { noPositiveEvidence }),
      ...(pictures ?? {}),
      width: full.sourceWidth ?? full.width,
      height: full.sourceHeight ?? full.height,
      milliseconds: performance.now() - start,
      runId: this.runId,
      ...(full.dicom ? { dicom: full.dicom } : {}),
    };
  }

  /** The model's probabilities for one image, averaged with its mirror image's when the model was evaluated that way. */
  private async probabilities(pixels: Uint8Array): Promise<number[]> {
    const x = imagesToFloats(pixels, 1, this.imageSize);
    const n = this.tta ? 2 : 1;
    const batch = new Float32Array(n * x.length);
    batch.set(x);
    if (this.tta) batch.set(mirrored(x, 1, this.imageSize), x.length);
    const out = tf.tidy(() => this.model.predict(tf.tensor4d(batch, [n, this.imageSize, this.imageSize, 1])) as tf.Tensor);
    const values = await out.data();
    out.dispose();
    const k = this.classes.length;
    return Array.from({ length: k }, (_, c) => (n === 2 ? (values[c] + values[k + c]) / 2 : values[c]));
  }

  dispose(): void {
    this.model.dispose();
  }
}
