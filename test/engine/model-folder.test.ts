// A model folder is data from anywhere: loading one must never read outside it, never read
// without bound, and never hand back weights that are not numbers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../src/engine/backend/select';
import { loadModel, saveModel } from '../../src/engine/model/io';
import { buildSeedCnn } from '../../src/engine/model/seedCnn';
import { Predictor } from '../../src/engine/predict/predictor';
import { tempDir } from './helpers/images';

describe('model folders as untrusted data', () => {
  let good: string;
  let json: { weightsManifest: { paths: string[]; weights: unknown[] }[] } & Record<string, unknown>;
  let weights: Buffer;

  before(async () => {
    await initBackend('wasm');
    good = join(tempDir(), 'model');
    const model = buildSeedCnn(24, 2, 1);
    await saveModel(model, good, { classes: ['a', 'b'], imageSize: 24 });
    model.dispose();
    json = JSON.parse(readFileSync(join(good, 'model.json'), 'utf8'));
    weights = readFileSync(join(good, 'weights.bin'));
  });

  /** A copy of the good folder with model.json's manifest paths and weights.bin replaced. */
  function variant(paths: string[], bin: Buffer | null = weights): string {
    const dir = join(tempDir(), 'model');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths }] }));
    if (bin) writeFileSync(join(dir, 'weights.bin'), bin);
    return dir;
  }

  it('loads the folder it wrote', async () => {
    const { model } = await loadModel(good);
    model.dispose();
  });

  it('refuses weight paths that climb out of the folder or are absolute', async () => {
    await assert.rejects(loadModel(variant(['../../../../../../etc/passwd'])), /must name a file inside the model folder/);
    await assert.rejects(loadModel(variant(['/etc/passwd'])), /must name a file inside the model folder/);
    await assert.rejects(loadModel(variant(['./sub/../../weights.bin'])), /must name a file inside the model folder/);
  });

  it('refuses a weight file that is a link to a file outside the folder', async () => {
    const dir = variant(['./weights.bin'], null);
    const outside = join(tempDir(), 'elsewhere.bin');
    writeFileSync(outside, weights);
    symlinkSync(outside, join(dir, 'weights.bin'));
    await assert.rejects(loadModel(dir), /outside the model folder/);
  });

  it('refuses a weight file that is a device or named pipe', async () => {
    const dir = variant(['./weights.bin'], null);
    symlinkSync('/dev/zero', join(dir, 'zero'));
    rmSync(join(dir, 'model.json'));
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ ...json, weightsManifest: [{ ...json.weightsManifest[0], paths: ['./zero'] }] }));
    // The link leaves the folder (to /dev): refused before anything is opened.
    await assert.rejects(loadModel(dir), /outside the model folder/);
    const fifo = variant(['./weights.bin'], null);
    assert.equal(spawnSync('mkfifo', [join(fifo, 'weights.bin')]).status, 0);
    await assert.rejects(loadModel(fifo), /not a regular file/);
  });

  it('refuses a manifest naming thousands of weight files', async () => {
    const paths = Array.from({ length: 2000 }, (_, i) => `./w${i}.bin`);
    const dir = variant(paths);
    for (const p of paths) writeFileSync(join(dir, p), Buffer.alloc(4));
    await assert.rejects(loadModel(dir), /2000 weight files, more than the 64 allowed/);
  });

  it('refuses weights whose size does not match the shapes in model.json', async () => {
    await assert.rejects(loadModel(variant(['./weights.bin'], weights.subarray(0, weights.length - 40))), /hold \d+ bytes where the manifest's shapes need \d+/);
    await assert.rejects(loadModel(variant(['./weights.bin'], Buffer.concat([weights, Buffer.alloc(4096)]))), /hold \d+ bytes where/);
  });

  it('refuses random bytes as weights, with a clear error instead of NaN predictions', async () => {
    // Random float32 patterns include NaN and infinities (exponent bits all ones) among this many values.
    const dir = variant(['./weights.bin'], randomBytes(weights.length));
    await assert.rejects(loadModel(dir), /NaN or infinite/);
    await assert.rejects(Predictor.load(dir), /NaN or infinite/);
  });

  it('takes the input size from the model, not from metadata that claims another', async () => {
    const dir = variant(['./weights.bin']);
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    j.userDefinedMetadata = { classes: ['a', 'b'], imageSize: 100000 };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    const p = await Predictor.load(dir);
    assert.equal(p.imageSize, 24);
    p.dispose();
    j.userDefinedMetadata = { classes: ['a', 'b', 'c'], imageSize: 24 };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    await assert.rejects(Predictor.load(dir), /2 outputs but 3 class names/);
    assert.ok(statSync(join(dir, 'weights.bin')).isFile());
  });
});
