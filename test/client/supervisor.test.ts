import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TrainingStateRequest } from '../../src/protocol/training';
import type { ProcessExit } from '../../src/client/serverProcess';
import { ProcessSupervisor } from '../../src/client/supervisor';
import { startServer, type TestServer } from '../server/harness';

function supervise() {
  const crashes: { exit: ProcessExit; message: string }[] = [];
  const restarts: ProcessExit[] = [];
  let launches = 0;
  const supervisor = new ProcessSupervisor<TestServer>(
    async () => {
      launches++;
      return startServer();
    },
    { onCrash: (exit, message) => crashes.push({ exit, message }), onRestart: (exit) => restarts.push(exit) },
  );
  return { supervisor, crashes, restarts, launches: () => launches };
}

describe('ProcessSupervisor with the real training process', () => {
  test('starts nothing until first use, then one process shared by concurrent callers', async () => {
    const s = supervise();
    assert.equal(s.supervisor.running, false);
    assert.equal(s.launches(), 0);
    const [a, b] = await Promise.all([s.supervisor.get(), s.supervisor.get()]);
    assert.equal(a, b);
    assert.equal(s.launches(), 1);
    assert.equal((await a.connection.sendRequest(TrainingStateRequest, undefined)).running, undefined);
    await s.supervisor.dispose();
  });

  test('a killed process is reported with its signal and replaced on the next use', async () => {
    const s = supervise();
    const first = await s.supervisor.get();
    const firstPid = first.proc.child.pid;
    first.proc.child.kill('SIGKILL');
    await first.exited;
    await new Promise((r) => setImmediate(r));
    assert.equal(s.crashes.length, 1);
    assert.equal(s.crashes[0].exit.signal, 'SIGKILL');
    assert.match(s.crashes[0].message, /stopped unexpectedly \(signal SIGKILL\); it will restart on the next command/);
    assert.equal(s.supervisor.running, false, 'no restart loop: nothing runs until the next use');

    const second = await s.supervisor.get();
    assert.notEqual(second.proc.child.pid, firstPid);
    assert.equal(s.restarts.length, 1);
    assert.equal((await second.connection.sendRequest(TrainingStateRequest, undefined)).running, undefined);
    await s.supervisor.dispose();
    assert.equal(s.crashes.length, 1, 'a requested stop is not a crash');
  });

  test('a process that exits with an error code is reported with that code', async () => {
    const s = supervise();
    const proc = await s.supervisor.get();
    proc.connection.sendNotification('exit'); // exit without shutdown: the LSP server leaves with code 1
    await proc.exited;
    await new Promise((r) => setImmediate(r));
    assert.match(s.crashes[0]?.message ?? '', /\(exit code 1\)/);
    await s.supervisor.dispose();
  });
});
