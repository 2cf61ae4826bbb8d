// DICOM folders as datasets: one patient's images stay in one split, identifiers never reach the
// cache in the clear, and files without a picture are skipped with the reason.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadDataset } from '../../../src/engine/data/load';
import type { SplitItem } from '../../../src/engine/data/split';
import { assignSplits } from '../../../src/engine/data/split';
import type { SplitName } from '../../../src/engine/types';
import { tempDir } from '../helpers/images';
import { PATIENT, makeDicoms, missingTools, transcode } from './fixtures';

const missing = missingTools();

describe('group-aware split', () => {
  const items: SplitItem[] = [];
  // 12 patients of 3 images each, 6 per class, and one patient with images in both classes.
  for (let p = 0; p < 12; p++) {
    for (let k = 0; k < 3; k++) items.push({ path: `/d/${p}-${k}`, rel: `${p < 6 ? 'fractured' : 'normal'}/${p}-${k}.dcm`, label: p < 6 ? 0 : 1, hash: `h${p}-${k}`, group: `patient-${p}` });
  }
  items.push({ path: '/d/mixed-0', rel: 'fractured/mixed-0.dcm', label: 0, hash: 'hm0', group: 'patient-mixed' });
  items.push({ path: '/d/mixed-1', rel: 'normal/mixed-1.dcm', label: 1, hash: 'hm1', group: 'patient-mixed' });
  const opts = { layout: 'stratified' as const, classes: ['fractured', 'normal'], valFraction: 0.2, testFraction: 0.2, seed: 7, missingSplits: [] };

  it('keeps every patient in one split, each split holding both classes', () => {
    for (const seed of [1, 2, 3, 7, 42]) {
      const { assignment } = assignSplits(items, { ...opts, seed });
      const splitOf = new Map<string, Set<SplitName | null>>();
      items.forEach((it, i) => splitOf.set(it.group!, (splitOf.get(it.group!) ?? new Set()).add(assignment[i])));
      for (const [g, s] of splitOf) assert.equal(s.size, 1, `seed ${seed}: ${g} spans ${[...s].join(', ')}`);
      for (const split of ['train', 'val', 'test'] as SplitName[]) {
        const labels = new Set(items.filter((_, i) => assignment[i] === split).map((it) => it.label));
        assert.deepEqual([...labels].sort(), [0, 1], `seed ${seed}: ${split} has both classes`);
      }
    }
  });

  it('splits image by image when no group keys are given', () => {
    const loose = items.map(({ group: _g, ...rest }) => rest);
    const { assignment } = assignSplits(loose, opts);
    const spans = new Set<number>();
    for (let p = 0; p < 12; p++) if (new Set([0, 1, 2].map((k) => assignment[p * 3 + k])).size > 1) spans.add(p);
    assert.ok(spans.size > 0, 'without groups some patient is spread over splits');
  });
});

describe('DICOM datasets', { skip: missing }, () => {
  const root = tempDir('fcnn-dicom-set-');
  const cacheDir = tempDir('fcnn-dicom-cache-');
  const patientOf = new Map<string, string>();
  const studyOf = new Map<string, string>();
  before(() => {
    const files: Parameters<typeof makeDicoms>[0] = [];
    for (const cls of ['fractured', 'normal']) mkdirSync(join(root, cls), { recursive: true });
    for (let p = 0; p < 8; p++) {
      const id = `${PATIENT.id}-${p}`;
      for (let k = 0; k < 3; k++) {
        const cls = p % 2 ? 'normal' : 'fractured';
        const out = join(root, cls, `img-${p}-${k}.dcm`);
        const study = `1.2.3.4.${p}.${k % 2}`;
        patientOf.set(out, id);
        studyOf.set(out, study);
        files.push({ out, spec: { mark: cls === 'fractured', noise: 0.05, seed: p * 10 + k, window: [[2048, 4096]], patient: { ...PATIENT, id, study } } });
      }
    }
    const bad = (name: string) => join(root, 'normal', name);
    files.push({ out: bad('report.dcm'), spec: { pdf: true, patient: PATIENT } });
    files.push({ out: bad('no-pixels.dcm'), spec: { noPixels: true, patient: PATIENT } });
    files.push({ out: bad('video.dcm'), spec: { transferSyntax: '1.2.840.10008.1.2.4.100', pixelBytes: '000001b3', patient: PATIENT } });
    // A 12-bit lossy JPEG, named without an extension as PACS exports often are.
    files.push({ out: join(root, 'twelve.dcm'), spec: { window: [[2048, 4096]] } });
    makeDicoms(files);
    transcode(join(root, 'twelve.dcm'), bad('IM-JPEG12'), 'jpeg-extended');
    execFileSync('rm', [join(root, 'twelve.dcm')]);
    const whole = readFileSync(join(root, 'fractured', 'img-0-0.dcm'));
    writeFileSync(bad('cut.dcm'), whole.subarray(0, whole.length - 2000));
  });

  const load = (groupBy?: 'patient' | 'study' | 'none') => loadDataset(root, { imageSize: 24, valFraction: 0.25, testFraction: 0.25, seed: 3, cacheDir, groupBy });

  const splitsBy = (d: Awaited<ReturnType<typeof load>>, keyOf: Map<string, string>): Map<string, Set<string>> => {
    const out = new Map<string, Set<string>>();
    for (const split of ['train', 'val', 'test'] as const) for (const p of d[split].paths) out.set(keyOf.get(p)!, (out.get(keyOf.get(p)!) ?? new Set()).add(split));
    return out;
  };

  it('skips files that hold no decodable picture, naming the reason', async () => {
    const d = await load();
    const reasons = Object.fromEntries(d.report.skipped.map((s) => [basename(s.path), `${s.reason}: ${s.detail}`]));
    assert.match(reasons['report.dcm'], /^not-an-image: .*encapsulated PDF/);
    assert.match(reasons['no-pixels.dcm'], /^not-an-image: .*no pixel data/);
    assert.match(reasons['video.dcm'], /^unsupported: .*MPEG2/);
    assert.match(reasons['cut.dcm'], /^truncated: /);
    assert.equal(d.train.size + d.val.size + d.test.size, 25, 'the 24 images and the 12-bit lossy JPEG');
  });

  it("keeps each patient's images in one split, from decoded files and from the cache alike", async () => {
    for (const round of ['decoded', 'cached']) {
      const d = await load();
      if (round === 'cached') assert.equal(d.report.cachedImages, 25);
      for (const [p, s] of splitsBy(d, patientOf)) assert.equal(s.size, 1, `${round}: ${p} spans ${[...s].join(', ')}`);
      assert.deepEqual(d.report.groups, { by: 'patient', count: 9, images: 25 });
      assert.ok(d.report.warnings.some((w) => w.includes('25 DICOM images of 9 patients')));
    }
  });

  it('groups by study when asked, and not at all with none', async () => {
    const byStudy = await load('study');
    assert.deepEqual(byStudy.report.groups, { by: 'study', count: 17, images: 25 });
    for (const [st, s] of splitsBy(byStudy, studyOf)) assert.equal(s.size, 1, `${st} spans ${[...s].join(', ')}`);
    const none = await load('none');
    assert.equal(none.report.groups, undefined);
  });

  it('keeps no patient identifier in the clear in the pixel cache', () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : files.push(join(dir, name));
    };
    walk(cacheDir);
    assert.ok(files.some((f) => f.endsWith('index.json')));
    for (const f of files) {
      const text = readFileSync(f).toString('latin1');
      for (const secret of [PATIENT.id, PATIENT.name, PATIENT.birthDate, PATIENT.studyDate, '1.2.3.4.']) assert.ok(!text.includes(secret), `${f} holds ${secret}`);
    }
  });
});
