// Finds the bytes of a file's first frame, native or encapsulated.
import * as dicomParser from 'dicom-parser';
import type { ParsedDicom } from './parse';
import { DicomError } from './parse';

export function firstFrameBytes(p: ParsedDicom): Uint8Array {
  const { dataSet: ds, header: h } = p;
  const el = ds.elements.x7fe00010;
  if (!el.encapsulatedPixelData) {
    const size = (h.rows * h.columns * h.samplesPerPixel * h.bitsAllocated) / 8;
    const end = el.dataOffset + size;
    if (el.length < size || end > ds.byteArray.length) {
      throw new DicomError('truncated', `DICOM pixel data holds ${Math.min(el.length, ds.byteArray.length - el.dataOffset)} bytes, ${size} expected for ${h.columns}x${h.rows}`);
    }
    return new Uint8Array(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, size);
  }
  const fragments = el.fragments ?? [];
  if (fragments.length === 0) throw new DicomError('truncated', 'DICOM encapsulated pixel data has no fragments');
  try {
    if (h.frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, fragments.length);
    if (el.basicOffsetTable?.length) return dicomParser.readEncapsulatedImageFrame(ds, el, 0);
    if (fragments.length === h.frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, 0, 1);
    if (h.syntax.codec === 'jpeg' || h.syntax.codec === 'jpeg-lossless') {
      return dicomParser.readEncapsulatedImageFrame(ds, el, 0, dicomParser.createJPEGBasicOffsetTable(ds, el));
    }
  } catch (err) {
    throw new DicomError('truncated', `DICOM encapsulated pixel data: ${err instanceof Error ? err.message : String(err)}`);
  }
  throw new DicomError('unsupported', `DICOM file has ${h.frames} frames in ${fragments.length} fragments without an offset table`);
}
