// A small BMP reader: the libvips that ships with sharp has no BMP loader, and many X-ray exports
// are BMP. Handles uncompressed 1/4/8-bit palette, 16-bit (555 or bit fields), 24-bit and 32-bit
// images, bottom-up and top-down; the pixels then go to sharp as raw data.

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

/** Why a BMP could not be read; `truncated` when the file ends inside the pixel data. */
export class BmpError extends Error {
  constructor(
    readonly kind: 'truncated' | 'unsupported' | 'corrupt',
    message: string,
  ) {
    super(message);
  }
}

const BI_RGB = 0;
const BI_BITFIELDS = 3;
const BI_ALPHABITFIELDS = 6;
const MAX_PIXELS = 1 << 28;

interface Mask {
  shift: number;
  max: number;
  mask: number;
}

function mask(m: number): Mask {
  if (m === 0) return { shift: 0, max: 0, mask: 0 };
  let shift = 0;
  while (((m >>> shift) & 1) === 0) shift++;
  return { shift, max: m >>> shift, mask: m >>> 0 };
}

function channel(px: number, m: Mask): number {
  if (m.max === 0) return 0;
  return Math.round((((px & m.mask) >>> m.shift) * 255) / m.max);
}

export function decodeBmp(buf: Uint8Array): RawImage {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 26) throw new BmpError('truncated', 'file ends inside the BMP header');
  const dataOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  let width: number, height: number, bpp: number, compression = BI_RGB, colorsUsed = 0;
  if (headerSize === 12) {
    width = dv.getUint16(18, true);
    height = dv.getInt16(20, true);
    bpp = dv.getUint16(24, true);
  } else if (headerSize >= 40) {
    if (buf.length < 14 + 40) throw new BmpError('truncated', 'file ends inside the BMP header');
    width = dv.getInt32(18, true);
    height = dv.getInt32(22, true);
    bpp = dv.getUint16(28, true);
    compression = dv.getUint32(30, true);
    colorsUsed = dv.getUint32(46, true);
  } else {
    throw new BmpError('unsupported', `BMP header of ${headerSize} bytes`);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height <= 0) throw new BmpError('corrupt', `BMP size ${width}x${height}`);
  if (width * height > MAX_PIXELS) throw new BmpError('unsupported', `BMP of ${width}x${height} pixels is too large`);
  if (![BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS].includes(compression)) {
    const names: Record<number, string> = { 1: 'RLE8', 2: 'RLE4', 4: 'JPEG', 5: 'PNG' };
    throw new BmpError('unsupported', `compressed BMP (${names[compression] ?? `compression ${compression}`})`);
  }
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) throw new BmpError('unsupported', `${bpp}-bit BMP`);

  // Channel masks: inside V3+ headers, or right after a 40-byte header.
  let masks: [Mask, Mask, Mask, Mask] | undefined;
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    const at = 14 + 40;
    const withAlpha = compression === BI_ALPHABITFIELDS || headerSize >= 56;
    if (buf.length < at + (withAlpha ? 16 : 12)) throw new BmpError('truncated', 'file ends inside the BMP bit masks');
    masks = [mask(dv.getUint32(at, true)), mask(dv.getUint32(at + 4, true)), mask(dv.getUint32(at + 8, true)), mask(withAlpha ? dv.getUint32(at + 12, true) : 0)];
  } else if (bpp === 16) {
    masks = [mask(0x7c00), mask(0x03e0), mask(0x001f), mask(0)];
  } else if (bpp === 32 && headerSize >= 56) {
    const a = dv.getUint32(14 + 40 + 12, true);
    // BI_RGB 32-bit: the fourth byte is officially unused, so only a declared alpha mask counts.
    masks = [mask(0x00ff0000), mask(0x0000ff00), mask(0x000000ff), mask(a === 0xff000000 ? a : 0)];
  }

  let palette: Uint8Array | undefined;
  let grayPalette = true;
  if (bpp <= 8) {
    const entrySize = headerSize === 12 ? 3 : 4;
    const count = colorsUsed || 1 << bpp;
    const at = 14 + headerSize + (compression === BI_BITFIELDS ? 12 : 0);
    if (buf.length < at + count * entrySize) throw new BmpError('truncated', 'file ends inside the BMP palette');
    palette = new Uint8Array(256 * 3);
    for (let i = 0; i < Math.min(count, 256); i++) {
      const b = buf[at + i * entrySize], g = buf[at + i * entrySize + 1], r = buf[at + i * entrySize + 2];
      palette.set([r, g, b], i * 3);
      if (r !== g || g !== b) grayPalette = false;
    }
  }

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > buf.length) {
    throw new BmpError('truncated', `file ends inside the pixel data (${buf.length} of ${dataOffset + stride * height} bytes)`);
  }
  const hasAlpha = masks !== undefined && masks[3].max > 0;
  const channels: 1 | 3 | 4 = palette && grayPalette ? 1 : hasAlpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    let o = y * width * channels;
    for (let x = 0; x < width; x++, o += channels) {
      let r: number, g: number, b: number, a = 255;
      if (palette) {
        const bit = x * bpp;
        const byte = buf[row + (bit >> 3)];
        const idx = bpp === 8 ? byte : (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        r = palette[idx * 3];
        g = palette[idx * 3 + 1];
        b = palette[idx * 3 + 2];
      } else if (bpp === 24) {
        b = buf[row + x * 3];
        g = buf[row + x * 3 + 1];
        r = buf[row + x * 3 + 2];
      } else if (masks) {
        const px = bpp === 16 ? dv.getUint16(row + x * 2, true) : dv.getUint32(row + x * 4, true);
        r = channel(px, masks[0]);
        g = channel(px, masks[1]);
        b = channel(px, masks[2]);
        if (hasAlpha) a = channel(px, masks[3]);
      } else {
        b = buf[row + x * 4];
        g = buf[row + x * 4 + 1];
        r = buf[row + x * 4 + 2];
      }
      out[o] = r;
      if (channels > 1) {
        out[o + 1] = g;
        out[o + 2] = b;
        if (channels === 4) out[o + 3] = a;
      }
    }
  }
  return { data: out, width, height, channels };
}
