// The built-in sample dataset: synthetic radiographs of long bones, forearms and hands, fractured
// and normal, with normal the rare class (about 9%) as in clinical fracture sets, and each
// fracture's bounding box in boxes.json so Grad-CAM can be checked against where the fracture
// really is. Many fractures are subtle (hairline cracks, buckles) and only show at 96-128 px; films
// vary in size, exposure and markers for both classes alike. Same seed, same bytes.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeRng, mixSeed } from './rng';
import type { Box, Radiograph } from './synthetic/draw';
import { drawRadiograph } from './synthetic/draw';
import type { SampleManifest } from './synthetic/folder';
import { assertWritable, GENERATOR_VERSION, inspectSampleFolder, install, MANIFEST, stagingFolder } from './synthetic/folder';
import type { FractureKind } from './synthetic/fractures';
import { planRadiograph } from './synthetic/plan';

export type { Box } from './synthetic/draw';

export interface SampleOptions {
  fractured?: number;
  normal?: number;
  /** Largest side of a generated radiograph, in pixels; each film is 58-100% of it per side. */
  size?: number;
  seed?: number;
  /** File format; 'mixed' alternates PNG and JPEG (for decode benchmarks). Default 'png'. */
  format?: 'png' | 'jpeg' | 'mixed';
  /** Only these kinds of fracture (default: the realistic mix, from hairline cracks to displaced breaks). */
  kinds?: FractureKind[];
}

export interface SampleResult {
  root: string;
  fractured: number;
  normal: number;
  /** JSON file with each fractured image's bounding box. */
  boxesFile: string;
}

/**
 * 1,650 fractured + 170 normal films (9% normal) of up to 320 px: 26 normal films in a 15% test
 * split, enough to measure the rare class, while a training epoch stays short.
 */
export const SAMPLE_DEFAULTS = Object.freeze({ fractured: 1650, normal: 170, size: 320, seed: 7 });

export type SampleClass = 'fractured' | 'normal';

/** One film of the set, drawn as the generator draws it; `fracture: false` leaves its fracture out. */
export function sampleRadiograph(seed: number, cls: SampleClass, index: number, size: number, options: { fracture?: boolean; kinds?: FractureKind[] } = {}): Radiograph {
  const fractured = cls === 'fractured';
  for (let attempt = 0; ; attempt++) {
    const stream = attempt === 0 ? mixSeed(seed, fractured ? 1 : 2, index) : mixSeed(seed, fractured ? 1 : 2, index, attempt);
    const plan = planRadiograph(makeRng(stream), size, fractured, options.kinds);
    const film = drawRadiograph(plan);
    // On the smallest films a fracture can land where nothing of it shows: draw another film.
    if (fractured && !film.box && attempt < 20) continue;
    return options.fracture === false ? drawRadiograph(plan, options) : film;
  }
}

/**
 * Writes the sample dataset into `outDir`, which must not exist, be empty, or hold a set this
 * generator wrote (its manifest lists the files); anything else throws SampleFolderError.
 */
export async function generateSampleDataset(outDir: string, options: SampleOptions = {}): Promise<SampleResult> {
  const fractured = options.fractured ?? SAMPLE_DEFAULTS.fractured;
  const normal = options.normal ?? SAMPLE_DEFAULTS.normal;
  const size = options.size ?? SAMPLE_DEFAULTS.size;
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  const format = options.format ?? 'png';
  if (!Number.isInteger(size) || size < 16) throw new RangeError(`sample image size must be an integer of at least 16, got ${size}`);
  const state = await inspectSampleFolder(outDir);
  assertWritable(outDir, state);

  const jobs: { cls: SampleClass; index: number }[] = [];
  for (let i = 0; i < fractured; i++) jobs.push({ cls: 'fractured', index: i });
  for (let i = 0; i < normal; i++) jobs.push({ cls: 'normal', index: i });
  const staged = await stagingFolder(outDir);
  try {
    await mkdir(join(staged, 'fractured'));
    await mkdir(join(staged, 'normal'));
    const boxes: Record<string, Box> = {};
    const files: string[] = [];
    const digits = Math.max(4, String(Math.max(fractured, normal)).length);
    let next = 0;
    // Drawing is synchronous JS; encoding runs on sharp's threads while the next film is drawn.
    const worker = async (): Promise<void> => {
      while (next < jobs.length) {
        const { cls, index } = jobs[next++];
        const { pixels, width, height, box } = sampleRadiograph(seed, cls, index, size, { kinds: options.kinds });
        const jpeg = format === 'jpeg' || (format === 'mixed' && index % 2 === 1);
        const name = `${cls}/${cls}-${String(index + 1).padStart(digits, '0')}.${jpeg ? 'jpg' : 'png'}`;
        // Gray files: a third of the bytes of the RGB sharp would write by default.
        const img = sharp(pixels, { raw: { width, height, channels: 1 } }).toColourspace('b-w');
        await writeFile(join(staged, name), await (jpeg ? img.jpeg({ quality: 90 }) : img.png({ compressionLevel: 4 })).toBuffer());
        files.push(name);
        if (box) boxes[name] = box;
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const sorted = Object.fromEntries(Object.keys(boxes).sort().map((k) => [k, boxes[k]]));
    await writeFile(join(staged, 'boxes.json'), JSON.stringify(sorted, null, 1) + '\n');
    const manifest: SampleManifest = {
      generator: 'fracture-cnn sample',
      version: GENERATOR_VERSION,
      options: { fractured, normal, size, seed, format },
      files: [...files, 'boxes.json'].sort(),
    };
    await writeFile(join(staged, MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
    await install(staged, outDir, state);
  } catch (err) {
    await rm(staged, { recursive: true, force: true });
    throw err;
  }
  return { root: outDir, fractured, normal, boxesFile: join(outDir, 'boxes.json') };
}
