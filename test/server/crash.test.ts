import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogNotification } from '../../src/protocol/training';
import { startServer } from './harness';

test('an unexpected error in the training process is reported as a log line and ends it with a non-zero code', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fcnn crash-'));
  // Preloaded into the real process: throws from a timer when told to, like a bug in a callback would.
  const preload = join(dir, 'throw-on-signal.js');
  await writeFile(preload, "process.on('SIGUSR2', () => setImmediate(() => { throw new Error('boom from a callback'); }));\n");
  const server = await startServer({ NODE_OPTIONS: `--require ${JSON.stringify(preload)}` });
  try {
    const logged = server.notifications.waitFor<{ level: string; message: string }>(LogNotification, (n) => n.level === 'error');
    server.proc.child.kill('SIGUSR2');
    const line = await logged;
    assert.match(line.message, /failed unexpectedly \(uncaught exception\).*boom from a callback/s);
    const exit = await server.exited;
    assert.notEqual(exit.code, 0);
    assert.equal(exit.signal, null);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
