// The .vsix on its own: it holds the bundles and the runtime packages, not the sources, and the
// engine inside it trains and explains with nothing but what the package ships (unpacked away
// from the repository, so no module can be found in the repository's node_modules).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { classImages, createSampleWorkspace } from '../../scripts/e2e/workspace';
import { ensureVsix } from './harness/setup';

let vsix = '';
let root = '';
let entries: string[] = [];

before(() => {
  vsix = ensureVsix();
  root = mkdtempSync(join(tmpdir(), 'fracture-vsix-'));
  const r = spawnSync('unzip', ['-q', vsix, '-d', join(root, 'unpacked')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `unzip failed: ${r.stderr}`);
  entries = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
});

after(() => rmSync(root, { recursive: true, force: true }));

test('the .vsix ships bundles, media and runtime packages, but no sources, tests or tfjs-node', () => {
  for (const f of ['dist/extension.js', 'dist/server.js', 'dist/worker.js', 'dist/cli.js', 'dist/webview/dashboard.js', 'dist/webview/classify.js', 'media/icon.png']) {
    assert.ok(entries.includes(`extension/${f}`), `missing ${f}`);
  }
  const wasm = entries.filter((e) => e.startsWith('extension/node_modules/@tensorflow/tfjs-backend-wasm/') && e.endsWith('.wasm'));
  assert.ok(wasm.length >= 2, `wasm binaries: ${wasm.join(', ')}`);
  assert.ok(entries.some((e) => /@img\/sharp-[^/]+\/lib\/sharp-[^/]+\.node$/.test(e)), "sharp's native binary");
  const leaked = entries.filter((e) => /^extension\/(src|test|webview|bench|scripts)\//.test(e) || /\.(ts|map)$/.test(e) || e.includes('tfjs-node'));
  assert.deepEqual(leaked, []);
});

test('the packaged engine trains on the wasm backend and explains a prediction from its own files', async () => {
  const ext = join(root, 'unpacked', 'extension');
  const ws = await createSampleWorkspace(join(root, 'work'));
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [join(ext, 'dist', 'cli.js'), ...args], { cwd: join(root, 'work'), encoding: 'utf8', timeout: 240_000 });

  const train = cli(['train', ws.datasetFolder, '--epochs', '1', '--workers', '1', '--cache-dir', join(root, 'cache'), '--json']);
  assert.equal(train.status, 0, `packaged CLI training failed:\n${train.stderr}`);
  const outcome = JSON.parse(train.stdout) as { tag: string; run: { backend: string; id: string } };
  assert.equal(outcome.tag, 'completed');
  assert.equal(outcome.run.backend, 'wasm', 'without tfjs-node the package falls back to its own WebAssembly backend');

  const runFolder = join(root, 'work', '.fracture-cnn', 'runs', outcome.run.id);
  const image = join(ws.datasetFolder, 'fractured', classImages(ws.datasetFolder, 'fractured')[0]);
  const overlays = join(root, 'overlays');
  const predict = cli(['predict', runFolder, image, '--gradcam', overlays, '--json']);
  assert.equal(predict.status, 0, `packaged CLI prediction failed:\n${predict.stderr}`);
  assert.ok(existsSync(overlays) && readdirSync(overlays).some((f) => f.endsWith('.png')), 'a Grad-CAM overlay PNG was written');
});
