// One code-server instance with the packaged extension installed into its own extensions and
// user-data folders, serving one workspace on 127.0.0.1. Used by the end-to-end tests and by
// `npm run vscode`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { entryPoint } from './codeServer';

export interface SessionDirs {
  extensionsDir: string;
  userDataDir: string;
}

export const USER_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'workbench.tips.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
};

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

function codeServerEnv(dirs: SessionDirs): NodeJS.ProcessEnv {
  // Keep code-server from writing its default config into the user's home folder.
  const config = join(dirs.userDataDir, 'code-server.yaml');
  if (!existsSync(config)) writeFileSync(config, 'auth: none\ncert: false\n');
  return { ...process.env, CODE_SERVER_CONFIG: config };
}

export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2));
}

/** Installs a .vsix with code-server's own CLI; throws with its output when it does not report success. */
export function installExtension(codeServerDir: string, vsix: string, dirs: SessionDirs): void {
  mkdirSync(dirs.extensionsDir, { recursive: true });
  mkdirSync(dirs.userDataDir, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [entryPoint(codeServerDir), '--extensions-dir', dirs.extensionsDir, '--user-data-dir', dirs.userDataDir, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', env: codeServerEnv(dirs), timeout: 120_000 },
  );
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server could not install ${vsix} (exit ${r.status}):\n${output}`);
  }
}

export interface RunningServer {
  port: number;
  /** The workbench URL with the workspace folder open. */
  url: string;
  process: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

async function waitForHealth(port: number, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before serving; see ${logFile}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer on port ${port} within ${timeoutMs / 1000} s; see ${logFile}`);
}

// Process groups of servers still running, killed if this process exits without stopping them
// (an interrupted test run), so no code-server or training process outlives its test.
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Starts code-server on a free 127.0.0.1 port and waits until it answers. */
export async function startCodeServer(
  codeServerDir: string,
  workspace: string,
  dirs: SessionDirs,
  logFile: string,
  port?: number,
): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  const log = createWriteStream(logFile);
  const args = [
    entryPoint(codeServerDir),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${chosen}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--extensions-dir', dirs.extensionsDir,
    '--user-data-dir', dirs.userDataDir,
    workspace,
  ];
  // Own process group, so stopping it also ends the extension host and the training process it started.
  const child = spawn(process.execPath, args, { env: codeServerEnv(dirs), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const stop = async (): Promise<void> => {
    if (child.pid !== undefined) liveGroups.delete(child.pid);
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const signal = (s: NodeJS.Signals): void => {
      try {
        process.kill(-child.pid!, s);
      } catch {
        // already gone
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    // Children that outlived the leader (the training process) share its group.
    signal('SIGKILL');
  };
  try {
    await waitForHealth(chosen, child, logFile, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `http://127.0.0.1:${chosen}/?folder=${encodeURIComponent(workspace)}`;
  return { port: chosen, url, process: child, logFile, stop };
}

/** Log files code-server wrote under a user-data folder (the extension host's among them). */
export function logFiles(userDataDir: string): string[] {
  const root = join(userDataDir, 'logs');
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.log')) out.push(p);
    }
  };
  walk(root);
  return out;
}
