// The VOI transform a viewer opens an image with: the file's first window (centre/width), else
// its VOI LUT, else a robust min-max of the pixel values; MONOCHROME1 is then inverted so bone
// is bright as in MONOCHROME2.
import type { DicomWindow } from '../../types';
import type { ImageHeader } from './parse';

/** Fraction of pixels clipped at each end by the min-max fallback: burnt-in labels and collimator edges. */
const CLIP = 0.005;

function clamp255(y: number): number {
  return y <= 0 ? 0 : y >= 255 ? 255 : Math.round(y);
}

/** PS3.3 C.11.2.1.2: LINEAR (the default), LINEAR_EXACT and SIGMOID window functions. */
function windowFunction(kind: string, center: number, width: number): (x: number) => number {
  if (kind === 'SIGMOID') return (x) => 255 / (1 + Math.exp((-4 * (x - center)) / width));
  if (kind === 'LINEAR_EXACT') return (x) => ((x - center) / width + 0.5) * 255;
  if (width <= 1) return (x) => (x < center - 0.5 ? 0 : 255);
  return (x) => ((x - (center - 0.5)) / (width - 1) + 0.5) * 255;
}

function percentiles(values: Float32Array, lo: number, hi: number): [number, number] {
  const step = Math.max(1, Math.floor(values.length / 200_000));
  const sample = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step) sample[k++] = values[i];
  sample.sort();
  const at = (q: number): number => sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))];
  return [at(lo), at(hi)];
}

export function applyVoi(values: Float32Array, h: ImageHeader): { data: Uint8Array; window: DicomWindow } {
  const out = new Uint8Array(values.length);
  let window: DicomWindow;
  const lut = h.voiLut;
  if (h.windows.length > 0) {
    const { center, width } = h.windows[0];
    const f = windowFunction(h.voiFunction, center, width);
    for (let i = 0; i < values.length; i++) out[i] = clamp255(f(values[i]));
    window = { source: 'file', center, width, ...(h.voiFunction !== 'LINEAR' ? { function: h.voiFunction } : {}) };
  } else if (lut && lut.data.length > 0) {
    const last = lut.data.length - 1;
    const scale = 255 / (2 ** lut.bits - 1);
    for (let i = 0; i < values.length; i++) {
      const k = Math.round(values[i]) - lut.first;
      out[i] = clamp255(lut.data[k <= 0 ? 0 : k >= last ? last : k] * scale);
    }
    window = { source: 'voi-lut', center: lut.first + lut.data.length / 2, width: lut.data.length };
  } else {
    const [lo, hi0] = percentiles(values, CLIP, 1 - CLIP);
    const hi = hi0 > lo ? hi0 : lo + 1;
    for (let i = 0; i < values.length; i++) out[i] = clamp255(((values[i] - lo) / (hi - lo)) * 255);
    window = { source: 'min-max', center: (lo + hi) / 2, width: hi - lo };
  }
  if (h.photometric === 'MONOCHROME1') for (let i = 0; i < out.length; i++) out[i] = 255 - out[i];
  return { data: out, window };
}
