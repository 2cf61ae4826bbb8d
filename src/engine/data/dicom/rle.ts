// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits
// segment per byte plane, most significant byte first, sample by sample.
import { DicomError } from './parse';

function unpackSegment(src: Uint8Array, start: number, end: number, out: Uint8Array, plane: number, stride: number, count: number): void {
  let i = start, o = 0;
  while (i < end && o < count) {
    const n = (src[i++] << 24) >> 24;
    if (n >= 0) {
      for (let k = 0; k <= n && o < count; k++) out[plane + stride * o++] = src[i++];
    } else if (n !== -128) {
      const v = src[i++];
      for (let k = 0; k < 1 - n && o < count; k++) out[plane + stride * o++] = v;
    }
  }
  if (o < count) throw new DicomError('truncated', `DICOM RLE segment ends after ${o} of ${count} bytes`);
}

/**
 * Decodes one RLE frame into interleaved little-endian samples
 * (bytesPerSample x samplesPerPixel bytes per pixel), the layout of native pixel data.
 */
export function decodeRle(frame: Uint8Array, pixels: number, bytesPerSample: number, samplesPerPixel: number): Uint8Array {
  if (frame.length < 64) throw new DicomError('truncated', 'DICOM RLE frame is shorter than its header');
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const segments = dv.getUint32(0, true);
  const need = bytesPerSample * samplesPerPixel;
  if (segments !== need) throw new DicomError('unreadable', `DICOM RLE frame has ${segments} segments, ${need} expected`);
  const out = new Uint8Array(pixels * need);
  for (let s = 0; s < segments; s++) {
    const start = dv.getUint32(4 + 4 * s, true);
    const end = s + 1 < segments ? dv.getUint32(8 + 4 * s, true) : frame.length;
    if (start < 64 || start > frame.length) throw new DicomError('truncated', 'DICOM RLE segment offset lies past the end of the frame');
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    unpackSegment(frame, start, Math.min(end, frame.length), out, sample * bytesPerSample + byteInSample, need, pixels);
  }
  return out;
}
