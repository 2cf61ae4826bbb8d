import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { findDatasetFolders, inspectDatasetFolder } from '../../src/client/discovery';

async function files(folder: string, names: string[]): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const name of names) await writeFile(join(folder, name), 'x');
}

describe('dataset folder discovery on real folders', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'fcnn discovery-'));
    // Class layout, with spaces and non-ASCII names.
    await files(join(root, 'data', 'x rays', 'fractured'), ['a.png', 'b.JPG']);
    await files(join(root, 'data', 'x rays', 'normal ü'), ['c.jpeg']);
    // train/val/test layout, three levels down.
    for (const split of ['train', 'val', 'test']) {
      await files(join(root, 'deep', 'er', 'split', split, 'fractured'), ['1.png']);
      await files(join(root, 'deep', 'er', 'split', split, 'normal'), ['2.png']);
    }
    // Not datasets: one class only; classes without images; skipped folders.
    await files(join(root, 'one-class', 'only'), ['a.png']);
    await files(join(root, 'docs', 'a'), ['readme.md']);
    await files(join(root, 'docs', 'b'), ['notes.txt']);
    await files(join(root, 'node_modules', 'pkg', 'fractured'), ['a.png']);
    await files(join(root, 'node_modules', 'pkg', 'normal'), ['a.png']);
    await files(join(root, '.fracture-cnn', 'runs', 'r1', 'a'), ['x.png']);
    await files(join(root, '.fracture-cnn', 'runs', 'r1', 'b'), ['x.png']);
    // Deeper than the search goes.
    await files(join(root, 'l1', 'l2', 'l3', 'l4', 'ds', 'a'), ['x.png']);
    await files(join(root, 'l1', 'l2', 'l3', 'l4', 'ds', 'b'), ['x.png']);
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('finds class-folder and train/val/test datasets, skipping node_modules, .fracture-cnn and non-datasets', async () => {
    const found = await findDatasetFolders([root], { maxDepth: 4 });
    const byFolder = new Map(found.map((c) => [c.folder, c]));
    assert.deepEqual([...byFolder.keys()].sort(), [join(root, 'data', 'x rays'), join(root, 'deep', 'er', 'split')].sort());
    assert.deepEqual(byFolder.get(join(root, 'data', 'x rays')), {
      folder: join(root, 'data', 'x rays'),
      layout: 'classes',
      classes: ['fractured', 'normal ü'],
      images: 3,
    });
    const split = byFolder.get(join(root, 'deep', 'er', 'split'));
    assert.equal(split?.layout, 'presplit');
    assert.deepEqual(split?.classes, ['fractured', 'normal']);
  });

  test('does not report the class folders or splits inside a dataset as datasets of their own', async () => {
    const found = await findDatasetFolders([root], { maxDepth: 6 });
    assert.ok(!found.some((c) => c.folder.startsWith(join(root, 'deep', 'er', 'split') + '/')));
  });

  test('respects the depth limit', async () => {
    const shallow = await findDatasetFolders([root], { maxDepth: 1 });
    assert.deepEqual(shallow, []);
    const deep = await findDatasetFolders([root], { maxDepth: 5 });
    assert.ok(deep.some((c) => c.folder === join(root, 'l1', 'l2', 'l3', 'l4', 'ds')));
  });

  test('a root that is itself a dataset is reported, and a missing folder is no dataset', async () => {
    const direct = await inspectDatasetFolder(join(root, 'data', 'x rays'));
    assert.equal(direct?.layout, 'classes');
    assert.equal(await inspectDatasetFolder(join(root, 'missing')), undefined);
    assert.deepEqual(await findDatasetFolders([join(root, 'missing')]), []);
  });
});
