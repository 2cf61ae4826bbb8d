// Each transfer syntax, decoded by us, against dcmtk's dcm2pnm rendering of the same file with the
// same window: a radiology viewer's picture, within one gray level.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { readGrayFull } from '../../../src/engine/data/decode';
import { decodeFrame, firstFrameBytes } from '../../../src/engine/data/dicom/codecs';
import { parseDicom } from '../../../src/engine/data/dicom/parse';
import { decodeDicom } from '../../../src/engine/data/dicom/read';
import { tempDir } from '../helpers/images';
import type { DicomSpec, Syntax } from './fixtures';
import { makeDicom, maxDifference, missingTools, readBytes, referenceRender, transcode } from './fixtures';

const missing = missingTools();
const dir = tempDir('fcnn-dicom-ref-');

/** 12 bits in 16 with junk above them and two windows: the first is the one a viewer opens with. */
const TWELVE: DicomSpec = { bits: 16, stored: 12, junk: true, window: [[1900, 2600], [900, 400]] };
const EIGHT: DicomSpec = { bits: 8, stored: 8, window: [[120, 200]] };

const SYNTAXES: { syntax: Syntax; base: DicomSpec; uid: string }[] = [
  { syntax: 'implicit', base: TWELVE, uid: 'Implicit VR Little Endian' },
  { syntax: 'explicit', base: TWELVE, uid: 'Explicit VR Little Endian' },
  { syntax: 'deflated', base: TWELVE, uid: 'Deflated Explicit VR Little Endian' },
  { syntax: 'jpeg-baseline', base: EIGHT, uid: 'JPEG Baseline (Process 1)' },
  { syntax: 'jpeg-extended', base: EIGHT, uid: 'JPEG Extended (Process 2 & 4)' },
  { syntax: 'jpeg-extended', base: TWELVE, uid: 'JPEG Extended (Process 2 & 4)' },
  { syntax: 'jpeg-lossless', base: TWELVE, uid: 'JPEG Lossless (Process 14, Selection Value 1)' },
  { syntax: 'jpeg-ls', base: TWELVE, uid: 'JPEG-LS Lossless' },
  { syntax: 'jpeg2000', base: TWELVE, uid: 'JPEG 2000 Lossless' },
  { syntax: 'rle', base: TWELVE, uid: 'RLE Lossless' },
];

async function expectMatch(file: string, voi: string[], referenceFile = file): Promise<void> {
  const ours = await decodeDicom(readBytes(file));
  const ref = referenceRender(referenceFile, voi);
  assert.deepEqual([ours.image.width, ours.image.height], [ref.width, ref.height]);
  const diff = maxDifference(ours.image.data, ref.data);
  assert.ok(diff <= 1, `${file}: differs from dcm2pnm by up to ${diff} gray levels`);
  // A flat picture would match a flat reference: the fixtures span the gray range.
  assert.ok(Math.max(...ref.data) - Math.min(...ref.data) > 150, 'the reference image has contrast');
}

describe('DICOM decoding against dcm2pnm', { skip: missing }, () => {
  const sources: Record<string, string> = {};
  before(() => {
    sources.twelve = makeDicom(join(dir, 'twelve.dcm'), TWELVE);
    sources.eight = makeDicom(join(dir, 'eight.dcm'), EIGHT);
  });

  for (const { syntax, base, uid } of SYNTAXES) {
    const bits = base.stored;
    it(`reads ${syntax} (${bits}-bit) as dcm2pnm renders it with the file's first window`, async () => {
      const src = base === TWELVE ? sources.twelve : sources.eight;
      const file = transcode(src, join(dir, `${syntax}-${bits}.dcm`), syntax);
      const picture = await decodeDicom(readBytes(file));
      assert.equal(picture.facts.transferSyntax, uid);
      assert.deepEqual(picture.facts.window, { source: 'file', center: base.window![0][0], width: base.window![0][1] });
      // dcmtk has no JPEG 2000 decoder: compare with its rendering of the lossless original.
      await expectMatch(file, ['+Wi', '1'], syntax === 'jpeg2000' ? src : file);
    });
  }

  it('decodes 12-bit lossy JPEG samples within one unit of dcmtk\'s own decoder, at a size not a multiple of 8', async () => {
    const src = makeDicom(join(dir, 'odd12.dcm'), { rows: 203, cols: 301, noise: 0.05, window: [[2048, 4096]] });
    const lossy = transcode(src, join(dir, 'odd12-jpe.dcm'), 'jpeg-extended');
    const unpacked = join(dir, 'odd12-unpacked.dcm');
    execFileSync('dcmdjpeg', [lossy, unpacked], { stdio: 'ignore' });
    const samples = async (file: string): Promise<Uint8Array | Uint16Array | Uint32Array> => {
      const parsed = parseDicom(readBytes(file));
      return (await decodeFrame(firstFrameBytes(parsed), parsed.header)).data;
    };
    const [ours, theirs] = [await samples(lossy), await samples(unpacked)];
    assert.equal(ours.length, 301 * 203);
    let worst = 0;
    for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - (theirs[i] & 0xfff)));
    assert.ok(worst <= 1, `12-bit samples differ by up to ${worst}`);
  });

  it('reads a colour JPEG wrapped by img2dcm (YBR_FULL_422) as its luma', async () => {
    const jpg = join(dir, 'photo.jpg');
    const w = 80, h = 60;
    const raw = Buffer.alloc(w * h);
    for (let i = 0; i < raw.length; i++) raw[i] = ((i % w) * 3 + Math.floor(i / w)) & 255;
    await sharp(raw, { raw: { width: w, height: h, channels: 1 } }).jpeg({ quality: 90 }).toFile(jpg);
    const file = join(dir, 'img2dcm.dcm');
    execFileSync('img2dcm', ['-i', 'JPEG', jpg, file], { stdio: 'ignore' });
    assert.equal((await decodeDicom(readBytes(file))).facts.photometric, 'YBR_FULL_422');
    await expectMatch(file, []);
  });

  it('inverts MONOCHROME1 so bone stays bright', async () => {
    const file = makeDicom(join(dir, 'mono1.dcm'), { ...TWELVE, photometric: 'MONOCHROME1' });
    const plain = await decodeDicom(readBytes(sources.twelve));
    const inverted = await decodeDicom(readBytes(file));
    assert.equal(inverted.image.data[0], 255 - plain.image.data[0]);
    await expectMatch(file, ['+Wi', '1']);
  });

  it('sign-extends signed pixels from bits stored and applies the rescale before the window', async () => {
    const file = makeDicom(join(dir, 'signed.dcm'), { bits: 16, stored: 12, signed: true, slope: 2, intercept: -100, window: [[-100, 6000]] });
    await expectMatch(file, ['+Wi', '1']);
  });

  it('applies the VOI LUT sequence when the file has no window', async () => {
    const file = makeDicom(join(dir, 'voilut.dcm'), { bits: 16, stored: 12, voiLut: [0, 4096, 12] });
    const picture = await decodeDicom(readBytes(file));
    assert.equal(picture.facts.window.source, 'voi-lut');
    await expectMatch(file, ['+Wl', '1']);
  });

  it('uses the first frame of a multi-frame file and says how many there are', async () => {
    const file = makeDicom(join(dir, 'frames.dcm'), { ...TWELVE, frames: 3 });
    const picture = await decodeDicom(readBytes(file));
    assert.equal(picture.facts.frames, 3);
    await expectMatch(file, ['+Wi', '1', '+F', '1']);
    const rle = transcode(file, join(dir, 'frames-rle.dcm'), 'rle');
    await expectMatch(rle, ['+Wi', '1', '+F', '1']);
  });

  it('reads files without the preamble, with or without file meta', async () => {
    for (const [name, spec] of [['nopreamble', { noPreamble: true }], ['bare', { noMeta: true }]] as const) {
      const file = makeDicom(join(dir, `${name}.dcm`), { ...TWELVE, ...spec });
      assert.notEqual(Buffer.from(readBytes(file).subarray(128, 132)).toString('latin1'), 'DICM');
      await expectMatch(file, ['+Wi', '1']);
    }
  });

  it('reads files with padding after the pixel data, native and encapsulated', async () => {
    for (const syntax of ['explicit', 'rle', 'jpeg-ls'] as const) {
      const file = transcode(sources.twelve, join(dir, `padded-${syntax}.dcm`), syntax);
      appendFileSync(file, Buffer.from([0, 0, 0]));
      await expectMatch(file, ['+Wi', '1'], transcode(sources.twelve, join(dir, `unpadded-${syntax}.dcm`), syntax));
    }
  });

  it('falls back to a min-max window that ignores a few extreme pixels when the file has none', async () => {
    // The picture spans a quarter to three quarters of 12 bits; 20 label pixels sit at 0 and 4095.
    const file = makeDicom(join(dir, 'nowindow.dcm'), { bits: 16, stored: 12, span: [0.25, 0.75], outliers: true });
    const picture = await decodeDicom(readBytes(file));
    const { source, center, width } = picture.facts.window;
    assert.equal(source, 'min-max');
    assert.ok(Math.abs(center! - 2047) < 60 && Math.abs(width! - 2047) < 120, `window ${center}/${width}`);
    await expectMatch(file, ['+Ww', String(center), String(width)]);
  });

  it('gives Classify X-ray the windowed picture at full size with the header facts', async () => {
    const file = transcode(sources.twelve, join(dir, 'classify-jls.dcm'), 'jpeg-ls');
    const full = await readGrayFull(file);
    const ref = referenceRender(file, ['+Wi', '1']);
    assert.ok(maxDifference(full.data, ref.data) <= 1);
    assert.deepEqual(full.dicom, {
      modality: 'DX',
      bodyPart: 'WRIST',
      viewPosition: 'PA',
      transferSyntax: 'JPEG-LS Lossless',
      photometric: 'MONOCHROME2',
      bitsStored: 12,
      window: { source: 'file', center: 1900, width: 2600 },
      frames: 1,
    });
  });
});
