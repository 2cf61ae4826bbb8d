import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { loadDataset, type LoadOptions } from '../../src/engine/data/load';
import { hashDistance, nearPairs } from '../../src/engine/data/nearDuplicates';
import { datasetMarkdown } from '../../src/engine/runs/reportMarkdown';
import { tempDir, writeFile, writePngs } from './helpers/images';

const base = (cacheDir: string): LoadOptions => ({ imageSize: 24, valFraction: 0.2, testFraction: 0.2, seed: 42, cacheDir });

/** A re-encoded copy: JPEG, 1.5x larger, 6 grey levels brighter. Different bytes, same picture. */
async function nearCopy(png: string, out: string): Promise<string> {
  return writeFile(out, await sharp(readFileSync(png)).resize(96, 60).linear(1, 6).jpeg({ quality: 80 }).toBuffer());
}

function splitOf(d: Awaited<ReturnType<typeof loadDataset>>, path: string): string {
  return (['train', 'val', 'test'] as const).find((s) => d[s].paths.includes(path))!;
}

describe('near-identical images', () => {
  it('finds pairs by hash chunks exactly as an all-pairs comparison does', () => {
    const hashes: [number, number][] = [
      [0x12345678, 0x9abcdef0],
      [0x12345679, 0x9abcdef0], // 1 bit from the first
      [0x12345678, 0x9abcdef3], // 2 bits from the first, 3 from the second
      [0xedcba987, 0x6543210f], // far from all
    ];
    const brute: [number, number, number][] = [];
    for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) if (hashDistance(hashes[i], hashes[j]) <= 2) brute.push([i, j, hashDistance(hashes[i], hashes[j])]);
    assert.deepEqual(nearPairs(hashes), brute);
    assert.deepEqual(brute, [
      [0, 1, 1],
      [0, 2, 2],
    ]);
  });

  it('keeps re-encoded, resized, brightened copies in one split and lists them, and nothing else', async () => {
    const root = tempDir();
    const fractured = await writePngs(root, 'fractured', 12, 800);
    await writePngs(root, 'normal', 12, 900);
    // Originals whose copy stays within 2 bits at 24x24 (measured); a split without grouping scatters some of the six pairs.
    const originals = [0, 1, 2, 3, 4, 8].map((i) => fractured[i]!);
    const copies: string[] = [];
    for (const [k, o] of originals.entries()) copies.push(await nearCopy(o, join(root, 'fractured', `copy-${k}.jpg`)));
    const d = await loadDataset(root, base(tempDir()));
    const near = d.report.nearDuplicates!;
    assert.deepEqual(near.pairs.map((p) => [...p.paths].sort()).sort(), originals.map((o, k) => [copies[k], o].sort()).sort(), 'exactly the copies, no two distinct pictures');
    assert.equal(near.total, 6);
    for (const [k, copy] of copies.entries()) assert.equal(splitOf(d, copy), splitOf(d, originals[k]!), `${copy} lands with its original`);
    assert.ok(d.report.warnings.includes('6 pairs of near-identical images (re-encoded, resized or lightly edited copies) found; each set is kept within one split.'));
    assert.match(datasetMarkdown(d.report), /Near-identical image pairs \(difference hash within 2 bits, byte-identical files aside\): 6, each set kept within one split\./);
  });

  it('names near-copies across given train and test folders', async () => {
    const root = tempDir();
    const train = await writePngs(root, 'train/fractured', 6, 1000);
    await writePngs(root, 'train/normal', 6, 1100);
    await writePngs(root, 'test/fractured', 3, 1200);
    await writePngs(root, 'test/normal', 3, 1300);
    const copy = await nearCopy(train[2], join(root, 'test', 'fractured', 'again.jpg'));
    const d = await loadDataset(root, base(tempDir()));
    assert.deepEqual(d.report.nearDuplicates?.pairs.map((p) => ({ paths: [...p.paths].sort(), splits: [...p.splits!].sort() })), [{ paths: [copy, train[2]].sort(), splits: ['test', 'train'] }]);
    assert.ok(d.report.warnings.some((w) => w === '1 pair of near-identical images found, 1 of them across the given train/val/test folders: their test figures are optimistic.'));
  });
});
