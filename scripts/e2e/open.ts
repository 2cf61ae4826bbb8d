// `npm run vscode`: the product in a real VS Code for anyone without a desktop one. Builds and
// packages the extension, installs it into code-server (cached under .cache/), writes the sample
// workspace once, serves it on 127.0.0.1 and prints the address. Ctrl+C stops the server.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureCodeServer } from './codeServer';
import { freePort, installExtension, startCodeServer, writeUserSettings } from './server';
import { generateSampleDataset } from '../../src/engine/data/sample';
import { writeWorkspaceSettings } from './workspace';

const repoRoot = resolve(__dirname, '..', '..');

async function portToUse(): Promise<number> {
  if (process.env.PORT) return Number(process.env.PORT);
  // 8080 when it is free, so the address stays the same between runs.
  const probe = await import('node:net').then(
    (net) =>
      new Promise<boolean>((ok) => {
        const srv = net.createServer();
        srv.once('error', () => ok(false));
        srv.listen(8080, '127.0.0.1', () => srv.close(() => ok(true)));
      }),
  );
  return probe ? 8080 : freePort();
}

function run(args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${r.status})`);
}

export async function main(argv: string[]): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  console.log('Building and packaging the extension…');
  run(['esbuild.mjs', '--production']);
  run(['scripts/package.mjs']);
  const arch = process.arch === 'arm' ? 'armhf' : process.arch;
  const vsix = join(repoRoot, `${manifest.name}-${manifest.version}-${process.platform}-${arch}.vsix`);

  const codeServerDir = ensureCodeServer();
  const home = join(repoRoot, '.cache', 'vscode');
  const dirs = { extensionsDir: join(home, 'extensions'), userDataDir: join(home, 'user-data') };
  let workspace = argv[0] ? resolve(argv[0]) : join(home, 'workspace');
  if (!argv[0]) {
    if (!existsSync(join(workspace, 'sample-data'))) {
      console.log(`Writing the sample dataset into ${join(workspace, 'sample-data')}…`);
      mkdirSync(workspace, { recursive: true });
      await generateSampleDataset(join(workspace, 'sample-data'));
    }
    if (!existsSync(join(workspace, '.vscode', 'settings.json'))) {
      writeWorkspaceSettings(workspace, { 'fractureCnn.datasetFolder': 'sample-data' });
    }
  }
  workspace = resolve(workspace);
  if (!existsSync(join(dirs.userDataDir, 'User', 'settings.json'))) writeUserSettings(dirs.userDataDir);
  installExtension(codeServerDir, vsix, dirs);

  const port = await portToUse();
  const server = await startCodeServer(codeServerDir, workspace, dirs, join(home, 'code-server.log'), port);
  console.log(`\nFracture CNN in code-server: ${server.url}`);
  console.log(`(workspace ${workspace}; server log ${server.logFile}; Ctrl+C stops it)`);
  const stop = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise<void>((r) => server.process.once('exit', () => r()));
  console.log('code-server exited.');
}
