// Small real image folders on disk for pipeline, prediction and command-line tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { squareImages } from './gradcam-fixtures';

/**
 * Writes `perClass` PNGs of size x size into <root>/<positive>/ (bright square) and <root>/<negative>/ (noise only).
 * Returns the paths written, positive first.
 */
export async function writeTinyDataset(
  root: string,
  options: { perClass?: number; size?: number; positive?: string; negative?: string; seed?: number } = {},
): Promise<{ positive: string[]; negative: string[] }> {
  const perClass = options.perClass ?? 12;
  const size = options.size ?? 32;
  const positive = options.positive ?? 'fractured';
  const negative = options.negative ?? 'not fractured';
  const { pixels, labels } = squareImages(perClass * 2, size, options.seed ?? 5);
  const written = { positive: [] as string[], negative: [] as string[] };
  await mkdir(join(root, positive), { recursive: true });
  await mkdir(join(root, negative), { recursive: true });
  for (let i = 0; i < labels.length; i++) {
    const isPos = labels[i] === 1;
    const file = join(root, isPos ? positive : negative, `img-${String(i).padStart(3, '0')}.png`);
    const img = Buffer.from(pixels.subarray(i * size * size, (i + 1) * size * size));
    await writeFile(file, await sharp(img, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer());
    (isPos ? written.positive : written.negative).push(file);
  }
  return written;
}

/** Adds files the loader must skip: a corrupt PNG, an empty file and a text file, in the first class folder. */
export async function addBadFiles(classDir: string): Promise<string[]> {
  const corrupt = join(classDir, 'corrupt.png');
  const empty = join(classDir, 'empty.png');
  const text = join(classDir, 'notes.png');
  const good = await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
  await writeFile(corrupt, good.subarray(0, Math.floor(good.length / 2)));
  await writeFile(empty, Buffer.alloc(0));
  await writeFile(text, 'this is not an image\n');
  return [corrupt, empty, text];
}
