// Starts dist/server.js exactly as the extension does (forkTrainingProcess, node IPC) and speaks
// JSON-RPC to it as a client that supports work-done progress.
import { join } from 'node:path';
import {
  createProtocolConnection,
  InitializeRequest,
  InitializedNotification,
  WorkDoneProgress,
  WorkDoneProgressCancelNotification,
  WorkDoneProgressCreateRequest,
  type ProgressToken,
  type ProtocolConnection,
  type WorkDoneProgressBegin,
  type WorkDoneProgressEnd,
  type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import {
  BatchProgressNotification,
  CrossValidationEndNotification,
  DidScanDatasetNotification,
  DidStartFoldNotification,
  EpochEndNotification,
  LogNotification,
  TrainingEndNotification,
} from '../../src/protocol/training';
import { ensureExit, forkTrainingProcess, type ProcessExit, type TrainingProcess } from '../../src/client/serverProcess';

export const serverModule = join(__dirname, '..', '..', 'dist', 'server.js');

export type ProgressEvent = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

export interface TestServer {
  proc: TrainingProcess;
  connection: ProtocolConnection;
  /** Every work-done progress the server created, with what it reported, in order. */
  progress: Map<string, ProgressEvent[]>;
  notifications: NotificationLog;
  output: string[];
  readonly exited: Promise<ProcessExit>;
  cancelProgress(token: ProgressToken): Promise<void>;
  stop(): Promise<void>;
}

export async function startServer(env?: NodeJS.ProcessEnv): Promise<TestServer> {
  const output: string[] = [];
  const proc = forkTrainingProcess(serverModule, { env, onOutput: (text) => output.push(text) });
  const connection = createProtocolConnection(proc.reader, proc.writer);
  const progress = new Map<string, ProgressEvent[]>();
  connection.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    const events: ProgressEvent[] = [];
    progress.set(String(token), events);
    connection.onProgress(WorkDoneProgress.type, token, (value) => events.push(value));
  });
  const notifications = new NotificationLog(connection, [
    DidScanDatasetNotification.method,
    BatchProgressNotification.method,
    EpochEndNotification.method,
    TrainingEndNotification.method,
    LogNotification.method,
    DidStartFoldNotification.method,
    CrossValidationEndNotification.method,
  ]);
  connection.listen();
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true } },
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return {
    proc,
    connection,
    progress,
    notifications,
    output,
    exited: proc.exited,
    cancelProgress: (token) => connection.sendNotification(WorkDoneProgressCancelNotification.type, { token }),
    async stop() {
      const gone = proc.child.exitCode !== null || proc.child.signalCode !== null;
      if (!gone) try {
        await Promise.race([connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000))]);
        await connection.sendNotification('exit');
      } catch {
        // Already gone.
      }
      await ensureExit(proc, 3000);
      connection.dispose();
    },
  };
}

/** Every notification the server sent, in order, with waiters for the ones still to come. */
export class NotificationLog {
  readonly all: { method: string; params: unknown }[] = [];
  private waiters: { method: string; test: (p: unknown) => boolean; resolve: (p: unknown) => void }[] = [];

  constructor(connection: ProtocolConnection, methods: string[]) {
    for (const method of methods) {
      connection.onNotification(method, (params: unknown) => {
        this.all.push({ method, params });
        this.waiters = this.waiters.filter((w) => {
          if (w.method !== method || !w.test(params)) return true;
          w.resolve(params);
          return false;
        });
      });
    }
  }

  of<P>(type: { method: string }): P[] {
    return this.all.filter((n) => n.method === type.method).map((n) => n.params as P);
  }

  /** The first notification of `type` (already received or still to come) that satisfies `test`. */
  waitFor<P>(type: { method: string }, test: (params: P) => boolean = () => true): Promise<P> {
    const seen = this.of<P>(type).find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => {
      this.waiters.push({ method: type.method, test: test as (p: unknown) => boolean, resolve: resolve as (p: unknown) => void });
    });
  }
}
