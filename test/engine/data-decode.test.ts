import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { DecodeError, decodeImage, readGrayFull } from '../../src/engine/data/decode';
import type { Kind } from './helpers/images';
import { H, W, encode, encodeBmp, meanOfColumns, tempDir, writeFile } from './helpers/images';

const SIZE = 48;
const dir = tempDir();

/** The picture's bright left half and dark right half must survive decoding. */
function assertHalfAndHalf(px: Uint8Array, what: string): void {
  assert.equal(px.length, SIZE * SIZE, `${what}: ${SIZE}x${SIZE} gray bytes`);
  const left = meanOfColumns(px, SIZE, 2, SIZE / 2 - 2);
  const right = meanOfColumns(px, SIZE, SIZE / 2 + 2, SIZE - 2);
  assert.ok(left > 200, `${what}: left half should be bright, mean ${left.toFixed(1)}`);
  assert.ok(right < 45, `${what}: right half should be dark, mean ${right.toFixed(1)}`);
}

async function expectSkip(path: string, reason: string): Promise<DecodeError> {
  const err = await decodeImage(path, SIZE).then(
    () => assert.fail(`${path} should not decode`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof DecodeError, `expected DecodeError, got ${String(err)}`);
  assert.equal(err.reason, reason, err.message);
  assert.ok(err.message.includes(path), 'message names the file');
  return err;
}

describe('decodeImage', () => {
  const kinds: Kind[] = ['png', 'png-gray', 'png16', 'png-rgba', 'jpeg', 'jpeg-cmyk', 'tiff', 'tiff-cmyk', 'webp', 'gif', 'gif-animated'];
  for (const kind of kinds) {
    it(`reads ${kind} as ${SIZE}x${SIZE} grayscale`, async () => {
      const path = writeFile(join(dir, 'formats', `${kind}.img`), await encode(kind, 1));
      assertHalfAndHalf(await decodeImage(path, SIZE), kind);
    });
  }

  it('uses only the first frame of an animated GIF', async () => {
    const path = writeFile(join(dir, 'anim.gif'), await encode('gif-animated', 2));
    const meta = await sharp(path, { pages: -1 }).metadata();
    assert.equal(meta.pages, 2, 'the test file really has two frames');
    assertHalfAndHalf(await decodeImage(path, SIZE), 'first frame');
  });

  for (const bits of [1, 4, 8, 24, 32] as const) {
    for (const topDown of [false, true]) {
      it(`reads ${bits}-bit ${topDown ? 'top-down' : 'bottom-up'} BMP like the same picture as PNG`, async () => {
        const bmp = await decodeImage(writeFile(join(dir, 'bmp', `${bits}-${topDown}.bmp`), encodeBmp(bits, 3, topDown)), SIZE);
        assertHalfAndHalf(bmp, `${bits}-bit BMP`);
        if (bits >= 8) {
          const png = await decodeImage(writeFile(join(dir, 'bmp', `${bits}.png`), await encode('png-gray', 3)), SIZE);
          const maxDiff = bmp.reduce((m, v, i) => Math.max(m, Math.abs(v - png[i])), 0);
          assert.ok(maxDiff <= 1, `BMP and PNG of the same pixels differ by up to ${maxDiff}`);
        }
      });
    }
  }

  it('flattens transparent pixels onto black, like an X-ray background', async () => {
    const white = Buffer.alloc(W * H * 4, 255);
    for (let i = 3; i < white.length; i += 4) white[i] = 0; // fully transparent white
    const path = writeFile(join(dir, 'transparent.png'), await sharp(white, { raw: { width: W, height: H, channels: 4 } }).png().toBuffer());
    const px = await decodeImage(path, SIZE);
    assert.ok(Math.max(...px) < 5, 'transparent areas decode as black');
  });

  it('turns a photo upright by its EXIF orientation, as image viewers show it', async () => {
    const upright = await sharp(await encode('jpeg', 10)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const px = await decodeImage(writeFile(join(dir, 'rotated.jpg'), upright), SIZE);
    const top = px.subarray(2 * SIZE, (SIZE / 2 - 2) * SIZE).reduce((a, b) => a + b, 0) / ((SIZE / 2 - 4) * SIZE);
    const bottom = px.subarray((SIZE / 2 + 2) * SIZE, (SIZE - 2) * SIZE).reduce((a, b) => a + b, 0) / ((SIZE / 2 - 4) * SIZE);
    assert.ok(top > 200 && bottom < 45, `orientation 6 turns the bright left half to the top (top ${top.toFixed(0)}, bottom ${bottom.toFixed(0)})`);
  });

  it('ignores the file extension: a PNG named .jpg still decodes', async () => {
    const path = writeFile(join(dir, 'misnamed.jpg'), await encode('png', 4));
    assertHalfAndHalf(await decodeImage(path, SIZE), 'misnamed');
  });

  it('rejects an empty file as empty', async () => {
    await expectSkip(writeFile(join(dir, 'bad', 'empty.png'), ''), 'empty');
  });

  for (const kind of ['png', 'jpeg', 'tiff', 'webp', 'gif'] as const) {
    it(`rejects a ${kind} cut in half as truncated instead of decoding half of it`, async () => {
      const full = await encode(kind, 5);
      await expectSkip(writeFile(join(dir, 'bad', `half.${kind}`), full.subarray(0, full.length >> 1)), 'truncated');
    });
  }

  it('rejects a BMP cut short as truncated', async () => {
    const full = encodeBmp(24, 6);
    await expectSkip(writeFile(join(dir, 'bad', 'half.bmp'), full.subarray(0, full.length - 500)), 'truncated');
  });

  it('rejects a text file as not an image', async () => {
    await expectSkip(writeFile(join(dir, 'bad', 'notes.png'), 'patient list, do not share\n'), 'not-an-image');
  });

  it('rejects a DICOM file without its header as unreadable and SVG as unsupported, saying which format', async () => {
    const dicom = Buffer.alloc(300);
    dicom.write('DICM', 128, 'latin1');
    const err = await expectSkip(writeFile(join(dir, 'bad', 'scan.dcm'), dicom), 'unreadable');
    assert.match(err.detail, /DICOM.*0002,0010/);
    await expectSkip(writeFile(join(dir, 'bad', 'x.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>'), 'unsupported');
  });

  it('rejects a PNG with damaged pixel data without crashing', async () => {
    const full = Buffer.from(await encode('png', 7));
    for (let i = 60; i < full.length - 20; i++) full[i] ^= 0x5a;
    const err = await decodeImage(writeFile(join(dir, 'bad', 'garbled.png'), full), SIZE).catch((e: unknown) => e);
    assert.ok(err instanceof DecodeError && ['unreadable', 'truncated'].includes(err.reason), String(err));
  });

  it('reports a missing file as unreadable', async () => {
    await expectSkip(join(dir, 'nope.png'), 'unreadable');
  });
});

describe('readGrayFull', () => {
  it('returns the image at its own resolution in gray', async () => {
    const img = await readGrayFull(writeFile(join(dir, 'full.jpg'), await encode('jpeg', 8)));
    assert.equal(img.width, W);
    assert.equal(img.height, H);
    assert.equal(img.data.length, W * H);
    assert.ok(img.data[5] > 200 && img.data[W - 5] < 45);
  });

  it('reads BMP too', async () => {
    const img = await readGrayFull(writeFile(join(dir, 'full.bmp'), encodeBmp(8, 9, true)));
    assert.deepEqual([img.width, img.height], [W, H]);
  });
});
