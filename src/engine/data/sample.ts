// The built-in sample dataset: synthetic long-bone radiographs, fractured and normal at 1:3 like
// real clinical sets, with each fracture's bounding box in boxes.json so Grad-CAM can be checked
// against where the fracture really is. Same seed, same bytes.
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Box } from './radiograph';
import { renderRadiograph } from './radiograph';
import { makeRng, mixSeed } from './rng';

export interface SampleOptions {
  fractured?: number;
  normal?: number;
  /** Side of each generated radiograph, in pixels. */
  size?: number;
  seed?: number;
  /** File format; 'mixed' alternates PNG and JPEG (for decode benchmarks). Default 'png'. */
  format?: 'png' | 'jpeg' | 'mixed';
}

export interface SampleResult {
  root: string;
  fractured: number;
  normal: number;
  /** JSON file with each fractured image's bounding box. */
  boxesFile: string;
}

/** 180 + 540 images of 256x256: enough to learn the task, small enough to train in seconds. */
export const SAMPLE_DEFAULTS = Object.freeze({ fractured: 180, normal: 540, size: 256, seed: 7 });

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Writes the built-in sample dataset: deterministic synthetic long-bone radiographs. */
export async function generateSampleDataset(outDir: string, options: SampleOptions = {}): Promise<SampleResult> {
  const fractured = options.fractured ?? SAMPLE_DEFAULTS.fractured;
  const normal = options.normal ?? SAMPLE_DEFAULTS.normal;
  const size = options.size ?? SAMPLE_DEFAULTS.size;
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  const format = options.format ?? 'png';
  if (!Number.isInteger(size) || size < 16) throw new RangeError(`sample image size must be an integer of at least 16, got ${size}`);

  const jobs: { cls: 'fractured' | 'normal'; index: number }[] = [];
  for (let i = 0; i < fractured; i++) jobs.push({ cls: 'fractured', index: i });
  for (let i = 0; i < normal; i++) jobs.push({ cls: 'normal', index: i });
  await mkdir(join(outDir, 'fractured'), { recursive: true });
  await mkdir(join(outDir, 'normal'), { recursive: true });

  const boxes: Record<string, Box> = {};
  const written = new Set<string>();
  const digits = Math.max(4, String(Math.max(fractured, normal)).length);
  let next = 0;
  // Drawing is synchronous JS; encoding runs on sharp's threads while the next image is drawn.
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const { cls, index } = jobs[next++];
      const rng = makeRng(mixSeed(seed, cls === 'fractured' ? 1 : 2, index));
      const { pixels, box } = renderRadiograph(size, rng, cls === 'fractured');
      const jpeg = format === 'jpeg' || (format === 'mixed' && index % 2 === 1);
      const name = `${cls}/${cls}-${String(index + 1).padStart(digits, '0')}.${jpeg ? 'jpg' : 'png'}`;
      const img = sharp(pixels, { raw: { width: size, height: size, channels: 1 } });
      const bytes = await (jpeg ? img.jpeg({ quality: 90 }) : img.png({ compressionLevel: 6 })).toBuffer();
      await writeAtomic(join(outDir, name), bytes);
      written.add(name);
      if (box) boxes[name] = box;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));

  // A smaller regeneration into the same folder must not leave earlier images behind; only
  // files named like ours are removed, never anything else a user put there.
  for (const cls of ['fractured', 'normal']) {
    for (const name of await readdir(join(outDir, cls))) {
      if (/^(fractured|normal)-\d+\.(png|jpg)$/.test(name) && !written.has(`${cls}/${name}`)) await rm(join(outDir, cls, name));
    }
  }

  const sorted = Object.fromEntries(Object.keys(boxes).sort().map((k) => [k, boxes[k]]));
  const boxesFile = join(outDir, 'boxes.json');
  await writeAtomic(boxesFile, JSON.stringify(sorted, null, 1) + '\n');
  return { root: outDir, fractured, normal, boxesFile };
}
