import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OverlayStore } from '../../src/views/classify/overlayStore';
import { tempDir } from '../engine/helpers/images';

test("one window's overlay cleanup never deletes the overlays another open window shows", async () => {
  const base = tempDir();
  // Two windows: two extension host processes sharing one global storage folder.
  const a = new OverlayStore(base, `window-${process.pid}`);
  const b = new OverlayStore(base, `window-${process.ppid}`);
  const b1 = await b.newFolder();
  const a1 = await a.newFolder();
  const a2 = await a.newFolder();
  await a.keepOnly(a2);
  assert.ok(existsSync(b1), "the other window's overlay is kept");
  assert.ok(existsSync(a2));
  assert.ok(!existsSync(a1), "this window's older overlay is removed");
});

test('overlays of windows that have closed, and old ones of unknown owner, are removed', async () => {
  const base = tempDir();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const closed = join(base, `window-${dead}`, '1-abc');
  mkdirSync(closed, { recursive: true });
  const legacy = join(base, '1700000000000-abcdef');
  mkdirSync(legacy);
  const old = new Date(Date.now() - 3 * 24 * 3600_000);
  utimesSync(legacy, old, old);
  const store = new OverlayStore(base);
  const now = await store.newFolder();
  await store.keepOnly(now);
  assert.ok(!existsSync(closed));
  assert.ok(!existsSync(legacy));
  assert.ok(existsSync(now));
});
