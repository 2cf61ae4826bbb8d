// A DICOM file to the 8-bit gray picture a radiology viewer would show, with its header facts.
import type { DicomFacts } from '../../types';
import type { GrayImage } from '../decode';
import { decodeFrame, firstFrameBytes } from './codecs';
import { DicomError, parseDicom } from './parse';
import { colourToGray, isMonochrome, renderMonochrome } from './pixels';

export interface DicomPicture {
  image: GrayImage;
  facts: DicomFacts;
  /** Raw identifiers for grouping; callers hash them before keeping them anywhere. */
  patientId?: string;
  studyUid?: string;
}

export async function decodeDicom(buf: Uint8Array): Promise<DicomPicture> {
  const parsed = parseDicom(buf);
  const h = parsed.header;
  const mono = isMonochrome(h.photometric);
  if (!mono && h.samplesPerPixel === 1) throw new DicomError('unsupported', `DICOM ${h.photometric} images are not supported`);
  const raw = await decodeFrame(firstFrameBytes(parsed), h);
  let data: Uint8Array;
  let window: DicomFacts['window'];
  if (mono && raw.samplesPerPixel === 1) {
    ({ data, window } = renderMonochrome(raw, h));
  } else {
    data = colourToGray(raw, h);
    window = { source: 'none' };
  }
  const facts: DicomFacts = {
    ...(parsed.modality ? { modality: parsed.modality } : {}),
    ...(parsed.bodyPart ? { bodyPart: parsed.bodyPart } : {}),
    ...(parsed.viewPosition ? { viewPosition: parsed.viewPosition } : {}),
    transferSyntax: h.syntax.name,
    photometric: h.photometric,
    bitsStored: h.bitsStored,
    window,
    frames: h.frames,
  };
  return { image: { data, width: h.columns, height: h.rows }, facts, patientId: parsed.patientId, studyUid: parsed.studyUid };
}
