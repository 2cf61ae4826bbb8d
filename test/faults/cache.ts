// A damaged pixel cache: its index or its pixel segments broken between two trainings.
import { readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listRuns, readRun } from '../../src/engine/runs/store';
import type { FaultContext } from './context';
import { checkAfterFault, record, runCli, TRAIN_ARGS } from './support';

function filesNamed(dir: string, test: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesNamed(p, test));
    else if (test(name)) out.push(p);
  }
  return out;
}

const DAMAGES: [string, (cacheDir: string, rng: () => number) => void][] = [
  ['index.json with "entries": null', (c) => {
    for (const f of filesNamed(c, (n) => n === 'index.json')) writeFileSync(f, JSON.stringify({ ...JSON.parse(readFileSync(f, 'utf8')), entries: null }));
  }],
  ['index.json cut short', (c) => {
    for (const f of filesNamed(c, (n) => n === 'index.json')) writeFileSync(f, readFileSync(f).subarray(0, 50));
  }],
  ['pixel segments cut in half', (c) => {
    for (const f of filesNamed(c, (n) => n.startsWith('seg-'))) truncateSync(f, Math.floor(statSync(f).size / 2));
  }],
  ['random bytes flipped in the pixel segments', (c, rng) => {
    for (const f of filesNamed(c, (n) => n.startsWith('seg-'))) {
      const b = readFileSync(f);
      for (let i = 0; i < 64; i++) b[Math.floor(rng() * b.length)] ^= 0xff;
      writeFileSync(f, b);
    }
  }],
  ['index.json entries pointing at files outside the cache', (c) => {
    for (const f of filesNamed(c, (n) => n === 'index.json')) {
      const idx = JSON.parse(readFileSync(f, 'utf8'));
      for (const k of Object.keys(idx.entries)) idx.entries[k] = ['../../../../../../etc/passwd', 0, 0];
      writeFileSync(f, JSON.stringify(idx));
    }
  }],
];

export async function cacheFaults(ctx: FaultContext): Promise<void> {
  const args = ['train', ctx.data, ...TRAIN_ARGS, '--runs-dir', ctx.runsFolder, '--cache-dir', ctx.cacheDir];
  for (const [name, damage] of DAMAGES) {
    damage(ctx.cacheDir, ctx.rng);
    const r = runCli(args, ctx.dir);
    const { problems, lost } = await checkAfterFault(ctx.runsFolder, ctx.baseline, ctx.image);
    if (r.code !== 0) problems.push(`the training after it failed: ${r.stderr.slice(-400)}`);
    else {
      const newest = (await listRuns(ctx.runsFolder)).find((x) => x.state === 'completed');
      const skipped = newest ? (await readRun(newest.folder)).dataset?.skipped ?? [] : [];
      if (skipped.length) problems.push(`${skipped.length} images were skipped after the cache was damaged`);
    }
    record(`cache: ${name}`, problems, lost);
  }
}
