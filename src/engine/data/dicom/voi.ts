// The VOI transform a viewer opens an image with: the file's first window (centre/width), else
// its VOI LUT, else a robust min-max of the pixel values; MONOCHROME1 is then inverted so bone
// is bright as in MONOCHROME2.
import type { DicomWindow } from '../../types';
import type { ImageHeader } from './parse';

/** Fraction of pixels clipped at each end by the min-max fallback: burnt-in labels and collimator edges. */
export const CLIP = 0.005;

export interface Voi {
  /** Modality value to display gray 0..255, inversion included. */
  map: (x: number) => number;
  window: DicomWindow;
}

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

/**
 * The VOI of a monochrome image. `range` gives the low and high percentiles (CLIP, 1 - CLIP) of
 * its modality values; it is called only when the file has neither window nor VOI LUT.
 */
export function chooseVoi(h: ImageHeader, range: () => [number, number]): Voi {
  let f: (x: number) => number;
  let window: DicomWindow;
  const lut = h.voiLut;
  if (h.windows.length > 0) {
    const { center, width } = h.windows[0];
    f = windowFunction(h.voiFunction, center, width);
    window = { source: 'file', center, width, ...(h.voiFunction !== 'LINEAR' ? { function: h.voiFunction } : {}) };
  } else if (lut && lut.data.length > 0) {
    const last = lut.data.length - 1;
    const scale = 255 / (2 ** lut.bits - 1);
    f = (x) => {
      const k = Math.round(x) - lut.first;
      return lut.data[k <= 0 ? 0 : k >= last ? last : k] * scale;
    };
    window = { source: 'voi-lut', center: lut.first + lut.data.length / 2, width: lut.data.length };
  } else {
    const [lo, hi0] = range();
    const hi = hi0 > lo ? hi0 : lo + 1;
    f = (x) => ((x - lo) / (hi - lo)) * 255;
    window = { source: 'min-max', center: (lo + hi) / 2, width: hi - lo };
  }
  const invert = h.photometric === 'MONOCHROME1';
  return { map: invert ? (x) => 255 - clamp255(f(x)) : (x) => clamp255(f(x)), window };
}

/** Percentiles of an array of values, from a sorted sample of at most 200,000 of them. */
export function valuePercentiles(values: Float32Array): [number, number] {
  const step = Math.max(1, Math.floor(values.length / 200_000));
  const sample = new Float32Array(Math.ceil(values.length / step));
  for (let i = 0, k = 0; i < values.length; i += step) sample[k++] = values[i];
  sample.sort();
  const at = (q: number): number => sample[Math.min(sample.length - 1, Math.max(0, Math.round(q * (sample.length - 1))))];
  return [at(CLIP), at(1 - CLIP)];
}

/** Percentiles from a histogram of stored codes, each with its modality value: exact and fast for 8- and 16-bit pixels. */
export function histogramPercentiles(valueOf: Float32Array, counts: Uint32Array): [number, number] {
  const used: number[] = [];
  let total = 0;
  for (let c = 0; c < counts.length; c++) {
    if (!counts[c]) continue;
    used.push(c);
    total += counts[c];
  }
  used.sort((a, b) => valueOf[a] - valueOf[b]);
  const at = (q: number): number => {
    const rank = Math.round(q * (total - 1));
    let seen = 0;
    for (const c of used) if ((seen += counts[c]) > rank) return valueOf[c];
    return valueOf[used[used.length - 1]];
  };
  return [at(CLIP), at(1 - CLIP)];
}
