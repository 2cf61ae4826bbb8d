import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfig } from '../../src/engine/config';
import type { ImageSet } from '../../src/engine/data/imageSet';
import { loadDataset, type LoadOptions } from '../../src/engine/data/load';
import { parsePathGroups, pathGroupKey } from '../../src/engine/data/pathGroups';
import { datasetMarkdown } from '../../src/engine/runs/reportMarkdown';
import { tempDir, writePngs } from './helpers/images';

const base = (cacheDir: string): LoadOptions => ({ imageSize: 24, valFraction: 0.2, testFraction: 0.2, seed: 42, cacheDir });

/** Patient folder of each image path, and the splits its images landed in. */
function patientSplits(sets: Record<string, ImageSet>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [name, set] of Object.entries(sets)) {
    for (const p of set.paths) {
      const patient = /\/(p\d+)\//.exec(p)![1];
      out.set(patient, (out.get(patient) ?? new Set()).add(name));
    }
  }
  return out;
}

describe('groups by path', () => {
  it('reads folder:N under the class folder and a regular expression with one capture group', () => {
    const spec = (s: string) => parsePathGroups(s).spec!;
    const mura = 'XR_WRIST/patient00011/study1_positive/image2.png';
    assert.equal(pathGroupKey(mura, 0, spec('folder:1')), 'patient00011');
    assert.equal(pathGroupKey(mura, 0, spec('folder:2')), 'patient00011/study1_positive');
    assert.equal(pathGroupKey(mura, 0, spec('folder:3')), undefined, 'the file name is not a folder');
    assert.equal(pathGroupKey(`train/${mura}`, 1, spec('folder:1')), 'patient00011', 'under train/ the class folder is one deeper');
    assert.equal(pathGroupKey('fractured/scan_p0042_view2.png', 0, spec('_(p\\d+)_')), 'p0042');
    assert.equal(pathGroupKey('fractured/other.png', 0, spec('_(p\\d+)_')), undefined);
    assert.equal(pathGroupKey(mura, 0, spec('none')), undefined);
    assert.match(parsePathGroups('(a)(b)').problem!, /exactly one capture group.*it has 2/);
    assert.match(parsePathGroups('patient').problem!, /it has 0/);
    assert.match(parsePathGroups('(unclosed').problem!, /neither none, folder:N nor a valid regular expression/);
    assert.match(parsePathGroups('folder:0').problem!, /count from 1/);
    assert.throws(() => resolveConfig({ pathGroups: '(a)(b)' }), /Invalid training setting: pathGroups: .*exactly one capture group/);
  });

  it("keeps each patient's images in one split with folder:1, where a plain split scatters them", async () => {
    const root = tempDir();
    for (let p = 0; p < 10; p++) {
      await writePngs(root, `fractured/p${p}`, 3, 100 + 10 * p);
      await writePngs(root, `normal/p${10 + p}`, 3, 400 + 10 * p);
    }
    const grouped = await loadDataset(root, { ...base(tempDir()), pathGroups: 'folder:1' });
    for (const [patient, splits] of patientSplits({ train: grouped.train, val: grouped.val, test: grouped.test })) assert.equal(splits.size, 1, `${patient} in ${[...splits].join(', ')}`);
    assert.deepEqual(grouped.report.pathGroups, { spec: 'folder:1', count: 20, images: 60, straddling: [] });
    assert.ok(grouped.report.warnings.some((w) => w === '60 images in 20 groups by path (folder:1): each group is kept in one split.'));
    assert.ok(grouped.test.size > 0 && grouped.val.size > 0);
    const plain = await loadDataset(root, base(tempDir()));
    assert.ok([...patientSplits({ train: plain.train, val: plain.val, test: plain.test }).values()].some((s) => s.size > 1), 'without groups some patient straddles two splits');
  });

  it('lists the groups that straddle given train/val/test folders on the dataset card', async () => {
    const root = tempDir();
    await writePngs(root, 'train/fractured/p1', 3, 700);
    await writePngs(root, 'train/fractured/p2', 3, 710);
    await writePngs(root, 'train/normal/p3', 3, 720);
    await writePngs(root, 'val/fractured/p4', 2, 730);
    await writePngs(root, 'val/normal/p5', 2, 740);
    await writePngs(root, 'test/fractured/p1', 2, 750);
    await writePngs(root, 'test/normal/p6', 2, 760);
    const d = await loadDataset(root, { ...base(tempDir()), pathGroups: 'folder:1' });
    assert.deepEqual(d.report.pathGroups?.straddling, [{ key: 'p1', splits: ['train', 'test'] }]);
    assert.ok(d.report.warnings.some((w) => /1 group by path \(folder:1\) straddle the given train\/val\/test folders \(for example p1 in train and test\)/.test(w)));
    const md = datasetMarkdown(d.report);
    assert.match(md, /Groups by path \(`folder:1`\): 6 groups of two or more images, 17 images\./);
    assert.match(md, /^- `p1`: train, test$/m);
  });
});
