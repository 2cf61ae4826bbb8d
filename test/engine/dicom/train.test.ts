// A folder of DICOM files in every transfer syntax trains through the built command line, its
// files classify with their header facts, and no patient identifier reaches any file or log.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import type { PredictOutcome, RunRecord } from '../../../src/engine/types';
import { tempDir } from '../helpers/images';
import type { DicomSpec, Syntax } from './fixtures';
import { PATIENT, makeDicoms, missingTools, transcode } from './fixtures';

const CLI = resolve(__dirname, '../../../dist/cli.js');
const TINY = ['--model', 'seed', '--epochs', '1', '--image-size', '24', '--batch-size', '8', '--workers', '1', '--backend', 'wasm'];
const SYNTAXES: Syntax[] = ['implicit', 'explicit', 'deflated', 'jpeg-baseline', 'jpeg-extended', 'jpeg-lossless', 'jpeg-ls', 'jpeg2000', 'rle'];
const missing = missingTools();

/** Every form an identifier of the fixtures' patient could take in a file or a log. */
const SECRETS = [PATIENT.name, 'Quixote', 'Alonso', PATIENT.id, PATIENT.birthDate, '1947-03-12', PATIENT.studyDate, '2023-09-18', '1.2.826.99.7'];

function cli(args: string[], cwd: string): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));
}

describe('training and classifying on a folder of DICOM files', { skip: missing }, () => {
  const dir = tempDir('fcnn-dicom-train-');
  const data = join(dir, 'studies');
  const logs: string[] = [];
  const images: string[] = [];
  let run: RunRecord;
  let runFolder: string;

  before(() => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
    const originals = join(dir, 'originals');
    mkdirSync(originals);
    const plan: { out: string; dest: string; syntax: Syntax | 'raw' }[] = [];
    const specs: { out: string; spec: DicomSpec }[] = [];
    for (const cls of ['fractured', 'normal']) {
      mkdirSync(join(data, cls), { recursive: true });
      const add = (name: string, k: number, syntax: Syntax | 'raw', extra: DicomSpec = {}): void => {
        const eight = syntax === 'jpeg-baseline';
        const patient = { ...PATIENT, id: `${PATIENT.id}-${cls}-${k % 3}`, study: `1.2.826.99.7.${cls.length}.${k % 3}` };
        const spec: DicomSpec = { ...(eight ? { bits: 8, stored: 8, window: [[128, 256]] } : { window: [[2048, 4096]] }), mark: cls === 'fractured', noise: 0.3, seed: k * 7 + cls.length, patient, ...extra };
        const out = join(originals, `${cls}-${name}.dcm`);
        specs.push({ out, spec });
        plan.push({ out, dest: join(data, cls, name), syntax });
      };
      SYNTAXES.forEach((syntax, k) => add(`${syntax}.dcm`, k, syntax));
      add('IM000001', 9, 'raw'); // no extension: found by its DICM preamble
      add('old-archive.dicom', 10, 'raw', { noPreamble: true });
      add('cine.dcm', 11, 'raw', { frames: 2, photometric: 'MONOCHROME1' });
    }
    makeDicoms(specs);
    for (const p of plan) {
      if (p.syntax === 'raw') renameSync(p.out, p.dest);
      else transcode(p.out, p.dest, p.syntax);
      images.push(p.dest);
    }
  });

  it('trains on every transfer syntax, grouping images by patient', () => {
    const r = cli(['train', data, ...TINY, '--runs-dir', 'runs', '--cache-dir', 'cache'], dir);
    logs.push(r.out);
    assert.equal(r.code, 0, r.out);
    assert.doesNotMatch(r.out, /skipped/i, 'no file is skipped');
    const m = /Run folder: (.+)$/m.exec(r.out);
    assert.ok(m, r.out);
    runFolder = m[1].trim();
    run = JSON.parse(readFileSync(join(runFolder, 'run.json'), 'utf8')) as RunRecord;
    assert.equal(run.state, 'completed');
    const counts = run.dataset!.counts;
    assert.equal([...counts.train, ...counts.val, ...counts.test].reduce((a, b) => a + b, 0), images.length);
    assert.deepEqual(run.dataset!.groups, { by: 'patient', count: 6, images: images.length });
    assert.equal(run.config.groupBy, 'patient');
  });

  it('takes --group-by none, and refuses a key it does not know', () => {
    const bad = cli(['train', data, '--group-by', 'family'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.out, /--group-by must be one of patient, study, none, got "family"/);
    const none = cli(['train', data, ...TINY, '--group-by', 'none', '--runs-dir', 'runs-none', '--cache-dir', 'cache'], dir);
    logs.push(none.out);
    assert.equal(none.code, 0, none.out);
    const m = /Run folder: (.+)$/m.exec(none.out);
    const record = JSON.parse(readFileSync(join(m![1].trim(), 'run.json'), 'utf8')) as RunRecord;
    assert.equal(record.config.groupBy, 'none');
    assert.equal(record.dataset!.groups, undefined);
  });

  it('classifies each file with its header facts and writes the windowed picture beside the overlay', () => {
    assert.ok(runFolder, 'needs the run of the first test');
    const cams = join(dir, 'cams');
    const r = spawnSync(process.execPath, [CLI, 'predict', runFolder, ...images, '--gradcam', cams, '--json'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
    logs.push(r.stdout, r.stderr);
    assert.equal(r.status, 0, r.stderr);
    const outcomes = JSON.parse(r.stdout) as PredictOutcome[];
    assert.equal(outcomes.length, images.length);
    for (const o of outcomes) {
      assert.ok(o.ok, JSON.stringify(o));
      const d = o.prediction.dicom;
      assert.ok(d, `${o.prediction.path} has DICOM facts`);
      assert.deepEqual([d.modality, d.bodyPart, d.viewPosition, d.window.source], ['DX', 'WRIST', 'PA', 'file']);
      assert.ok(o.prediction.picturePath && existsSync(o.prediction.picturePath));
      assert.deepEqual([o.prediction.width, o.prediction.height], [64, 48]);
    }
    const cine = outcomes.find((o) => o.ok && o.prediction.path.endsWith('cine.dcm'));
    assert.equal(cine?.ok && cine.prediction.dicom?.frames, 2);
    const human = cli(['predict', runFolder, images[0]], dir);
    logs.push(human.out);
    assert.match(human.out, /DICOM: DX WRIST PA, window 2048\/4096 \(from the file\), Implicit VR Little Endian/);
  });

  it('writes no patient name, ID, date or study UID into any file or log of the run', () => {
    assert.ok(run, 'needs the run of the first test');
    const written = ['runs', 'runs-none', 'cams', 'cache'].flatMap((d) => filesUnder(join(dir, d)));
    assert.ok(written.length > 10, `checked ${written.length} files`);
    const sources: [string, string][] = [...written.map((f): [string, string] => [f, readFileSync(f).toString('latin1')]), ...logs.map((text, i): [string, string] => [`log ${i}`, text])];
    for (const [name, text] of sources) for (const secret of SECRETS) assert.ok(!text.includes(secret), `${name} holds "${secret}"`);
    // The check has teeth: the source files do hold every identifier.
    const original = readFileSync(images[0]).toString('latin1');
    for (const secret of [PATIENT.name, PATIENT.id, PATIENT.birthDate, PATIENT.studyDate]) assert.ok(original.includes(secret), secret);
  });
});
