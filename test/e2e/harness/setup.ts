// What every end-to-end test needs before it opens a browser: the machine's prerequisites,
// code-server in the cache folder (installed on first use, about a minute) and a .vsix built
// from the current sources (rebuilt only when a source is newer than the last one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureCodeServer } from '../../../scripts/e2e/codeServer';
import { describeMissing, missingForBrowser, missingForCodeServerBuild } from '../../../scripts/e2e/prerequisites';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const artifactsDir = join(repoRoot, 'test-artifacts', 'e2e');

export interface Prepared {
  codeServerDir: string;
  vsix: string;
  setupSeconds: { codeServer: number; vsix: number };
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

function vsixPath(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const arch = process.arch === 'arm' ? 'armhf' : process.arch;
  return join(repoRoot, `${manifest.name}-${manifest.version}-${process.platform}-${arch}.vsix`);
}

/** Builds the .vsix with `npm run package`'s two steps unless one newer than every input exists. */
export function ensureVsix(): string {
  const vsix = vsixPath();
  const inputs = ['src', 'webview', 'media', 'package.json', 'esbuild.mjs', 'scripts/package.mjs', '.vscodeignore', 'README.md'];
  const newestInput = Math.max(...inputs.map((p) => newestMtime(join(repoRoot, p))));
  if (existsSync(vsix) && statSync(vsix).mtimeMs > newestInput) return vsix;
  for (const args of [['esbuild.mjs', '--production'], ['scripts/package.mjs']]) {
    const r = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  }
  if (!existsSync(vsix)) throw new Error(`scripts/package.mjs did not write ${vsix}`);
  return vsix;
}

let prepared: Prepared | undefined;

/** Checks the machine, installs code-server if needed and packages the extension; once per test process. */
export function prepare(): Prepared {
  if (prepared) return prepared;
  const missing = [...missingForBrowser()];
  const t0 = Date.now();
  let codeServerDir: string;
  try {
    codeServerDir = ensureCodeServer((line) => console.log(`# ${line}`));
  } catch (err) {
    const buildMissing = missingForCodeServerBuild();
    if (buildMissing.length || missing.length) throw new Error(describeMissing([...buildMissing, ...missing]));
    throw err;
  }
  if (missing.length) throw new Error(describeMissing(missing));
  const t1 = Date.now();
  const vsix = ensureVsix();
  const t2 = Date.now();
  prepared = { codeServerDir, vsix, setupSeconds: { codeServer: (t1 - t0) / 1000, vsix: (t2 - t1) / 1000 } };
  return prepared;
}

/**
 * One end-to-end session at a time on this machine, whatever the test runner's concurrency:
 * each holds a code-server, an extension host, a training process and a browser.
 * A lock left by a process that no longer exists is taken over.
 */
export async function acquireSessionLock(): Promise<() => void> {
  const lock = join(repoRoot, '.cache', 'e2e-session.lock');
  mkdirSync(dirname(lock), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // being written or removed right now
      }
      if (Number.isInteger(owner) && owner > 0 && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (!waited) console.log(`# waiting for the end-to-end session of process ${owner} (lock ${lock})`);
      waited = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
