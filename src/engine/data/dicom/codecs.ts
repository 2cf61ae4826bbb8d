// Finds a file's first frame (native or encapsulated) and decodes it into raw samples, with the
// Cornerstone wasm builds of libjpeg-turbo, CharLS and OpenJPEG, a pure-JS JPEG lossless decoder,
// and our own RLE. The wasm modules load on first use only, from the .wasm files shipped inside
// their npm packages, so nothing is fetched.
import * as dicomParser from 'dicom-parser';
import { readFileSync } from 'node:fs';
import { decodeJpeg12, jpegPrecision } from './jpeg12';
import { decodeRle } from './rle';
import type { ImageHeader, ParsedDicom } from './parse';
import { DicomError } from './parse';

/** Samples as stored (before bits-stored masking), interleaved when there are several per pixel. */
export interface RawSamples {
  data: Uint8Array | Uint16Array | Uint32Array;
  samplesPerPixel: number;
  /** The decoder may turn YBR into RGB. */
  photometric: string;
}

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}
type WasmModule = Record<string, new () => WasmDecoder>;
type Factory = (options: { wasmBinary: Uint8Array; print: () => void; printErr: () => void }) => Promise<WasmModule>;

// Literal requires, so esbuild sees the packages (kept external in esbuild.mjs: each finds its own files).
/* eslint-disable @typescript-eslint/no-require-imports */
const WASM = {
  jpeg: {
    decoder: 'JPEGDecoder',
    glue: () => require('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs') as Factory | { default: Factory },
    wasm: () => require.resolve('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm'),
  },
  'jpeg-ls': {
    decoder: 'JpegLSDecoder',
    glue: () => require('@cornerstonejs/codec-charls/decodewasmjs') as Factory | { default: Factory },
    wasm: () => require.resolve('@cornerstonejs/codec-charls/decodewasm'),
  },
  jpeg2000: {
    decoder: 'J2KDecoder',
    glue: () => require('@cornerstonejs/codec-openjpeg/decodewasmjs') as Factory | { default: Factory },
    wasm: () => require.resolve('@cornerstonejs/codec-openjpeg/decodewasm'),
  },
} as const;
/* eslint-enable @typescript-eslint/no-require-imports */
type WasmCodec = keyof typeof WASM;

const modules = new Map<WasmCodec, Promise<WasmModule>>();

function wasmModule(codec: WasmCodec): Promise<WasmModule> {
  let m = modules.get(codec);
  if (!m) {
    const loaded = WASM[codec].glue();
    const factory = typeof loaded === 'function' ? loaded : loaded.default;
    m = factory({ wasmBinary: readFileSync(WASM[codec].wasm()), print: () => {}, printErr: () => {} });
    modules.set(codec, m);
  }
  return m;
}

async function decodeWasm(codec: WasmCodec, frame: Uint8Array, h: ImageHeader): Promise<RawSamples> {
  const mod = await wasmModule(codec);
  const decoder = new mod[WASM[codec].decoder]();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    try {
      decoder.decode();
    } catch (err) {
      throw new DicomError('unreadable', `DICOM ${h.syntax.name}: the codec could not decode the frame (${err instanceof Error ? err.message : `code ${String(err)}`})`);
    }
    const info = decoder.getFrameInfo();
    if (info.width !== h.columns || info.height !== h.rows) {
      throw new DicomError('unreadable', `DICOM ${h.syntax.name} frame is ${info.width}x${info.height}, the header says ${h.columns}x${h.rows}`);
    }
    const bytes = decoder.getDecodedBuffer().slice();
    const data = info.bitsPerSample > 8 ? new Uint16Array(bytes.buffer, 0, bytes.length >> 1) : new Uint8Array(bytes.buffer);
    // libjpeg-turbo returns colour JPEGs as RGB whatever the header says.
    const photometric = codec === 'jpeg' && info.componentCount === 3 ? 'RGB' : h.photometric;
    return { data, samplesPerPixel: info.componentCount, photometric };
  } finally {
    decoder.delete();
  }
}

function decodeLossless(frame: Uint8Array, h: ImageHeader): RawSamples {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Decoder } = require('jpeg-lossless-decoder-js') as { Decoder: new () => { decode(b: ArrayBuffer, o: number, l: number, bytes: number): Uint8Array | Uint16Array } };
  const copy = new Uint8Array(frame); // a copy: Buffer.slice would share the pool
  try {
    const data = new Decoder().decode(copy.buffer, 0, copy.length, h.bitsAllocated > 8 ? 2 : 1);
    return { data, samplesPerPixel: h.samplesPerPixel, photometric: h.photometric };
  } catch (err) {
    throw new DicomError('unreadable', `DICOM JPEG lossless: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function nativeSamples(bytes: Uint8Array, bitsAllocated: number): Uint8Array | Uint16Array | Uint32Array {
  if (bitsAllocated === 8) return bytes;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  return bitsAllocated === 16 ? new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length >> 1) : new Uint32Array(aligned.buffer, aligned.byteOffset, aligned.length >> 2);
}

export async function decodeFrame(frame: Uint8Array, h: ImageHeader): Promise<RawSamples> {
  const same = (data: RawSamples['data']): RawSamples => ({ data, samplesPerPixel: h.samplesPerPixel, photometric: h.photometric });
  switch (h.syntax.codec) {
    case 'native':
      return same(nativeSamples(frame, h.bitsAllocated));
    case 'rle':
      return same(nativeSamples(decodeRle(frame, h.rows * h.columns, h.bitsAllocated / 8, h.samplesPerPixel), h.bitsAllocated));
    case 'jpeg-lossless':
      return decodeLossless(frame, h);
    case 'jpeg': {
      if ((jpegPrecision(frame) ?? 8) <= 8) return decodeWasm('jpeg', frame, h);
      const { width, height, samples } = decodeJpeg12(frame);
      if (width !== h.columns || height !== h.rows) throw new DicomError('unreadable', `DICOM ${h.syntax.name} frame is ${width}x${height}, the header says ${h.columns}x${h.rows}`);
      return same(samples);
    }
    case 'jpeg-ls':
      return decodeWasm('jpeg-ls', frame, h);
    case 'jpeg2000':
      return decodeWasm('jpeg2000', frame, h);
    default:
      throw new DicomError('unsupported', `DICOM ${h.syntax.name} (${h.syntax.uid}) is not supported`);
  }
}

/** The bytes of the first frame, native or encapsulated. */
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
