// Stored samples to modality values: bits stored and sign honoured, then the rescale
// (slope, intercept) that turns stored numbers into the modality's own units.
import type { RawSamples } from './codecs';
import type { ImageHeader } from './parse';
import { DicomError } from './parse';

/** Modality values of a monochrome frame, row-major. */
export function modalityValues(raw: RawSamples, h: ImageHeader): Float32Array {
  const n = h.rows * h.columns;
  if (raw.data.length < n) throw new DicomError('truncated', `DICOM frame decoded to ${raw.data.length} samples, ${n} expected`);
  const bits = Math.min(h.bitsStored, 32);
  // Bits above the stored ones may hold overlays or garbage; the high bit says where the value sits.
  const shift = Math.max(0, h.highBit + 1 - bits);
  const mask = bits >= 32 ? 0xffffffff : 2 ** bits - 1;
  const signBit = 2 ** (bits - 1);
  const out = new Float32Array(n);
  const { slope, intercept } = h;
  const src = raw.data;
  for (let i = 0; i < n; i++) {
    let v = Math.floor(src[i] / 2 ** shift) % (mask + 1);
    if (h.signed && v >= signBit) v -= 2 * signBit;
    out[i] = v * slope + intercept;
  }
  return out;
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
