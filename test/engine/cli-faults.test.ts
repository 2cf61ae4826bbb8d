// The built command line (dist/cli.js) on output pipes and broken model folders.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../../src/engine/backend/select';
import { saveModel } from '../../src/engine/model/io';
import { buildSeedCnn } from '../../src/engine/model/seedCnn';
import { tempDir } from './helpers/images';

const CLI = resolve(__dirname, '../../dist/cli.js');

describe('command line output and exit codes', () => {
  let model: string;
  before(async () => {
    assert.ok(existsSync(CLI), 'dist/cli.js is built (npm run build)');
    await initBackend('wasm');
    model = join(tempDir(), 'model');
    const m = buildSeedCnn(24, 2, 1);
    await saveModel(m, model, { classes: ['a', 'b'], imageSize: 24 });
    m.dispose();
  });

  it('predict --json into a pipe that is read late delivers all of its output', () => {
    const images = Array.from({ length: 3000 }, (_, i) => `/nonexistent/folder/image-${i}.png`);
    const out = join(tempDir(), 'out.json');
    // The reader starts after the writer has filled the pipe: output past the pipe's buffer must wait, not vanish.
    const script = `node="$0"; cli="$1"; model="$2"; shift 2; "$node" "$cli" predict "$model" "$@" --json | (sleep 1; cat > "${out}")`;
    const r = spawnSync('sh', ['-c', script, process.execPath, CLI, model, ...images], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const text = readFileSync(out, 'utf8');
    assert.ok(text.length > 200_000, `${text.length} bytes`);
    const outcomes = JSON.parse(text) as { ok: boolean }[];
    assert.equal(outcomes.length, 3000);
  });

  it('predict with random bytes as weights fails with a clear message and exit 1, not NaN% and exit 0', () => {
    const dir = join(tempDir(), 'model');
    const m = readFileSync(join(model, 'model.json'));
    const w = readFileSync(join(model, 'weights.bin'));
    spawnSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'model.json'), m);
    writeFileSync(join(dir, 'weights.bin'), randomBytes(w.length));
    const img = join(tempDir(), 'x.png');
    writeFileSync(img, Buffer.alloc(10));
    const r = spawnSync(process.execPath, [CLI, 'predict', dir, img], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /NaN or infinite/);
    assert.doesNotMatch(r.stdout, /NaN%/);
  });
});
