// The one preprocessing path shared by training, evaluation and prediction: any supported file
// becomes imageSize x imageSize gray uint8, so a model never sees pixels prepared differently
// from the ones it was trained on.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import sharp from 'sharp';
import type { DicomFacts, SkipReason } from '../types';
import { BmpError, decodeBmp } from './bmp';
import { DicomError } from './dicom/parse';
import type { DicomPicture } from './dicom/read';
import { decodeDicom } from './dicom/read';
import { looksTruncated, sniffFormat } from './sniff';

/**
 * Bumped whenever the pixels produced for a given file could change (resize kernel, gray
 * conversion, alpha handling): it is part of the cache key, so stale pixels are never reused.
 */
export const PREPROCESS_VERSION = 2;

/** Why one file could not be used. */
export class DecodeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: SkipReason,
    readonly detail: string,
  ) {
    super(`${path}: ${reason}: ${detail}`);
    this.name = 'DecodeError';
  }
}

export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** Size of the image in its file (upright), when `data` was shrunk for drawing. */
  sourceWidth?: number;
  sourceHeight?: number;
}

/** Who an image belongs to, for keeping one patient's images in one split; raw, so hash before storing. */
export interface ImageIdentity {
  patientId?: string;
  studyUid?: string;
}

interface Pipeline {
  image: sharp.Sharp;
  dicom?: DicomPicture;
}

/** Larger files are not read: no supported X-ray export comes near it, and reading one whole would cost its size in memory. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;
/** Decoding stops above this many pixels (10000 x 10000): the gray image alone would take 100 MB. */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Overlays and the full-size gray picture are drawn at most this wide or high. */
export const MAX_PICTURE_SIDE = 2048;
/**
 * Even a flat, all-black baseline JPEG needs about one byte per 500 pixels; a header claiming
 * far more pixels than the data can hold is a damaged or hostile file, which libjpeg would
 * otherwise "decode" as flat gray.
 */
const MAX_JPEG_PIXELS_PER_BYTE = 4096;

const TRUNCATION = /premature end|end of stream|unexpected end|truncat|not enough data|end of file|short read/i;

/**
 * A sharp pipeline that ends in gray pixels, or a DecodeError for files that are not images
 * of a supported kind. Alpha is flattened onto black rather than white: radiographs are bright
 * anatomy on a dark background, so transparent margins belong to the background.
 */
async function grayPipeline(buf: Uint8Array, path: string): Promise<Pipeline> {
  if (buf.length === 0) throw new DecodeError(path, 'empty', 'file is empty (0 bytes)');
  const sniffed = sniffFormat(buf);
  if (sniffed.kind === 'unknown') throw new DecodeError(path, 'not-an-image', 'not a PNG, JPEG, BMP, TIFF, WebP, GIF or DICOM file');
  if (sniffed.kind === 'unsupported') throw new DecodeError(path, 'unsupported', `${sniffed.name} is not supported`);
  let image: sharp.Sharp;
  let dicom: DicomPicture | undefined;
  if (sniffed.format === 'dicom') {
    try {
      dicom = await decodeDicom(buf);
    } catch (err) {
      if (err instanceof DicomError) throw new DecodeError(path, err.reason, err.message);
      throw new DecodeError(path, 'unreadable', `DICOM: ${err instanceof Error ? err.message : String(err)}`);
    }
    const { data, width, height } = dicom.image;
    image = sharp(data, { raw: { width, height, channels: 1 } });
  } else if (sniffed.format === 'bmp') {
    try {
      const raw = decodeBmp(buf);
      image = sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });
    } catch (err) {
      if (!(err instanceof BmpError)) throw err;
      const reason: SkipReason = err.kind === 'corrupt' ? 'unreadable' : err.kind;
      throw new DecodeError(path, reason, `BMP: ${err.message}`);
    }
  } else {
    // failOn 'truncated': a file cut short must fail instead of decoding as half grey, while
    // the harmless warnings many real JPEG exports carry still load.
    image = sharp(buf, { failOn: 'truncated', autoOrient: true, limitInputPixels: MAX_INPUT_PIXELS });
  }
  // Gray as the output colourspace rather than greyscale(): libvips then converts after the
  // shrink, on 48x48 pixels instead of the full image, which saves a quarter of a PNG's decode time.
  return { image: image.flatten({ background: { r: 0, g: 0, b: 0 } }).toColourspace('b-w'), dicom };
}

function asDecodeError(err: unknown, buf: Uint8Array, path: string): DecodeError {
  if (err instanceof DecodeError) return err;
  const detail = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim() : String(err);
  const sniffed = sniffFormat(buf);
  if (TRUNCATION.test(detail) || (sniffed.kind === 'image' && looksTruncated(buf, sniffed.format))) {
    return new DecodeError(path, 'truncated', detail);
  }
  if (/pixel limit/i.test(detail)) return new DecodeError(path, 'unsupported', `image has more than ${MAX_INPUT_PIXELS / 1e6} million pixels (${detail})`);
  if (/too large|exceeds/i.test(detail)) return new DecodeError(path, 'unsupported', detail);
  return new DecodeError(path, 'unreadable', detail);
}

function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'is a folder';
  if (st.isFIFO()) return 'is a named pipe (FIFO), not a regular file';
  if (st.isSocket()) return 'is a socket, not a regular file';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'is a device, not a regular file';
  return 'is not a regular file';
}

/**
 * Reads a file, naming the file and the reason on failure. Only regular files are read, and
 * only up to MAX_IMAGE_FILE_BYTES: the file is opened without blocking (a named pipe would wait
 * for a writer forever) and checked through its descriptor before any byte is read. Synchronous
 * on purpose: one read from the page cache costs less than the four thread-pool round trips of
 * fs/promises, and those threads are the ones sharp decodes on.
 */
export function readImageFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'EISDIR' ? 'is a folder' : e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code === 'ENOENT' ? 'file no longer exists' : e.message;
    throw new DecodeError(path, 'unreadable', why);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new DecodeError(path, 'unreadable', fileKind(st));
    if (st.size > MAX_IMAGE_FILE_BYTES) {
      throw new DecodeError(path, 'unsupported', `file is ${(st.size / 2 ** 20).toFixed(0)} MiB, larger than the ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MiB an image may have`);
    }
    // Bounded by the size seen now: a file that grows while it is read is cut there.
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === buf.length ? buf : buf.subarray(0, got);
  } catch (err) {
    if (err instanceof DecodeError) throw err;
    throw new DecodeError(path, 'unreadable', (err as Error).message);
  } finally {
    closeSync(fd);
  }
}

/** A JPEG whose header claims far more pixels than its bytes can hold. */
async function checkJpegSize(buf: Uint8Array, path: string): Promise<void> {
  const sniffed = sniffFormat(buf);
  if (sniffed.kind !== 'image' || sniffed.format !== 'jpeg') return;
  const { width = 0, height = 0 } = await sharp(buf).metadata();
  if (width * height > MAX_JPEG_PIXELS_PER_BYTE * buf.length) {
    throw new DecodeError(path, 'truncated', `header says ${width}x${height} pixels, but the file holds only ${buf.length} bytes: most of the image is missing`);
  }
}

/** Decodes file bytes already in memory; the path only names the file in errors. */
export async function decodeImageBuffer(buf: Uint8Array, path: string, imageSize: number): Promise<Uint8Array> {
  return (await decodeForDataset(buf, path, imageSize)).pixels;
}

/** As decodeImageBuffer, with the patient and study a DICOM file names (raw: hash them before keeping). */
export async function decodeForDataset(buf: Uint8Array, path: string, imageSize: number): Promise<{ pixels: Uint8Array; identity?: ImageIdentity }> {
  try {
    await checkJpegSize(buf, path);
    const { image, dicom } = await grayPipeline(buf, path);
    const out = await image
      .resize(imageSize, imageSize, { fit: 'fill' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (out.info.channels !== 1 || out.data.length !== imageSize * imageSize) {
      throw new DecodeError(path, 'unsupported', `decoder returned ${out.info.channels} channels of ${out.info.width}x${out.info.height}`);
    }
    const pixels = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length);
    return dicom ? { pixels, identity: { patientId: dicom.patientId, studyUid: dicom.studyUid } } : { pixels };
  } catch (err) {
    throw asDecodeError(err, buf, path);
  }
}

/** Decodes any supported image to imageSize x imageSize gray uint8. Throws DecodeError. */
export async function decodeImage(path: string, imageSize: number): Promise<Uint8Array> {
  return decodeImageBuffer(readImageFile(path), path, imageSize);
}

/**
 * The image as gray (upright per EXIF; DICOM windowed as a viewer shows it), for drawing overlays
 * on: at its own resolution, or shrunk to MAX_PICTURE_SIDE when larger, with a DICOM file's header
 * facts. Throws DecodeError.
 */
export async function readGrayFull(path: string): Promise<GrayImage & { dicom?: DicomFacts }> {
  const buf = readImageFile(path);
  try {
    await checkJpegSize(buf, path);
    const { image: pipeline, dicom } = await grayPipeline(buf, path);
    const out = await pipeline
      .resize(MAX_PICTURE_SIDE, MAX_PICTURE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const image: GrayImage & { dicom?: DicomFacts } = { data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length), width: out.info.width, height: out.info.height };
    if (dicom) image.dicom = dicom.facts;
    if (Math.max(out.info.width, out.info.height) === MAX_PICTURE_SIDE) {
      if (dicom) [image.sourceWidth, image.sourceHeight] = [dicom.image.width, dicom.image.height];
      else {
        const meta = await (await grayPipeline(buf, path)).image.metadata();
        const upright = (meta.orientation ?? 1) >= 5 ? [meta.height, meta.width] : [meta.width, meta.height];
        if (upright[0] && upright[1]) [image.sourceWidth, image.sourceHeight] = upright;
      }
    }
    return image;
  } catch (err) {
    throw asDecodeError(err, buf, path);
  }
}
