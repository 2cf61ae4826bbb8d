import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadDataset } from '../../src/engine/data/load';
import { tempDir, writePngs } from './helpers/images';

function indexFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...indexFiles(p));
    else if (name === 'index.json') out.push(p);
  }
  return out;
}

describe('a damaged pixel cache', () => {
  const damages: [string, (idx: Record<string, unknown>) => unknown][] = [
    ['"entries": null', (idx) => ({ ...idx, entries: null })],
    ['"files": a list', (idx) => ({ ...idx, files: [1, 2] })],
    ['entries pointing outside the cache', (idx) => ({ ...idx, entries: Object.fromEntries(Object.keys(idx.entries as object).map((h) => [h, ['../../../../etc/passwd', 0, 1]])) })],
    ['entries of the wrong shape', (idx) => ({ ...idx, entries: Object.fromEntries(Object.keys(idx.entries as object).map((h) => [h, { seg: 1 }])) })],
    ['half a file', (idx) => JSON.stringify(idx).slice(0, 40)],
    ['null', () => null],
  ];
  for (const [what, damage] of damages) {
    it(`is rebuilt when index.json has ${what}, and every later run works`, async () => {
      const data = tempDir();
      const cache = tempDir();
      await writePngs(data, 'a', 4, 0);
      await writePngs(data, 'b', 4, 100);
      const opts = { imageSize: 24, valFraction: 0.25, testFraction: 0.25, seed: 1, cacheDir: cache };
      const first = await loadDataset(data, opts);
      const [index] = indexFiles(cache);
      const idx = JSON.parse(readFileSync(index, 'utf8'));
      const bad = damage(idx);
      writeFileSync(index, typeof bad === 'string' ? bad : JSON.stringify(bad));
      const second = await loadDataset(data, opts);
      assert.deepEqual(second.report.classes, first.report.classes);
      assert.deepEqual(second.report.skipped, []);
      assert.deepEqual(second.report.counts, first.report.counts);
      const third = await loadDataset(data, opts);
      assert.equal(third.report.cachedImages, 8, 'the rebuilt cache serves the next run');
    });
  }
});
