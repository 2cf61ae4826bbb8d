// A finished training run already in the workspace before VS Code opens, trained by the
// project's own command line on the same data: scenarios that need "a previous model" start
// from it instead of training through the UI again.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './setup';

export function trainWithCli(workspace: string, datasetName: string, extraArgs: string[] = []): string {
  const runs = join(workspace, '.fracture-cnn', 'runs');
  const args = [
    join(repoRoot, 'dist', 'cli.js'),
    'train',
    datasetName,
    '--epochs', '2',
    '--batch-size', '16',
    '--backend', 'wasm',
    '--workers', '1',
    '--runs-dir', runs,
    '--cache-dir', join(workspace, '..', 'decode-cache'),
    ...extraArgs,
  ];
  const r = spawnSync(process.execPath, args, { cwd: workspace, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`seeding a run with the CLI failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  const folders = readdirSync(runs);
  if (folders.length !== 1) throw new Error(`expected one seeded run in ${runs}, found: ${folders.join(', ')}`);
  return join(runs, folders[0]);
}
