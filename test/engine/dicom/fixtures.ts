// DICOM test files made by independent tools from Debian: pydicom writes the originals,
// dcmtk and gdcm transcode them, dcm2pnm renders the reference picture.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';
const MAKER = join(__dirname, 'make_dicom.py');

/** A patient whose identifiers must never reach anything a run writes. */
export const PATIENT = { name: 'Quixote^Alonso', id: 'PID-QX-48213', birthDate: '19470312', studyDate: '20230918' };

const TOOLS: [string, string][] = [
  ['dcmconv', 'dcmtk'],
  ['dcmcjpeg', 'dcmtk'],
  ['dcmcjpls', 'dcmtk'],
  ['dcmcrle', 'dcmtk'],
  ['dcm2pnm', 'dcmtk'],
  ['dcmj2pnm', 'dcmtk'],
  ['dcmdjpls', 'dcmtk'],
  ['dcmdjpeg', 'dcmtk'],
  ['gdcmconv', 'libgdcm-tools'],
];

export function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

/** Why the DICOM fixtures cannot be made here, or undefined when every tool but the `optional` ones is installed. */
export function missingTools(optional: string[] = []): string | undefined {
  const packages = new Set(TOOLS.filter(([cmd]) => !optional.includes(cmd) && !onPath(cmd)).map(([, pkg]) => pkg));
  if (!existsSync(PYTHON) || spawnSync(PYTHON, ['-c', 'import pydicom, numpy']).status !== 0) packages.add('python3-pydicom');
  if (packages.size === 0) return undefined;
  return `needs Debian's DICOM tools: apt-get install -y ${[...packages].join(' ')}`;
}

export interface DicomSpec {
  rows?: number;
  cols?: number;
  bits?: 8 | 16;
  stored?: number;
  signed?: boolean;
  frames?: number;
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  modality?: string;
  bodyPart?: string;
  view?: string;
  slope?: number;
  intercept?: number;
  /** [center, width] pairs; the first is the one to use. */
  window?: [number, number][];
  /** [first stored value mapped, entries, bits]. */
  voiLut?: [number, number, number];
  /** Junk in the bits above bits stored. */
  junk?: boolean;
  mark?: boolean;
  /** Fraction of the stored range the picture spans, e.g. [0.25, 0.75]. */
  span?: [number, number];
  /** 10 pixels at the top and 10 at the bottom of the stored range. */
  outliers?: boolean;
  noise?: number;
  seed?: number;
  patient?: { name?: string; id?: string; birthDate?: string; studyDate?: string; study?: string };
  noPreamble?: boolean;
  /** Neither preamble nor file meta: a bare implicit VR dataset. */
  noMeta?: boolean;
  noPixels?: boolean;
  pdf?: boolean;
  transferSyntax?: string;
  pixelBytes?: string;
}

export function makeDicom(out: string, spec: DicomSpec = {}): string {
  execFileSync(PYTHON, [MAKER, JSON.stringify({ ...spec, out })], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

/** Many files in one Python start-up. */
export function makeDicoms(files: { out: string; spec: DicomSpec }[]): void {
  execFileSync(PYTHON, [MAKER, JSON.stringify(files.map((f) => ({ ...f.spec, out: f.out })))], { stdio: ['ignore', 'ignore', 'pipe'] });
}

export type Syntax = 'implicit' | 'explicit' | 'deflated' | 'jpeg-baseline' | 'jpeg-extended' | 'jpeg-lossless' | 'jpeg-ls' | 'jpeg2000' | 'rle';

/** Transcodes `src` (explicit VR little endian) into `syntax` with dcmtk or gdcm. */
export function transcode(src: string, out: string, syntax: Syntax): string {
  const run = (cmd: string, ...args: string[]): void => void execFileSync(cmd, [...args, src, out], { stdio: ['ignore', 'ignore', 'pipe'] });
  switch (syntax) {
    case 'explicit':
      return run('dcmconv', '+te'), out;
    case 'implicit':
      return run('dcmconv', '+ti'), out;
    case 'deflated':
      return run('dcmconv', '+td'), out;
    case 'jpeg-baseline':
      return run('dcmcjpeg', '+eb'), out;
    case 'jpeg-extended':
      return run('dcmcjpeg', '+ee'), out;
    case 'jpeg-lossless':
      return run('dcmcjpeg', '+e1'), out;
    case 'jpeg-ls':
      return run('dcmcjpls', '+el'), out;
    case 'jpeg2000':
      return run('gdcmconv', '--j2k'), out;
    case 'rle':
      return run('dcmcrle'), out;
  }
}

/**
 * dcm2pnm's 8-bit rendering of the first frame; `voi` picks the window as its +W options do.
 * dcmj2pnm is dcm2pnm with dcmtk's JPEG and RLE decoders; JPEG-LS files are decompressed by
 * dcmdjpls first, as dcmtk's renderer has no JPEG-LS decoder of its own.
 */
export function referenceRender(file: string, voi: string[]): { data: Uint8Array; width: number; height: number } {
  const dump = execFileSync('dcmdump', ['+P', '0002,0010', file]).toString();
  let input = file;
  if (/JPEGLS/i.test(dump)) {
    input = `${file}.unpacked.dcm`;
    execFileSync('dcmdjpls', [file, input], { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  const pgm = execFileSync('dcmj2pnm', [...voi, '+op', input], { maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] });
  // Binary PGM (P5) or PPM (P6, colour): magic, width, height, maxval, one whitespace byte, pixels.
  const header = /^P([56])\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!header || header[4] !== '255') throw new Error(`dcm2pnm wrote no 8-bit PGM/PPM for ${file}`);
  const width = Number(header[2]), height = Number(header[3]);
  const px = pgm.subarray(header[0].length);
  if (header[1] === '5') return { data: new Uint8Array(px.subarray(0, width * height)), width, height };
  // Colour: Rec. 601 luma, the usual gray of an RGB picture.
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = Math.round(0.299 * px[3 * i] + 0.587 * px[3 * i + 1] + 0.114 * px[3 * i + 2]);
  return { data, width, height };
}

export function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export function readBytes(path: string): Uint8Array {
  return readFileSync(path);
}
