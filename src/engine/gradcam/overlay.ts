// Heat map pictures at the original image's resolution: jet colours alone, and alpha-blended over the gray X-ray.
import sharp from 'sharp';
import { JET } from './colormap';
import type { HeatPlacement } from './placement';

export interface GrayImage {
  width: number;
  height: number;
  /** width * height gray bytes, row-major. */
  data: Uint8Array;
}

/**
 * Bilinear resize of a small float map to width x height. Without a placement the cells spread evenly
 * (pixel centres aligned, as OpenCV's INTER_LINEAR); with one, each cell sits on its receptive field's centre.
 */
export function upsample(heat: Float32Array, hw: number, hh: number, width: number, height: number, placement?: HeatPlacement): Float32Array {
  const out = new Float32Array(width * height);
  // Fractional cell index of an output pixel centre: ((x + 0.5) * inputSize / width - offset) / scale.
  const cellX = (x: number) => (placement ? (((x + 0.5) * placement.inputSize) / width - placement.offset) / placement.scale : ((x + 0.5) * hw) / width - 0.5);
  const cellY = (y: number) => (placement ? (((y + 0.5) * placement.inputSize) / height - placement.offset) / placement.scale : ((y + 0.5) * hh) / height - 0.5);
  // Column lookups are the same for every row: compute them once.
  const x0s = new Int32Array(width);
  const x1s = new Int32Array(width);
  const wxs = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(hw - 1, Math.max(0, cellX(x)));
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(hw - 1, x0s[x] + 1);
    wxs[x] = fx - x0s[x];
  }
  for (let y = 0; y < height; y++) {
    const fy = Math.min(hh - 1, Math.max(0, cellY(y)));
    const r0 = Math.floor(fy) * hw;
    const r1 = Math.min(hh - 1, Math.floor(fy) + 1) * hw;
    const wy = fy - Math.floor(fy);
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const wx = wxs[x];
      const top = heat[r0 + x0s[x]] * (1 - wx) + heat[r0 + x1s[x]] * wx;
      const bottom = heat[r1 + x0s[x]] * (1 - wx) + heat[r1 + x1s[x]] * wx;
      out[row + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

export interface HeatPictures {
  overlayPng: Buffer;
  heatmapPng: Buffer;
}

/** Renders the heat map over `gray` at gray's own size. `alpha` is the heat map's weight where it is strongest. */
export async function renderHeatPictures(
  gray: GrayImage,
  heat: Float32Array,
  heatWidth: number,
  heatHeight: number,
  alpha = 0.5,
  placement?: HeatPlacement,
): Promise<HeatPictures> {
  const { width, height, data } = gray;
  const big = upsample(heat, heatWidth, heatHeight, width, height, placement);
  // Cold regions stay mostly X-ray so the anatomy remains readable under the colours.
  const weight = new Float32Array(256);
  for (let l = 0; l < 256; l++) weight[l] = alpha * (0.3 + 0.7 * (l / 255));
  const colours = Buffer.allocUnsafe(width * height * 3);
  const blended = Buffer.allocUnsafe(width * height * 3);
  for (let i = 0, o = 0; i < big.length; i++, o += 3) {
    const h = big[i];
    const l = h <= 0 ? 0 : h >= 1 ? 255 : (h * 255 + 0.5) | 0;
    const a = weight[l];
    const ga = data[i] * (1 - a) + 0.5;
    const j = l * 3;
    const r = JET[j];
    const g = JET[j + 1];
    const b = JET[j + 2];
    colours[o] = r;
    colours[o + 1] = g;
    colours[o + 2] = b;
    blended[o] = (ga + r * a) | 0;
    blended[o + 1] = (ga + g * a) | 0;
    blended[o + 2] = (ga + b * a) | 0;
  }
  const png = (buf: Buffer) => sharp(buf, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 3 }).toBuffer();
  const [overlayPng, heatmapPng] = await Promise.all([png(blended), png(colours)]);
  return { overlayPng, heatmapPng };
}
