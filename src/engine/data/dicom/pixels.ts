// Stored samples to the displayed picture: bits stored and sign honoured, then the rescale
// (slope, intercept) into the modality's own units, then the VOI transform.
import type { DicomWindow } from '../../types';
import type { RawSamples } from './codecs';
import type { ImageHeader } from './parse';
import { DicomError } from './parse';
import { chooseVoi, histogramPercentiles, valuePercentiles } from './voi';

/** The modality value of one stored code. */
function modalityOf(h: ImageHeader): (code: number) => number {
  const bits = Math.min(h.bitsStored, 32);
  // Bits above the stored ones may hold overlays or garbage; the high bit says where the value sits.
  const shift = 2 ** Math.max(0, h.highBit + 1 - bits);
  const modulus = 2 ** bits;
  const signBit = modulus / 2;
  const { slope, intercept, signed } = h;
  return (code) => {
    let v = Math.floor(code / shift) % modulus;
    if (signed && v >= signBit) v -= modulus;
    return v * slope + intercept;
  };
}

/**
 * A monochrome frame as 8-bit gray. Samples of 8 or 16 bits go through one lookup table over
 * every possible code (65,536 at most), so a 5-megapixel radiograph costs one table read per pixel.
 */
export function renderMonochrome(raw: RawSamples, h: ImageHeader): { data: Uint8Array; window: DicomWindow } {
  const n = h.rows * h.columns;
  const src = raw.data;
  if (src.length < n) throw new DicomError('truncated', `DICOM frame decoded to ${src.length} samples, ${n} expected`);
  const modality = modalityOf(h);
  const out = new Uint8Array(n);
  if (src.BYTES_PER_ELEMENT <= 2) {
    const codes = src.BYTES_PER_ELEMENT === 1 ? 256 : 65536;
    const valueOf = new Float32Array(codes);
    for (let c = 0; c < codes; c++) valueOf[c] = modality(c);
    const voi = chooseVoi(h, () => {
      const counts = new Uint32Array(codes);
      for (let i = 0; i < n; i++) counts[src[i]]++;
      return histogramPercentiles(valueOf, counts);
    });
    const lut = new Uint8Array(codes);
    for (let c = 0; c < codes; c++) lut[c] = voi.map(valueOf[c]);
    for (let i = 0; i < n; i++) out[i] = lut[src[i]];
    return { data: out, window: voi.window };
  }
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = modality(src[i]);
  const voi = chooseVoi(h, () => valuePercentiles(values));
  for (let i = 0; i < n; i++) out[i] = voi.map(values[i]);
  return { data: out, window: voi.window };
}

/** A colour frame as 8-bit luminance (colour radiographs are rare: photographs of film, secondary captures). */
export function colourToGray(raw: RawSamples, h: ImageHeader): Uint8Array {
  const n = h.rows * h.columns;
  if (raw.samplesPerPixel !== 3) throw new DicomError('unsupported', `DICOM ${raw.samplesPerPixel} samples per pixel are not supported`);
  if (h.bitsAllocated !== 8 && raw.data.BYTES_PER_ELEMENT !== 1) throw new DicomError('unsupported', `DICOM colour of ${h.bitsAllocated} bits is not supported`);
  if (raw.data.length < 3 * n) throw new DicomError('truncated', `DICOM frame decoded to ${raw.data.length} samples, ${3 * n} expected`);
  const planar = h.planarConfiguration === 1 && h.syntax.codec !== 'jpeg' && h.syntax.codec !== 'jpeg-ls' && h.syntax.codec !== 'jpeg2000';
  const at = (i: number, c: number): number => (planar ? raw.data[c * n + i] : raw.data[3 * i + c]);
  const out = new Uint8Array(n);
  const ybr = raw.photometric.startsWith('YBR');
  for (let i = 0; i < n; i++) out[i] = ybr ? at(i, 0) : Math.round(0.299 * at(i, 0) + 0.587 * at(i, 1) + 0.114 * at(i, 2));
  return out;
}

export function isMonochrome(photometric: string): boolean {
  return photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2';
}
