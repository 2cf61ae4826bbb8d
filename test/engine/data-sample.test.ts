import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { loadDataset } from '../../src/engine/data/load';
import { generateSampleDataset, SAMPLE_DEFAULTS, sampleRadiograph } from '../../src/engine/data/sample';
import { MANIFEST } from '../../src/engine/data/synthetic/folder';
import { tempDir } from './helpers/images';

type Box = { x: number; y: number; width: number; height: number };

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${prefix}${e.name}/`);
      else out.push(prefix + e.name);
    }
  };
  walk(root, '');
  return out.sort();
}

function digest(root: string): Record<string, string> {
  return Object.fromEntries(files(root).map((f) => [f, createHash('sha256').update(readFileSync(join(root, f))).digest('hex')]));
}

const inside = (b: Box, x: number, y: number) => x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;

describe('generateSampleDataset', () => {
  const opts = { fractured: 12, normal: 4, size: 128, seed: 3 };

  it('writes the same bytes every time for the same seed', async () => {
    const a = join(tempDir(), 'a'), b = join(tempDir(), 'b'), c = join(tempDir(), 'c');
    await generateSampleDataset(a, opts);
    await generateSampleDataset(b, opts);
    await generateSampleDataset(c, { ...opts, seed: 4 });
    assert.deepEqual(digest(a), digest(b));
    assert.notDeepEqual(digest(a), digest(c));
  });

  it('writes fractured/ and normal/ PNGs of varied sizes up to `size`, and a box inside each fractured one', async () => {
    const root = tempDir();
    const r = await generateSampleDataset(root, opts);
    assert.deepEqual(files(root), [
      MANIFEST,
      'boxes.json',
      ...Array.from({ length: 12 }, (_, i) => `fractured/fractured-${String(i + 1).padStart(4, '0')}.png`),
      ...Array.from({ length: 4 }, (_, i) => `normal/normal-${String(i + 1).padStart(4, '0')}.png`),
    ]);
    const boxes = JSON.parse(readFileSync(r.boxesFile, 'utf8')) as Record<string, Box>;
    assert.deepEqual(Object.keys(boxes), files(root).filter((f) => f.startsWith('fractured/')));
    const shapes = new Set<string>();
    for (const file of files(root).filter((f) => f.endsWith('.png'))) {
      const meta = await sharp(join(root, file)).metadata();
      assert.deepEqual([meta.format, meta.channels], ['png', 1], `${file}: gray PNG`);
      assert.ok(meta.width! <= 128 && meta.height! <= 128 && Math.min(meta.width!, meta.height!) >= 0.55 * 128, `${file}: ${meta.width}x${meta.height}`);
      shapes.add(`${meta.width}x${meta.height}`);
      const box = boxes[file];
      if (!box) continue;
      assert.ok(box.x >= 0 && box.y >= 0 && box.width >= 3 && box.height >= 3, `${file}: ${JSON.stringify(box)}`);
      assert.ok(box.x + box.width <= meta.width! && box.y + box.height <= meta.height!, `${file}: box inside the image`);
    }
    assert.ok(shapes.size >= 12, `sizes vary: ${[...shapes].join(' ')}`);
    assert.ok([...shapes].some((s) => s.split('x')[0] !== s.split('x')[1]), 'not all square');
  });

  it('boxes hold everything the fracture changed, and little else', async () => {
    const root = tempDir();
    await generateSampleDataset(root, { fractured: 40, normal: 0, size: 256, seed: 11 });
    const boxes = JSON.parse(readFileSync(join(root, 'boxes.json'), 'utf8')) as Record<string, Box>;
    let small = 0;
    for (let i = 0; i < 40; i++) {
      const file = `fractured/fractured-${String(i + 1).padStart(4, '0')}.png`;
      const broken = sampleRadiograph(11, 'fractured', i, 256);
      const whole = sampleRadiograph(11, 'fractured', i, 256, { fracture: false });
      const data = await sharp(join(root, file)).extractChannel(0).raw().toBuffer();
      assert.ok(Buffer.from(broken.pixels).equals(data), `${file}: the file holds the drawn film`);
      const box = boxes[file];
      let changed = 0;
      let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
      for (let y = 0; y < broken.height; y++) {
        for (let x = 0; x < broken.width; x++) {
          const d = Math.abs(broken.pixels[y * broken.width + x] - whole.pixels[y * broken.width + x]);
          if (d >= 2) assert.ok(inside(box, x, y), `${file}: pixel ${x},${y} changed by ${d} outside ${JSON.stringify(box)}`);
          if (d >= 4) changed++;
          if (d >= 1) {
            [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
          }
        }
      }
      assert.ok(changed >= 3, `${file}: the fracture is drawn (${changed} pixels changed)`);
      // Tight: at most a few pixels of margin around every pixel the fracture changed at all.
      assert.ok(x0 - box.x <= 4 && y0 - box.y <= 4 && box.x + box.width - 1 - x1 <= 4 && box.y + box.height - 1 - y1 <= 4, `${file}: ${JSON.stringify(box)} vs changed ${x0},${y0}..${x1},${y1}`);
      if (box.width * box.height < 0.05 * broken.width * broken.height) small++;
    }
    // Findings of several sizes: some take under 5% of the film, most more.
    assert.ok(small >= 4 && small <= 36, `fractures of several sizes: ${small}/40 boxes under 5% of the film`);
  });

  it('makes normal the rare class by default, with enough of it to test on', () => {
    const share = SAMPLE_DEFAULTS.normal / (SAMPLE_DEFAULTS.normal + SAMPLE_DEFAULTS.fractured);
    assert.ok(share >= 0.05 && share <= 0.1, `normal share ${share}`);
    assert.ok(Math.round(SAMPLE_DEFAULTS.normal * 0.15) >= 20, 'at least 20 normal films in a 15% test split');
  });

  it('gives the classes the same brightness, contrast and film sizes, so none of them is a shortcut', () => {
    const stats = (cls: 'fractured' | 'normal') =>
      Array.from({ length: 60 }, (_, i) => {
        const r = sampleRadiograph(5, cls, i, 160);
        let s = 0, s2 = 0;
        for (const v of r.pixels) {
          s += v;
          s2 += v * v;
        }
        const mean = s / r.pixels.length;
        return [mean, Math.sqrt(s2 / r.pixels.length - mean * mean), r.width * r.height];
      });
    const f = stats('fractured'), n = stats('normal');
    for (let k = 0; k < 3; k++) {
      const mf = f.reduce((s, r) => s + r[k], 0) / f.length, mn = n.reduce((s, r) => s + r[k], 0) / n.length;
      const sd = Math.sqrt([...f, ...n].reduce((s, r) => s + (r[k] - (mf + mn) / 2) ** 2, 0) / 120);
      assert.ok(Math.abs(mf - mn) < 0.4 * sd, `statistic ${k}: fractured ${mf.toFixed(1)}, normal ${mn.toFixed(1)}, sd ${sd.toFixed(1)}`);
    }
  });

  it('refuses a folder holding files it did not write, and leaves them untouched', async () => {
    const parent = tempDir();
    const root = join(parent, 'mine');
    mkdirSync(join(root, 'fractured'), { recursive: true });
    writeFileSync(join(root, 'fractured', 'fractured-0001.png'), 'my own x-ray');
    writeFileSync(join(root, 'notes.txt'), 'notes');
    const before = digest(root);
    await assert.rejects(generateSampleDataset(root, opts), (err: Error) => {
      assert.equal(err.name, 'SampleFolderError');
      assert.match(err.message, new RegExp(`${root} holds 2 files that the sample generator did not write, such as fractured/fractured-0001.png, notes.txt; choose an empty or new folder`));
      return true;
    });
    assert.deepEqual(digest(root), before);
    assert.deepEqual(readdirSync(parent), ['mine'], 'no staging folder left behind');
  });

  it('refuses a set named like its own but without its manifest, since those files could be anyone’s', async () => {
    const root = tempDir();
    await generateSampleDataset(root, opts);
    rmSync(join(root, MANIFEST));
    const before = digest(root);
    await assert.rejects(generateSampleDataset(root, opts), /without the generator's manifest/);
    assert.deepEqual(digest(root), before);
  });

  it('regenerates over its own set, replacing exactly the files its manifest lists', async () => {
    const parent = tempDir();
    const root = join(parent, 'sample');
    await generateSampleDataset(root, opts);
    await generateSampleDataset(root, { ...opts, fractured: 2, normal: 3, seed: 9 });
    assert.deepEqual(files(root), [MANIFEST, 'boxes.json', 'fractured/fractured-0001.png', 'fractured/fractured-0002.png', 'normal/normal-0001.png', 'normal/normal-0002.png', 'normal/normal-0003.png']);
    assert.deepEqual(readdirSync(parent), ['sample'], 'no staging or old folder left behind');
    const fresh = join(tempDir(), 'fresh');
    await generateSampleDataset(fresh, { ...opts, fractured: 2, normal: 3, seed: 9 });
    assert.deepEqual(digest(root), digest(fresh));
    // Once the user adds a file of their own, the folder is no longer the generator's to replace.
    writeFileSync(join(root, 'normal', 'my-own.png'), 'mine');
    await assert.rejects(generateSampleDataset(root, opts), /holds 1 file that the sample generator did not write, such as normal\/my-own.png/);
    assert.equal(readFileSync(join(root, 'normal', 'my-own.png'), 'utf8'), 'mine');
    assert.equal(files(root).length, 8);
  });

  it('writes into an empty folder, and into a new one whose parents do not exist yet', async () => {
    const empty = tempDir();
    await generateSampleDataset(empty, { ...opts, fractured: 2, normal: 2 });
    assert.equal(files(empty).length, 6);
    const deep = join(tempDir(), 'a', 'b', 'sample');
    await generateSampleDataset(deep, { ...opts, fractured: 2, normal: 2 });
    assert.deepEqual(readdirSync(dirname(deep)), ['sample']);
  });

  it('loads as a two-class dataset with normal the rare class', async () => {
    const root = tempDir();
    await generateSampleDataset(root, opts);
    const d = await loadDataset(root, { imageSize: 48, valFraction: 0.15, testFraction: 0.15, seed: 1, cacheDir: tempDir() });
    assert.deepEqual(d.report.classes, ['fractured', 'normal']);
    assert.equal(d.report.imbalanceRatio, 3);
    assert.equal(d.report.skipped.length, 0);
  });
});
