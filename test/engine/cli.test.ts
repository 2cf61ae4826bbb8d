// The built command line (dist/cli.js, made by `npm test`'s build step) run as a real child process.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { initBackend } from '../../src/engine/backend/select';
import { saveModel } from '../../src/engine/model/io';
import { evidenceModel } from './gradcam-models';
import { addBadFiles, writeTinyDataset } from './runs-fixtures';

const CLI = resolve(__dirname, '../../dist/cli.js');
const TINY = ['--model', 'seed', '--epochs', '1', '--image-size', '24', '--batch-size', '8', '--workers', '1', '--backend', 'wasm'];

function cli(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('fracture-cnn command line', () => {
  let dir: string;
  let images: { positive: string[]; negative: string[] };
  let runFolder: string;

  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
    dir = await mkdtemp(join(tmpdir(), 'fcnn-cli-'));
    images = await writeTinyDataset(join(dir, 'xrays'), { perClass: 10, size: 32 });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('trains on fractured/ and not fractured/ as two classes and writes a complete run folder', async () => {
    const r = cli(['train', 'xrays', ...TINY, '--runs-dir', 'runs', '--cache-dir', 'cache'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 classes/);
    assert.match(r.stdout, /^\s+fractured\s+\d+\s+\d+\s+\d+\s+10$/m);
    assert.match(r.stdout, /^\s+not fractured\s+\d+\s+\d+\s+\d+\s+10$/m);
    assert.match(r.stdout, /Epoch 1\/1 {2}loss/);
    assert.match(r.stdout, /precision {4}recall {2}f1-score {3}support/);
    assert.match(r.stdout, /Confusion matrix/);
    const m = /Run folder: (.+)$/m.exec(r.stdout);
    assert.ok(m, 'prints the run folder');
    // 10 images a class leave 1 or 2 for the test split: the last thing printed says the model cannot be judged.
    const verdict = /^!! WARNING: (TOO FEW TEST IMAGES TO JUDGE THIS MODEL|THIS MODEL IS NOT USABLE AS IT STANDS) !!$/m.exec(r.stdout);
    assert.ok(verdict && verdict.index > m.index, 'a warning block after the results');
    assert.match(r.stdout, /^On the command line: .*--test \(fractureCnn\.testFraction\)/m, 'the settings named, with their flags');
    runFolder = m[1].trim();
    assert.ok(runFolder.startsWith(join(dir, 'runs')));
    const files = (await readdir(runFolder)).sort();
    for (const f of ['classification_report.txt', 'model', 'model_summary.txt', 'predictions.csv', 'report.md', 'run.json', 'training_time.txt']) assert.ok(files.includes(f), f);
    assert.match(r.stdout, /^ +accuracy +\d\.\d{4} +\[\d\.\d{4}, \d\.\d{4}\]$/m, 'accuracy with its bootstrap interval');
    assert.match(r.stdout, /percentiles of 2000 bootstrap resamples/);
    assert.deepEqual((await readdir(join(runFolder, 'model'))).sort(), ['model.json', 'weights.bin']);
    assert.equal(JSON.parse(await readFile(join(runFolder, 'run.json'), 'utf8')).state, 'completed');
  });

  it('cross-validates with --folds K: K runs, then mean ± sd; refuses a train/val/test folder with exit 2', async () => {
    const r = cli(['train', 'xrays', ...TINY, '--bootstrap', '0', '--folds', '3', '--runs-dir', 'cv-runs', '--cache-dir', 'cache'], dir);
    assert.equal(r.code, 0, r.stderr);
    for (const k of [1, 2, 3]) assert.match(r.stdout, new RegExp(`^Fold ${k} of 3$`, 'm'));
    assert.match(r.stdout, /^Cross-validation \S+: 3 of 3 folds completed$/m);
    assert.match(r.stdout, /^ {2}Accuracy +\d\.\d{3} ± \d\.\d{3}$/m);
    const m = /^Summary in (.+)$/m.exec(r.stdout);
    assert.ok(m);
    const summary = JSON.parse(await readFile(join(m[1].trim(), 'run.json'), 'utf8'));
    assert.equal(summary.kind, 'cv-summary');
    assert.equal((await readdir(join(dir, 'cv-runs'))).length, 4);
    await writeTinyDataset(join(dir, 'presplit', 'train'), { perClass: 6, size: 32 });
    await writeTinyDataset(join(dir, 'presplit', 'test'), { perClass: 3, size: 32, seed: 9 });
    const refused = cli(['train', 'presplit', ...TINY, '--folds', '3', '--runs-dir', 'cv-refused', '--cache-dir', 'cache'], dir);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /invalid setting: .*already has train\/val\/test folders/);
    assert.ok(!existsSync(join(dir, 'cv-refused')) || (await readdir(join(dir, 'cv-refused'))).length === 0);
  });

  it('trains on the good files of a folder with corrupt, empty and non-image files and lists the bad ones', async () => {
    const root = join(dir, 'messy');
    await writeTinyDataset(root, { perClass: 8, size: 32, seed: 9 });
    const bad = await addBadFiles(join(root, 'fractured'));
    // --json: the outcome alone on stdout, the human report on stderr.
    const r = cli(['train', root, ...TINY, '--json', '--runs-dir', join(dir, 'runs2'), '--cache-dir', join(dir, 'cache')], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /skipped 3 files/);
    for (const f of bad) assert.ok(r.stderr.includes(f), `lists ${f}`);
    assert.match(r.stderr, /empty/);
    assert.match(r.stderr, /not an image/);
    assert.match(r.stderr, /^\s+fractured\s+\d+\s+\d+\s+\d+\s+8$/m, 'the 8 good fractured images are used');
    const outcome = JSON.parse(r.stdout);
    assert.equal(outcome.tag, 'completed');
    assert.deepEqual(outcome.run.dataset.skipped.map((s: { path: string }) => s.path).sort(), [...bad].sort());
    assert.equal(outcome.run.dataset.counts.train.length, 2);
    const m = outcome.run.metrics;
    assert.equal(m.intervals.resamples, 2000);
    assert.equal(m.intervals.accuracy.length, 2);
    assert.ok(m.intervals.accuracy[0] <= m.accuracy && m.accuracy <= m.intervals.accuracy[1]);
    assert.equal(m.calibration.of, 'positive');
    assert.ok(m.pr.averagePrecision >= 0 && m.pr.averagePrecision <= 1);
  });

  it('writes the built-in sample dataset with its fracture boxes', () => {
    const r = cli(['sample-data', 'sample-out'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Wrote \d+ fractured and \d+ normal images/);
    for (const p of ['fractured', 'normal', 'boxes.json']) assert.ok(existsSync(join(dir, 'sample-out', p)), p);
  });

  it('predicts with probabilities and Grad-CAM overlays, and exits 4 naming an unreadable image', async () => {
    assert.ok(runFolder, 'needs the run of the first test');
    const cams = join(dir, 'cams');
    const ok = cli(['predict', runFolder, images.positive[0], images.negative[0], '--gradcam', cams], dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`${images.positive[0]}: (fractured|not fractured) \\(fractured \\d+\\.\\d%, not fractured \\d+\\.\\d%\\)`));
    const pngs = (await readdir(cams)).filter((f) => f.endsWith('.png'));
    assert.equal(pngs.length, 4, 'overlay and heat map per image');
    const meta = await sharp(join(cams, pngs[0])).metadata();
    assert.deepEqual([meta.width, meta.height], [32, 32]);

    const missing = join(dir, 'no-such.png');
    const bad = cli(['predict', runFolder, images.positive[1], missing], dir);
    assert.equal(bad.code, 4);
    assert.ok(bad.stdout.includes(images.positive[1]), 'the good image is still classified');
    assert.ok(bad.stderr.includes(missing), bad.stderr);

    const json = cli(['predict', join(runFolder, 'model'), images.negative[1], '--json'], dir);
    assert.equal(json.code, 0, json.stderr);
    const outcomes = JSON.parse(json.stdout);
    assert.equal(outcomes[0].ok, true);
    assert.deepEqual(outcomes[0].prediction.classes, ['fractured', 'not fractured']);
  });

  it('says when nothing in the image raises the explained class, so its heat map is blank', async () => {
    // A model folder on its own: every pixel raises "fractured" and lowers "not fractured".
    await initBackend('wasm');
    const modelDir = join(dir, 'evidence-model');
    const model = evidenceModel(8, 'dense-softmax');
    await saveModel(model, modelDir, { classes: ['fractured', 'not fractured'], imageSize: 8 });
    model.dispose();
    const cams = join(dir, 'evidence-cams');
    const against = cli(['predict', modelDir, images.positive[0], '--class', '1', '--gradcam', cams], dir);
    assert.equal(against.code, 0, against.stderr);
    assert.ok(
      against.stdout.includes('No positive evidence for "not fractured": the model found nothing in this image that raises this class\'s score; the map is blank.'),
      against.stdout,
    );
    const json = cli(['predict', modelDir, images.positive[0], '--class', '1', '--gradcam', cams, '--json'], dir);
    assert.equal(JSON.parse(json.stdout)[0].prediction.noPositiveEvidence, true);
    const towards = cli(['predict', modelDir, images.positive[0], '--class', '0', '--gradcam', cams], dir);
    assert.doesNotMatch(towards.stdout, /No positive evidence/);
  });

  it('exits 2 on usage errors, 3 on dataset errors, and documents its exit codes', async () => {
    for (const args of [['frobnicate'], ['train', '--epochs', 'many'], ['train', '--no-such-option'], ['train', '--image-size', '8'], ['predict', 'only-one-arg'], ['train', 'a', 'b']]) {
      const r = cli(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /fracture-cnn: /);
    }
    const missing = cli(['train', join(dir, 'nothing-here'), ...TINY], dir);
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /nothing-here/);
    const oneClass = join(dir, 'one-class');
    await writeTinyDataset(oneClass, { perClass: 3, size: 32 });
    await rm(join(oneClass, 'not fractured'), { recursive: true });
    const single = cli(['train', oneClass, ...TINY, '--runs-dir', join(dir, 'runs3')], dir);
    assert.equal(single.code, 3, single.stderr);
    assert.ok(!existsSync(join(dir, 'runs3')) || (await readdir(join(dir, 'runs3'))).length === 0, 'no run folder for a dataset error');

    const help = cli(['--help'], dir);
    assert.equal(help.code, 0);
    for (const code of ['0 ', '1 ', '2 ', '3 ', '4 ', '130']) assert.match(help.stdout, new RegExp(`^\\s+${code}`, 'm'));
    const pkg = JSON.parse(await readFile(resolve(__dirname, '../../package.json'), 'utf8'));
    assert.equal(cli(['--version'], dir).stdout.trim(), pkg.version);
  });

  it('stops on Ctrl-C between batches, exits 130 and marks the run cancelled', async () => {
    const runs = join(dir, 'runs-cancel');
    await mkdir(runs);
    const child = spawn(process.execPath, [CLI, 'train', 'xrays', ...TINY, '--epochs', '200', '--patience', '200', '--runs-dir', runs, '--cache-dir', 'cache'], { cwd: dir });
    let out = '';
    let sent = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (!sent && /Epoch +1\/200/.test(out)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    assert.equal(code, 130, out);
    const [id] = await readdir(runs);
    const run = JSON.parse(await readFile(join(runs, id, 'run.json'), 'utf8'));
    assert.equal(run.state, 'cancelled');
    assert.ok(!existsSync(join(runs, id, 'model')));
  });
});
