// Test images made at test time with real sharp (and a hand-written BMP encoder, since sharp
// writes no BMP). Every image has a bright left half and a dark right half, plus a `seed`
// pixel pattern so that images meant to be different never share bytes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { makeRng, mixSeed } from '../../../src/engine/data/rng';

export const W = 64;
export const H = 40;

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix = 'fcnn-data-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Bright left half, dark right half. Seed-dependent 8x5-pixel blocks of +-10 grey levels within
 * each half give every seed its own picture (different enough not to count as near-copies of each
 * other), and a few seed-dependent pixels in the corner keep files distinct.
 */
export function halfAndHalf(seed: number, channels: 1 | 3 | 4 = 3, w = W, h = H): Buffer {
  const buf = Buffer.alloc(w * h * channels);
  const rng = makeRng(mixSeed(seed, 0x68616c66));
  const bw = 8;
  const bh = 5;
  const noise = Array.from({ length: Math.ceil(w / bw) * Math.ceil(h / bh) }, () => Math.round(rng() * 20) - 10);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = (x < w / 2 ? 230 : 20) + noise[Math.floor(y / bh) * Math.ceil(w / bw) + Math.floor(x / bw)]!;
      for (let c = 0; c < channels; c++) buf[(y * w + x) * channels + c] = c === 3 ? 255 : v;
    }
  }
  for (let k = 0; k < 8; k++) buf[(h - 1) * w * channels + k * channels] = (seed * 37 + k * 11) & 0xff;
  return buf;
}

export type Kind =
  | 'png'
  | 'png-gray'
  | 'png16'
  | 'png-rgba'
  | 'jpeg'
  | 'jpeg-cmyk'
  | 'tiff'
  | 'tiff-cmyk'
  | 'webp'
  | 'gif'
  | 'gif-animated';

export async function encode(kind: Kind, seed = 0): Promise<Buffer> {
  const rgb = () => sharp(halfAndHalf(seed), { raw: { width: W, height: H, channels: 3 } });
  switch (kind) {
    case 'png':
      return rgb().png().toBuffer();
    case 'png-gray':
      return sharp(halfAndHalf(seed, 1), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer();
    case 'png16':
      return rgb().toColourspace('grey16').png().toBuffer();
    case 'png-rgba':
      return sharp(halfAndHalf(seed, 4), { raw: { width: W, height: H, channels: 4 } }).png().toBuffer();
    case 'jpeg':
      return rgb().jpeg({ quality: 95 }).toBuffer();
    case 'jpeg-cmyk':
      return rgb().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    case 'tiff':
      return rgb().tiff().toBuffer();
    case 'tiff-cmyk':
      return rgb().toColourspace('cmyk').tiff().toBuffer();
    case 'webp':
      return rgb().webp({ lossless: true }).toBuffer();
    case 'gif':
      return rgb().gif().toBuffer();
    case 'gif-animated': {
      // Frame 1 is the usual picture, frame 2 its inverse: only the first frame must be used.
      const first = halfAndHalf(seed);
      const second = Buffer.from(first.map((v) => 255 - v));
      return sharp(Buffer.concat([first, second]), { raw: { width: W, height: H * 2, channels: 3, pageHeight: H } } as sharp.SharpOptions)
        .gif()
        .toBuffer();
    }
  }
}

/** An uncompressed BMP of halfAndHalf(seed): bit depths 1, 4, 8 (palette), 24 or 32, either row order. */
export function encodeBmp(bits: 1 | 4 | 8 | 24 | 32, seed = 0, topDown = false): Buffer {
  const gray = halfAndHalf(seed, 1);
  const paletteSize = bits <= 8 ? 1 << bits : 0;
  const stride = Math.ceil((W * bits) / 32) * 4;
  const dataOffset = 14 + 40 + paletteSize * 4;
  const buf = Buffer.alloc(dataOffset + stride * H);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(dataOffset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(W, 18);
  buf.writeInt32LE(topDown ? -H : H, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bits, 28);
  buf.writeUInt32LE(stride * H, 34);
  // Palette: an even gray ramp, so index i has gray level i * 255 / (n - 1).
  for (let i = 0; i < paletteSize; i++) {
    const v = Math.round((i * 255) / (paletteSize - 1));
    buf.writeUInt32LE((v << 16) | (v << 8) | v, 54 + i * 4);
  }
  for (let y = 0; y < H; y++) {
    const row = dataOffset + (topDown ? y : H - 1 - y) * stride;
    for (let x = 0; x < W; x++) {
      const v = gray[y * W + x];
      if (bits === 24 || bits === 32) {
        const at = row + x * (bits / 8);
        buf[at] = v;
        buf[at + 1] = v;
        buf[at + 2] = v;
      } else {
        const levels = paletteSize - 1;
        const idx = Math.round((v * levels) / 255);
        const bit = x * bits;
        buf[row + (bit >> 3)] |= idx << (8 - bits - (bit & 7));
      }
    }
  }
  return buf;
}

export function writeFile(path: string, data: Uint8Array | string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}

/** Writes `count` distinct PNGs into root/<folder>/, named img-<seed>.png; returns their paths. */
export async function writePngs(root: string, folder: string, count: number, firstSeed: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const seed = firstSeed + i;
    out.push(writeFile(join(root, folder, `img-${seed}.png`), await encode('png', seed)));
  }
  return out;
}

/** Mean of a column range of a size x size gray image. */
export function meanOfColumns(px: Uint8Array, size: number, from: number, to: number): number {
  let sum = 0, n = 0;
  for (let y = 0; y < size; y++) {
    for (let x = from; x < to; x++) {
      sum += px[y * size + x];
      n++;
    }
  }
  return sum / n;
}
