// Installs code-server 4.100.3 (VS Code 1.100, the last line running on node 20) into a cache
// folder, offline apart from the npm registry. Its own postinstall downloads ripgrep and node
// headers, so its steps are done here by hand: native modules are built from source against
// the local node headers and Debian's ripgrep is copied in. Idempotent: a finished install
// leaves a marker and is reused while its files are still there.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describeMissing, missingForCodeServerBuild, nodeHeadersDir, onPath } from './prerequisites';

export const CODE_SERVER_VERSION = '4.100.3';

const repoRoot = resolve(__dirname, '..', '..');

export function cacheDir(): string {
  return process.env.FRACTURE_CNN_CODE_SERVER_DIR ?? join(repoRoot, '.cache', `code-server-${CODE_SERVER_VERSION}`);
}

/** code-server's node entry point inside an install folder. */
export function entryPoint(dir = cacheDir()): string {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

const MARKER = '.fracture-cnn-installed.json';

/** Files whose absence means the install is broken (a native module did not build, say). */
function essentialFiles(dir: string): string[] {
  const cs = join(dir, 'node_modules', 'code-server');
  const vs = join(cs, 'lib', 'vscode');
  return [
    entryPoint(dir),
    join(vs, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    join(vs, 'node_modules', 'native-watchdog', 'build', 'Release', 'watchdog.node'),
    join(vs, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vs, 'node_modules.asar'),
    join(vs, 'extensions', 'node_modules'),
  ];
}

export function isInstalled(dir = cacheDir()): boolean {
  const marker = join(dir, MARKER);
  if (!existsSync(marker)) return false;
  try {
    const info = JSON.parse(readFileSync(marker, 'utf8')) as { version?: string; modules?: string };
    if (info.version !== CODE_SERVER_VERSION || info.modules !== process.versions.modules) return false;
  } catch {
    return false;
  }
  return essentialFiles(dir).every((f) => existsSync(f));
}

function step(log: string, title: string, cwd: string, cmd: string, args: string[], env: NodeJS.ProcessEnv, allowFailure = false): void {
  appendFileSync(log, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  appendFileSync(log, (r.stdout ?? '') + (r.stderr ?? ''));
  if ((r.status !== 0 || r.error) && !allowFailure) {
    const tail = ((r.stdout ?? '') + (r.stderr ?? '')).split('\n').slice(-25).join('\n');
    throw new Error(`code-server install failed at "${title}" (exit ${r.status ?? r.error?.message}).\n${tail}\nFull log: ${log}`);
  }
}

function npmCli(): string {
  // npm's own JS entry next to this node, so the same node runs it.
  const nextToNode = join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  if (existsSync(nextToNode)) return nextToNode;
  const fromPath = onPath('npm');
  if (!fromPath) throw new Error('npm not found next to node nor on PATH');
  return fromPath;
}

/** Installs code-server into the cache folder unless a working install is already there; returns its folder. */
export function ensureCodeServer(say: (line: string) => void = (l) => console.log(l)): string {
  const dir = cacheDir();
  if (isInstalled(dir)) return dir;
  const missing = missingForCodeServerBuild();
  if (missing.length) throw new Error(describeMissing(missing));

  const started = Date.now();
  const staging = `${dir}.partial-${process.pid}`;
  const log = `${dir}.install.log`;
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  writeFileSync(log, `code-server ${CODE_SERVER_VERSION} install, ${new Date().toISOString()}\n`);
  say(`Installing code-server ${CODE_SERVER_VERSION} into ${dir} (about a minute; log: ${log})`);

  const nodedir = nodeHeadersDir()!;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_nodedir: nodedir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_unsafe_perm: 'true',
  };
  const npm = npmCli();
  const node = process.execPath;
  const cs = join(staging, 'node_modules', 'code-server');
  const vs = join(cs, 'lib', 'vscode');
  const nodeGyp = join(dirname(npm), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');

  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }, null, 2));
  say('  1/5 npm install code-server');
  step(log, 'npm install code-server', staging, node, [npm, 'install', '--ignore-scripts', '--no-save', `code-server@${CODE_SERVER_VERSION}`], env);
  say('  2/5 build argon2');
  step(log, 'build argon2', staging, node, [npm, 'rebuild', 'argon2', '--build-from-source'], env);
  say('  3/5 VS Code server modules (node-pty, kerberos, spdlog)');
  step(log, 'npm install lib/vscode', vs, node, [npm, 'install', '--omit=dev', '--ignore-scripts'], env);
  // node-pty's post-build step fails after pty.node is built; the file is what matters.
  // native-watchdog lets the extension host notice a dead server; without it the host logs an error.
  step(log, 'rebuild kerberos node-pty native-watchdog', vs, node, [npm, 'rebuild', 'kerberos', 'node-pty', 'native-watchdog'], env, true);
  const pty = join(vs, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node');
  if (!existsSync(pty)) throw new Error(`code-server install failed: ${pty} was not built. Full log: ${log}`);
  step(log, 'build @vscode/spdlog', join(vs, 'node_modules', '@vscode', 'spdlog'), node, [nodeGyp, 'rebuild', `--nodedir=${nodedir}`], env);

  say('  4/5 ripgrep and links');
  const rgDir = join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgDir, { recursive: true });
  copyFileSync(onPath('rg')!, join(rgDir, 'rg'));
  const link = (target: string, path: string): void => {
    rmSync(path, { force: true });
    symlinkSync(target, path);
  };
  link('node_modules', join(vs, 'node_modules.asar'));
  link('code-linux.sh', join(vs, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', join(vs, 'bin', 'helpers', 'browser.sh'));

  say('  5/5 built-in extensions');
  step(log, 'npm install lib/vscode/extensions', join(vs, 'extensions'), node, [npm, 'install', '--omit=dev', '--ignore-scripts'], env);

  writeFileSync(
    join(staging, MARKER),
    JSON.stringify({ version: CODE_SERVER_VERSION, modules: process.versions.modules, installedAt: new Date().toISOString() }, null, 2),
  );
  const missingFiles = essentialFiles(staging).filter((f) => !existsSync(f));
  if (missingFiles.length) throw new Error(`code-server install incomplete, missing:\n  ${missingFiles.join('\n  ')}\nFull log: ${log}`);
  // Swap in the finished folder in one rename so an interrupted install never looks complete.
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  say(`code-server ${CODE_SERVER_VERSION} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}
