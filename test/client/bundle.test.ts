import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('extension host bundle and manifest', () => {
  test('dist/extension.js loads neither TensorFlow.js nor sharp, only node built-ins and vscode', () => {
    const bundle = readFileSync(join(root, 'dist', 'extension.js'), 'utf8');
    const required = new Set([...bundle.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]));
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const foreign = [...required].filter((name) => name !== 'vscode' && !builtins.has(name));
    assert.deepEqual(foreign, [], 'the extension host bundle requires nothing outside itself');
    assert.doesNotMatch(bundle, /@tensorflow\/|tfjs-core|tfjs-backend|require\(["']sharp["']\)/);
  });

  test('the training process bundle is the one that holds the engine', () => {
    const server = readFileSync(join(root, 'dist', 'server.js'), 'utf8');
    assert.match(server, /fractureCnn\/train/);
  });

  test('activation waits for our commands and the Runs view, never start-up', () => {
    const events: string[] = manifest.activationEvents;
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'));
    assert.ok(events.includes('onView:fractureCnn.runs'));
    for (const e of events) assert.match(e, /^(onView|onCommand|onWebviewPanel):fractureCnn\./);
  });

  test('runs where the workspace files are (remote workspaces)', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
  });

  test('every command this part registers is contributed', () => {
    const contributed = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    for (const id of ['fractureCnn.train', 'fractureCnn.trainOnFolder', 'fractureCnn.cancelTraining', 'fractureCnn.selectDataset', 'fractureCnn.openReport']) {
      assert.ok(contributed.has(id), id);
    }
  });
});
