// Keeps at most one training process: started lazily on first use, and after a crash started
// again on the next use (never in a loop), with a clear message about the crash.
import type { ProcessExit } from './serverProcess';

export interface Supervised {
  /** Settles when the process has gone, for whatever reason. */
  readonly exited: Promise<ProcessExit>;
  /** Asks the process to leave and waits until it has. */
  stop(): Promise<void>;
}

export interface SupervisorEvents {
  /** The process went away without being asked to. */
  onCrash?(exit: ProcessExit, message: string): void;
  /** A process is being started again after a crash. */
  onRestart?(previous: ProcessExit): void;
}

export function crashMessage(exit: ProcessExit): string {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  return `The Fracture CNN training process stopped unexpectedly (${how}); it will restart on the next command.`;
}

export class ProcessSupervisor<T extends Supervised> {
  private current: Promise<T> | undefined;
  private lastCrash: ProcessExit | undefined;
  private readonly stopping = new WeakSet<T>();
  private disposed = false;

  constructor(
    private readonly launch: () => Promise<T>,
    private readonly events: SupervisorEvents = {},
  ) {}

  /** The process, started first if none runs. Concurrent callers share one start. */
  get(): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('The Fracture CNN training process has been shut down.'));
    if (this.current) return this.current;
    const previous = this.lastCrash;
    this.lastCrash = undefined;
    if (previous) this.events.onRestart?.(previous);
    const starting = this.launch().then(
      (proc) => {
        void proc.exited.then((exit) => this.exited(starting, proc, exit));
        return proc;
      },
      (error: unknown) => {
        if (this.current === starting) this.current = undefined;
        throw error;
      },
    );
    this.current = starting;
    return starting;
  }

  /** True while a process is started or starting. */
  get running(): boolean {
    return this.current !== undefined;
  }

  /** The crash not yet followed by a restart, if any. */
  get crashed(): ProcessExit | undefined {
    return this.lastCrash;
  }

  async stop(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (!current) return;
    const proc = await current.catch(() => undefined);
    if (!proc) return;
    this.stopping.add(proc);
    await proc.stop();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
  }

  private exited(starting: Promise<T>, proc: T, exit: ProcessExit): void {
    if (this.current === starting) this.current = undefined;
    if (this.stopping.has(proc) || this.disposed) return;
    this.lastCrash = exit;
    this.events.onCrash?.(exit, crashMessage(exit));
  }
}
