// Reads a DICOM file's header into the few facts needed to turn its pixels into a picture.
// Patient identifiers are read only to be hashed into group keys by the caller; nothing here
// keeps names or dates.
import * as dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import type { SkipReason } from '../../types';
import type { TransferSyntax } from './syntax';
import { DEFLATED_LE, DOCUMENT_CLASSES, EXPLICIT_LE, IMPLICIT_LE, transferSyntax } from './syntax';

/** Why a DICOM file gives no picture, in words for the skipped-files list. */
export class DicomError extends Error {
  constructor(
    readonly reason: SkipReason,
    message: string,
  ) {
    super(message);
    this.name = 'DicomError';
  }
}

export interface VoiLut {
  /** Stored value mapped to the first entry. */
  first: number;
  bits: number;
  data: Uint16Array;
}

export interface ImageHeader {
  syntax: TransferSyntax;
  rows: number;
  columns: number;
  samplesPerPixel: number;
  photometric: string;
  planarConfiguration: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  signed: boolean;
  frames: number;
  slope: number;
  intercept: number;
  /** Every window in the file, in its order; the first is the one a viewer opens with. */
  windows: { center: number; width: number }[];
  voiFunction: string;
  voiLut?: VoiLut;
}

export interface ParsedDicom {
  dataSet: dicomParser.DataSet;
  header: ImageHeader;
  modality?: string;
  bodyPart?: string;
  viewPosition?: string;
  /** Raw identifiers, only ever hashed before they leave the decoder. */
  patientId?: string;
  studyUid?: string;
}

const ascii = (b: Uint8Array, at: number, s: string): boolean => [...s].every((c, i) => b[at + i] === c.charCodeAt(0));

function inflater(bytes: Uint8Array, position: number): Uint8Array {
  const inflated = inflateRawSync(bytes.subarray(position));
  const full = new Uint8Array(position + inflated.length);
  full.set(bytes.subarray(0, position));
  full.set(inflated, position);
  return full;
}

function parseBytes(buf: Uint8Array): dicomParser.DataSet {
  const options = { inflater } as unknown as dicomParser.ParseDicomOptions;
  if (ascii(buf, 128, 'DICM')) return tolerant(buf, options);
  if (buf[0] === 2) {
    // File meta present but no preamble: give the parser the preamble it expects.
    const padded = new Uint8Array(132 + buf.length);
    padded.set([0x44, 0x49, 0x43, 0x4d], 128);
    padded.set(buf, 132);
    return tolerant(padded, options);
  }
  const explicit = buf[4] >= 65 && buf[4] <= 90 && buf[5] >= 65 && buf[5] <= 90;
  return tolerant(buf, { ...options, TransferSyntaxUID: explicit ? EXPLICIT_LE : IMPLICIT_LE });
}

/**
 * Bytes after the pixel data (padding some writers add) stop the parser after it has read all
 * a picture needs; a viewer shows such files, and so do we. The partial dataset lacks the file
 * meta, which the parser merges in only at the end.
 */
function tolerant(bytes: Uint8Array, options: dicomParser.ParseDicomOptions): dicomParser.DataSet {
  try {
    return dicomParser.parseDicom(bytes, options);
  } catch (err) {
    const partial = typeof err === 'object' && err !== null && 'dataSet' in err ? (err as { dataSet?: dicomParser.DataSet }).dataSet : undefined;
    const px = partial?.elements.x7fe00010;
    const end = partial?.byteArray.length ?? 0;
    const whole = px && (px.encapsulatedPixelData ? (px.fragments?.length ?? 0) > 0 && px.fragments!.every((f) => f.position + f.length <= end) : px.dataOffset + px.length <= end);
    if (!partial || !whole) throw err;
    if (!options.TransferSyntaxUID) {
      const meta = dicomParser.readPart10Header(bytes);
      for (const [tag, el] of Object.entries(meta.elements)) partial.elements[tag] ??= el;
    }
    return partial;
  }
}

const TRUNCATED = /past end|overrun|overread|beyond|end of buffer|buffer length|ran off/i;

function str(ds: dicomParser.DataSet, tag: string): string | undefined {
  const v = ds.string(tag)?.trim();
  return v ? v : undefined;
}

function readVoiLut(ds: dicomParser.DataSet, signed: boolean): VoiLut | undefined {
  const item = ds.elements.x00283010?.items?.[0]?.dataSet;
  const el = item?.elements.x00283006;
  if (!item || !el || !item.elements.x00283002) return undefined;
  const n = item.uint16('x00283002', 0) || 65536;
  const firstRaw = item.uint16('x00283002', 1) ?? 0;
  const first = signed && firstRaw > 32767 ? firstRaw - 65536 : firstRaw;
  const bits = item.uint16('x00283002', 2) ?? 16;
  const bytes = item.byteArray;
  const data = new Uint16Array(n);
  const wide = el.length >= 2 * n;
  for (let i = 0; i < n; i++) data[i] = wide ? bytes[el.dataOffset + 2 * i] | (bytes[el.dataOffset + 2 * i + 1] << 8) : bytes[el.dataOffset + i];
  return { first, bits, data };
}

/** Parses a Part 10 file (or a bare dataset); throws DicomError when it holds no decodable picture. */
export function parseDicom(buf: Uint8Array): ParsedDicom {
  let ds: dicomParser.DataSet;
  try {
    ds = parseBytes(buf);
  } catch (err) {
    // dicom-parser throws strings, Errors, or {exception, dataSet} when it stops part-way.
    const inner = typeof err === 'object' && err !== null && 'exception' in err ? (err as { exception: unknown }).exception : err;
    const detail = inner instanceof Error ? inner.message : String(inner);
    throw new DicomError(TRUNCATED.test(detail) ? 'truncated' : 'unreadable', `DICOM: ${detail.replace(/^dicomParser\.\w+: /, '')}`);
  }
  return parseDicomHeader(ds, buf);
}

function parseDicomHeader(ds: dicomParser.DataSet, buf: Uint8Array): ParsedDicom {
  const uid = str(ds, 'x00020010') ?? (buf[0] === 8 && buf[4] >= 65 ? EXPLICIT_LE : IMPLICIT_LE);
  const syntax = transferSyntax(uid.replace(/\0/g, ''));
  const sopClass = str(ds, 'x00080016') ?? str(ds, 'x00020002') ?? '';
  const pixels = ds.elements.x7fe00010;
  if (!pixels && (ds.elements.x7fe00008 || ds.elements.x7fe00009)) throw new DicomError('unsupported', 'DICOM float pixel data is not supported');
  if (!pixels) {
    const mime = str(ds, 'x00420012');
    const what =
      DOCUMENT_CLASSES[sopClass] ??
      (ds.elements.x00420011 ? `an encapsulated document${mime ? ` (${mime})` : ''}` : undefined);
    throw new DicomError('not-an-image', what ? `DICOM file holds ${what}, not an image` : 'DICOM file has no pixel data');
  }
  if (!syntax.codec) throw new DicomError('unsupported', `DICOM ${syntax.name} (${syntax.uid}) is not supported`);
  if (syntax.uid === DEFLATED_LE && !ds.elements.x00280010) throw new DicomError('unreadable', 'DICOM: deflated dataset could not be read');
  const signed = ds.uint16('x00280103') === 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const bitsStored = ds.uint16('x00280101') ?? bitsAllocated;
  const windows: { center: number; width: number }[] = [];
  const nWindows = Math.min(ds.numStringValues('x00281050') ?? 0, ds.numStringValues('x00281051') ?? 0);
  for (let i = 0; i < nWindows; i++) {
    const center = ds.floatString('x00281050', i), width = ds.floatString('x00281051', i);
    if (center !== undefined && width !== undefined && Number.isFinite(center) && width >= 1) windows.push({ center, width });
  }
  const header: ImageHeader = {
    syntax,
    rows: ds.uint16('x00280010') ?? 0,
    columns: ds.uint16('x00280011') ?? 0,
    samplesPerPixel: ds.uint16('x00280002') ?? 1,
    photometric: str(ds, 'x00280004') ?? 'MONOCHROME2',
    planarConfiguration: ds.uint16('x00280006') ?? 0,
    bitsAllocated,
    bitsStored,
    highBit: ds.uint16('x00280102') ?? bitsStored - 1,
    signed,
    frames: Math.max(1, ds.intString('x00280008') ?? 1),
    slope: ds.floatString('x00281053') || 1,
    intercept: ds.floatString('x00281052') ?? 0,
    windows,
    voiFunction: str(ds, 'x00281056')?.toUpperCase() ?? 'LINEAR',
    voiLut: readVoiLut(ds, signed),
  };
  if (!(header.rows > 0 && header.columns > 0)) throw new DicomError('unreadable', 'DICOM image has no rows or columns');
  if (![8, 16, 32].includes(bitsAllocated)) throw new DicomError('unsupported', `DICOM pixels of ${bitsAllocated} bits allocated are not supported`);
  return {
    dataSet: ds,
    header,
    modality: str(ds, 'x00080060'),
    bodyPart: str(ds, 'x00180015'),
    viewPosition: str(ds, 'x00185101'),
    patientId: str(ds, 'x00100020'),
    studyUid: str(ds, 'x0020000d'),
  };
}
