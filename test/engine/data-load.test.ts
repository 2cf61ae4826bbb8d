import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LoadOptions } from '../../src/engine/data/load';
import { decodeImage } from '../../src/engine/data/decode';
import { DatasetError, loadDataset } from '../../src/engine/data/load';
import { imbalanceRemedy } from '../../src/engine/data/report';
import type { ImageSet } from '../../src/engine/data/imageSet';
import { encode, tempDir, writeFile, writePngs } from './helpers/images';

const base = (cacheDir: string): LoadOptions => ({ imageSize: 24, valFraction: 0.15, testFraction: 0.15, seed: 42, cacheDir });

function all(set: ImageSet): number[] {
  return Array.from({ length: set.size }, (_, i) => i);
}

describe('loadDataset: classes and bad files', () => {
  it('treats "fractured" and "not fractured" as two classes, labelled by sorted folder name', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 6, 100);
    await writePngs(root, 'not fractured', 6, 200);
    const d = await loadDataset(root, base(tempDir()));
    assert.deepEqual(d.report.classes, ['fractured', 'not fractured']);
    for (const set of [d.train, d.val, d.test]) {
      set.paths.forEach((p, i) => {
        const folder = p.includes('/not fractured/') ? 'not fractured' : 'fractured';
        assert.equal(d.report.classes[set.labels[i]], folder, `${p} labelled by its own folder`);
      });
    }
    assert.equal(d.train.size + d.val.size + d.test.size, 12);
  });

  it('skips corrupt, empty, truncated and non-image files with their reasons and trains on the good ones', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 4, 300);
    await writePngs(root, 'normal', 4, 400);
    const png = await encode('png', 999);
    writeFile(join(root, 'normal', 'empty.png'), '');
    writeFile(join(root, 'normal', 'cut.png'), png.subarray(0, png.length >> 1));
    writeFile(join(root, 'fractured', 'readme.txt'), 'scanned on ward 4\n');
    const dicom = Buffer.alloc(200);
    dicom.write('DICM', 128, 'latin1');
    writeFile(join(root, 'fractured', 'study.dcm'), dicom);
    writeFile(join(root, 'fractured', '.DS_Store'), 'hidden');
    writeFile(join(root, '.thumbnails', 'x.png'), png);

    const d = await loadDataset(root, base(tempDir()));
    const reasons = Object.fromEntries(d.report.skipped.map((s) => [s.path.split('/').pop(), s.reason]));
    assert.deepEqual(reasons, { 'empty.png': 'empty', 'cut.png': 'truncated', 'readme.txt': 'not-an-image', 'study.dcm': 'truncated' });
    assert.ok(d.report.skipped.every((s) => s.detail.length > 0));
    assert.equal(d.train.size + d.val.size + d.test.size, 8, 'all good files load');
    assert.deepEqual(d.report.classes, ['fractured', 'normal'], 'hidden folders are not classes');
    assert.ok(d.report.warnings.some((w) => w.includes('4 files were skipped')));
  });

  it('throws a DatasetError naming the folder when there is only one class', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 3, 500);
    await assert.rejects(loadDataset(root, base(tempDir())), (e: unknown) => e instanceof DatasetError && e.message.includes(root) && /two/.test(e.message));
  });

  it('throws a DatasetError when no file is a usable image', async () => {
    const root = tempDir();
    writeFile(join(root, 'a', 'x.png'), 'not really');
    writeFile(join(root, 'b', 'y.png'), '');
    await assert.rejects(loadDataset(root, base(tempDir())), (e: unknown) => e instanceof DatasetError && /no usable images/.test(e.message));
  });

  it('throws a DatasetError for a missing folder', async () => {
    await assert.rejects(loadDataset('/nonexistent/xrays', base(tempDir())), DatasetError);
  });
});

describe('loadDataset: splits', () => {
  it('splits each class 70/15/15, the same way for the same seed and differently for another', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 20, 1000);
    await writePngs(root, 'normal', 40, 2000);
    const cache = tempDir();
    const a = await loadDataset(root, base(cache));
    assert.deepEqual(a.report.counts, { train: [14, 28], val: [3, 6], test: [3, 6] });
    assert.equal(a.report.layout, 'stratified');
    const b = await loadDataset(root, base(cache));
    assert.deepEqual(b.test.paths, a.test.paths, 'same seed, same split');
    const c = await loadDataset(root, { ...base(cache), seed: 7 });
    assert.notDeepEqual(c.test.paths, a.test.paths, 'another seed, another split');
    assert.ok(a.report.imbalanceRatio === 2 && !a.report.warnings.some((w) => w.includes('imbalance')), 'exactly 2:1 is not flagged');
  });

  it('warns about class imbalance above 2:1 and says class weighting will be used', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 4, 1100);
    await writePngs(root, 'normal', 13, 1200);
    const d = await loadDataset(root, base(tempDir()));
    assert.equal(d.report.imbalanceRatio, 13 / 4);
    assert.ok(d.report.warnings.some((w) => /imbalance/i.test(w) && /weight/i.test(w)));
    // With balanced batches (radnet's default) the warning names them, not class weights that are not used.
    const e = await loadDataset(root, { ...base(tempDir()), imbalanceRemedy: imbalanceRemedy('balanced', 'auto') });
    const warning = e.report.warnings.find((w) => /imbalance/i.test(w)) ?? '';
    assert.match(warning, /sampling: balanced/);
    assert.doesNotMatch(warning, /weight/i);
  });

  it('keeps identical files in one split and reports them as duplicates', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 10, 3000);
    await writePngs(root, 'normal', 10, 4000);
    for (let k = 0; k < 6; k++) {
      const copy = await encode('png', 3000 + k);
      writeFile(join(root, 'fractured', `copy-${k}.png`), copy);
      writeFile(join(root, 'fractured', 'sub', `copy-again-${k}.png`), copy);
    }
    for (const seed of [1, 2, 3, 4, 5]) {
      const d = await loadDataset(root, { ...base(tempDir()), seed });
      assert.equal(d.report.duplicates.length, 6);
      const splitOf = new Map<string, string>();
      for (const [name, set] of Object.entries({ train: d.train, val: d.val, test: d.test })) for (const p of set.paths) splitOf.set(p, name);
      for (const g of d.report.duplicates) {
        assert.equal(g.paths.length, 3);
        const splits = new Set(g.paths.map((p) => splitOf.get(p)));
        assert.equal(splits.size, 1, `seed ${seed}: copies of ${g.paths[0]} straddle ${[...splits].join(' and ')}`);
      }
    }
  });

  it('honours a train/valid/test layout and drops leaked copies from val and test', async () => {
    const root = tempDir();
    await writePngs(root, 'train/fractured', 5, 5000);
    await writePngs(root, 'train/normal', 5, 5100);
    await writePngs(root, 'valid/fractured', 2, 5200);
    await writePngs(root, 'valid/normal', 2, 5300);
    await writePngs(root, 'test/fractured', 2, 5400);
    const testNormal = await writePngs(root, 'test/normal', 2, 5500);
    const leaked = writeFile(join(root, 'test', 'normal', 'leaked.png'), await encode('png', 5100));
    const d = await loadDataset(root, base(tempDir()));
    assert.equal(d.report.layout, 'presplit');
    assert.deepEqual(d.report.counts, { train: [5, 5], val: [2, 2], test: [2, 2] });
    assert.equal(d.report.leakage.length, 1);
    assert.ok(d.report.leakage[0].paths.includes(leaked));
    assert.ok(!d.test.paths.includes(leaked), 'the leaked copy is not tested on');
    assert.ok(d.test.paths.includes(testNormal[0]));
    assert.ok(d.report.warnings.some((w) => /leakage/i.test(w) && /dropped/.test(w)));
  });
});

describe('loadDataset: awkward folders', () => {
  it('takes validation images from train/ when the folder has only train/ and test/', async () => {
    const root = tempDir();
    await writePngs(root, 'Train/fractured', 10, 10000);
    await writePngs(root, 'Train/normal', 10, 10100);
    await writePngs(root, 'Test/fractured', 3, 10200);
    await writePngs(root, 'Test/normal', 3, 10300);
    const d = await loadDataset(root, base(tempDir()));
    assert.equal(d.report.layout, 'presplit');
    assert.deepEqual(d.report.counts.test, [3, 3], 'test/ is used as given');
    assert.deepEqual(d.report.counts.val, [2, 2], '15% of train/ per class, rounded');
    assert.ok(d.val.paths.every((p) => p.includes('/Train/')));
    assert.ok(d.report.warnings.some((w) => /no val split/.test(w)));
  });

  it('keeps a class too small to split in training and says so', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 2, 11000);
    await writePngs(root, 'normal', 10, 11100);
    const d = await loadDataset(root, base(tempDir()));
    assert.deepEqual([d.report.counts.train[0], d.report.counts.val[0], d.report.counts.test[0]], [2, 0, 0]);
    assert.ok(d.report.warnings.some((w) => w.includes('"fractured"') && /too few/.test(w)));
  });
});

describe('loadDataset: cache and storage', () => {
  it('serves a second load from the cache with identical pixels, without decoding again', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 5, 6000);
    await writePngs(root, 'normal', 5, 6100);
    writeFile(join(root, 'normal', 'bad.png'), 'nope');
    const cache = tempDir();
    const first = await loadDataset(root, base(cache));
    assert.equal(first.report.cachedImages, 0);
    const second = await loadDataset(root, base(cache));
    assert.equal(second.report.cachedImages, 10);
    assert.deepEqual(second.report.skipped.map((s) => s.reason), ['not-an-image'], 'skips are remembered too');
    assert.deepEqual(second.train.read(all(second.train)), first.train.read(all(first.train)));
    assert.deepEqual(second.test.read(all(second.test)), first.test.read(all(first.test)));
    const other = await loadDataset(root, { ...base(cache), imageSize: 16 });
    assert.equal(other.report.cachedImages, 0, 'another image size is another cache entry');
  });

  it('gives prediction exactly the pixels training saw, cached or not', async () => {
    const root = tempDir();
    await writePngs(root, 'a', 3, 6600);
    writeFile(join(root, 'b', 'photo.jpg'), await encode('jpeg-cmyk', 6700));
    writeFile(join(root, 'b', 'scan.gif'), await encode('gif', 6701));
    const cache = tempDir();
    await loadDataset(root, base(cache));
    const d = await loadDataset(root, base(cache));
    assert.equal(d.report.cachedImages, 5);
    for (const set of [d.train, d.val, d.test]) {
      for (let i = 0; i < set.size; i++) assert.deepEqual(set.read([i]), await decodeImage(set.paths[i], 24), set.paths[i]);
    }
  });

  it('decodes again when a cache entry is damaged, giving the same pixels', async () => {
    const root = tempDir();
    await writePngs(root, 'a', 4, 6200);
    await writePngs(root, 'b', 4, 6300);
    const cache = tempDir();
    const first = await loadDataset(root, base(cache));
    const { readdirSync, readFileSync } = await import('node:fs');
    const find = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith('.u8') ? [join(dir, e.name)] : []));
    const [segment] = find(cache);
    const bytes = readFileSync(segment);
    bytes[10] ^= 0xff;
    writeFileSync(segment, bytes);
    const second = await loadDataset(root, base(cache));
    assert.equal(second.report.cachedImages, 7, 'the damaged image was decoded again');
    assert.deepEqual(second.train.read(all(second.train)), first.train.read(all(first.train)));
  });

  it('starts the cache afresh when its index is damaged', async () => {
    const root = tempDir();
    await writePngs(root, 'a', 3, 6400);
    await writePngs(root, 'b', 3, 6500);
    const cache = tempDir();
    const first = await loadDataset(root, base(cache));
    const { readdirSync } = await import('node:fs');
    const find = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? find(join(dir, e.name)) : e.name === 'index.json' ? [join(dir, e.name)] : []));
    writeFileSync(find(cache)[0], '{"format": "fracture-cnn-pix');
    const second = await loadDataset(root, base(cache));
    assert.equal(second.report.cachedImages, 0);
    assert.deepEqual(second.train.read(all(second.train)), first.train.read(all(first.train)));
    assert.equal((await loadDataset(root, base(cache))).report.cachedImages, 6, 'and works again after');
  });

  it('serves batches from disk for big sets with the same bytes as in memory', async () => {
    const root = tempDir();
    await writePngs(root, 'fractured', 6, 7000);
    await writePngs(root, 'normal', 6, 7100);
    const mem = await loadDataset(root, base(tempDir()));
    const disk = await loadDataset(root, { ...base(tempDir()), memoryLimitBytes: 0 });
    assert.equal(disk.train.constructor.name, 'FileImageSet');
    assert.equal(mem.train.constructor.name, 'MemoryImageSet');
    for (const s of ['train', 'val', 'test'] as const) {
      assert.deepEqual(disk[s].paths, mem[s].paths);
      const order = all(mem[s]).reverse();
      assert.deepEqual(disk[s].read(order), mem[s].read(order));
    }
    const out = new Uint8Array(2 * 24 * 24);
    assert.equal(disk.train.read([1, 0], out), out, 'reads into the caller’s buffer');
  });

  it('reports progress and stops when cancelled', async () => {
    const root = tempDir();
    await writePngs(root, 'a', 5, 8000);
    await writePngs(root, 'b', 5, 8100);
    const seen: [number, number][] = [];
    await loadDataset(root, { ...base(tempDir()), onProgress: (done, total) => seen.push([done, total]) });
    assert.deepEqual(seen.at(-1), [10, 10]);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(loadDataset(root, { ...base(tempDir()), signal: controller.signal }), { name: 'AbortError' });
  });

  it('ignores files at the top of the folder, such as boxes.json', async () => {
    const root = tempDir();
    await writePngs(root, 'a', 3, 9000);
    await writePngs(root, 'b', 3, 9100);
    mkdirSync(join(root, 'empty-class'));
    writeFileSync(join(root, 'boxes.json'), '{}');
    const d = await loadDataset(root, base(tempDir()));
    assert.deepEqual(d.report.classes, ['a', 'b']);
    assert.equal(d.report.skipped.length, 0);
  });
});
