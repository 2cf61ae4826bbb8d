import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { loadDataset } from '../../src/engine/data/load';
import { generateSampleDataset } from '../../src/engine/data/sample';
import { tempDir } from './helpers/images';

function digest(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const cls of ['fractured', 'normal']) {
    for (const name of readdirSync(join(root, cls)).sort()) {
      out[`${cls}/${name}`] = createHash('sha256').update(readFileSync(join(root, cls, name))).digest('hex');
    }
  }
  out['boxes.json'] = createHash('sha256').update(readFileSync(join(root, 'boxes.json'))).digest('hex');
  return out;
}

describe('generateSampleDataset', () => {
  const opts = { fractured: 4, normal: 12, size: 96, seed: 3 };

  it('writes the same bytes every time for the same seed', async () => {
    const a = tempDir(), b = tempDir(), c = tempDir();
    await generateSampleDataset(a, opts);
    await generateSampleDataset(b, opts);
    await generateSampleDataset(c, { ...opts, seed: 4 });
    assert.deepEqual(digest(a), digest(b));
    assert.notDeepEqual(digest(a), digest(c));
  });

  it('writes fractured/ and normal/ PNGs and a bounding box inside each fractured image', async () => {
    const root = tempDir();
    const r = await generateSampleDataset(root, opts);
    assert.equal(readdirSync(join(root, 'fractured')).length, 4);
    assert.equal(readdirSync(join(root, 'normal')).length, 12);
    const boxes = JSON.parse(readFileSync(r.boxesFile, 'utf8')) as Record<string, { x: number; y: number; width: number; height: number }>;
    assert.deepEqual(Object.keys(boxes).sort(), readdirSync(join(root, 'fractured')).sort().map((n) => `fractured/${n}`));
    for (const [file, box] of Object.entries(boxes)) {
      const meta = await sharp(join(root, file)).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['png', 96, 96]);
      assert.ok(box.x >= 0 && box.y >= 0 && box.width > 4 && box.height > 2, `${file}: ${JSON.stringify(box)}`);
      assert.ok(box.x + box.width <= 96 && box.y + box.height <= 96, `${file}: box inside the image`);
    }
  });

  it('draws each fracture as a dark gap across bright bone inside its box', async () => {
    const root = tempDir();
    const r = await generateSampleDataset(root, { ...opts, size: 128 });
    const boxes = JSON.parse(readFileSync(r.boxesFile, 'utf8')) as Record<string, { x: number; y: number; width: number; height: number }>;
    for (const [file, box] of Object.entries(boxes)) {
      // Inside the box, the gap leaves a run of dark pixels between bright bone on either side.
      const { data, info } = await sharp(join(root, file)).raw().toBuffer({ resolveWithObject: true });
      let darkBetweenBright = 0;
      for (let x = box.x; x < box.x + box.width; x++) {
        const col = Array.from({ length: box.height }, (_, k) => data[(box.y + k) * info.width + x]);
        const max = Math.max(...col), min = Math.min(...col);
        if (max > 120 && min < max * 0.5) darkBetweenBright++;
      }
      assert.ok(darkBetweenBright >= 3, `${file}: visible fracture line in the box`);
    }
  });

  it('regenerating a smaller set into the same folder leaves no earlier images behind, and keeps the user’s own files', async () => {
    const root = tempDir();
    await generateSampleDataset(root, opts);
    writeFileSync(join(root, 'normal', 'my-own.png'), 'mine');
    await generateSampleDataset(root, { ...opts, fractured: 2, normal: 3 });
    assert.equal(readdirSync(join(root, 'fractured')).length, 2);
    assert.deepEqual(readdirSync(join(root, 'normal')).sort(), ['my-own.png', 'normal-0001.png', 'normal-0002.png', 'normal-0003.png']);
  });

  it('loads as a two-class dataset with 1:3 imbalance', async () => {
    const root = tempDir();
    await generateSampleDataset(root, opts);
    const d = await loadDataset(root, { imageSize: 48, valFraction: 0.15, testFraction: 0.15, seed: 1, cacheDir: tempDir() });
    assert.deepEqual(d.report.classes, ['fractured', 'normal']);
    assert.equal(d.report.imbalanceRatio, 3);
    assert.equal(d.report.skipped.length, 0);
  });
});
