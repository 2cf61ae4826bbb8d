// Starts the training process the way the extension does: node IPC transport, run as plain node
// even inside Electron. Free of 'vscode' so tests start the very same process.
import { fork, type ChildProcess } from 'node:child_process';
import { IPCMessageReader, IPCMessageWriter, type MessageReader, type MessageWriter } from 'vscode-languageserver-protocol/node';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TrainingProcess {
  readonly child: ChildProcess;
  readonly reader: MessageReader;
  readonly writer: MessageWriter;
  /** Settles once, when the process has gone. */
  readonly exited: Promise<ProcessExit>;
}

export interface ForkOptions {
  cwd?: string;
  /** Receives what the process writes to stdout and stderr. */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  env?: NodeJS.ProcessEnv;
}

export function forkTrainingProcess(serverModule: string, options: ForkOptions = {}): TrainingProcess {
  const child = fork(serverModule, ['--node-ipc', `--clientProcessId=${process.pid}`], {
    cwd: options.cwd,
    // Inside VS Code process.execPath is Electron; these make it behave as node.
    env: { ...process.env, ...options.env, ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1' },
    execArgv: [],
    silent: true,
  });
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => {
      if (child.exitCode !== null || child.pid === undefined) resolve({ code: child.exitCode ?? -1, signal: null });
    });
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (text: string) => options.onOutput?.(text, stream));
  }
  return { child, reader: new IPCMessageReader(child), writer: new IPCMessageWriter(child), exited };
}

/** Waits up to `ms` for the process to leave on its own, then kills it. */
export async function ensureExit(proc: TrainingProcess, ms: number): Promise<ProcessExit> {
  const timer = setTimeout(() => {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  }, ms);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}
