// One training process with its LanguageClient. The process is forked by forkTrainingProcess
// (node IPC, as ServerOptions {module, transport: ipc} would) so that its exit code is ours to
// report; the client never restarts it on its own, the ProcessSupervisor does, on the next command.
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  type ErrorHandler,
  type LanguageClientOptions,
  type MessageTransports,
} from 'vscode-languageclient/node';
import { ensureExit, forkTrainingProcess, type ProcessExit, type TrainingProcess } from './serverProcess';
import type { Supervised } from './supervisor';
import { showProgressAsNotifications } from './progressUi';

/** The errors are reported once by the supervisor when the process exits; nothing restarts here. */
class QuietErrorHandler implements ErrorHandler {
  constructor(private readonly output: vscode.LogOutputChannel) {}
  error(error: Error): { action: ErrorAction; handled: boolean } {
    this.output.warn(`Connection to the training process: ${error.message}`);
    return { action: ErrorAction.Continue, handled: true };
  }
  closed(): { action: CloseAction; handled: boolean; message: string } {
    return { action: CloseAction.DoNotRestart, handled: true, message: 'Connection to the training process closed; a new one starts on the next command.' };
  }
}

export class TrainingClient implements Supervised {
  readonly exited: Promise<ProcessExit>;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    readonly client: LanguageClient,
    private readonly proc: TrainingProcess,
  ) {
    this.exited = proc.exited;
    void this.exited.then(() => this.dispose());
  }

  /** Forks the process, connects, and lets `wire` register notification handlers before the first message. */
  static async start(
    serverModule: string,
    output: vscode.LogOutputChannel,
    wire: (client: LanguageClient) => vscode.Disposable[],
  ): Promise<TrainingClient> {
    let proc: TrainingProcess | undefined;
    const serverOptions = (): Promise<MessageTransports> => {
      proc = forkTrainingProcess(serverModule, {
        onOutput: (text, stream) => {
          for (const line of text.split(/\r?\n/)) if (line.trim()) (stream === 'stderr' ? output.warn(line) : output.info(line));
        },
      });
      return Promise.resolve({ reader: proc.reader, writer: proc.writer, detached: false });
    };
    const clientOptions: LanguageClientOptions = {
      outputChannel: output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: new QuietErrorHandler(output),
      initializationFailedHandler: () => false,
      connectionOptions: { maxRestartCount: 0 },
    };
    const client = new LanguageClient('fractureCnn', 'Fracture CNN training process', serverOptions, clientOptions);
    const wired = wire(client);
    try {
      await client.start();
    } catch (error) {
      if (proc) await ensureExit(proc, 1000);
      for (const d of wired) d.dispose();
      throw error;
    }
    if (!proc) throw new Error('The training process did not start.');
    const handle = new TrainingClient(client, proc);
    handle.disposables.push(...wired, showProgressAsNotifications(client));
    output.info(`Training process started (pid ${proc.child.pid}).`);
    return handle;
  }

  get pid(): number | undefined {
    return this.proc.child.pid;
  }

  async stop(): Promise<void> {
    try {
      if (this.client.isRunning()) await this.client.stop(3000);
    } catch {
      // A process that does not answer shutdown is killed below.
    }
    await ensureExit(this.proc, 2000);
    this.dispose();
  }

  private dispose(): void {
    for (const d of this.disposables.splice(0)) {
      try {
        d.dispose();
      } catch {
        // Handlers of a closed connection may refuse to be removed; they are gone with it.
      }
    }
  }
}
