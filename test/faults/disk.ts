// A full disk under the runs folder: a small tmpfs, filled to a random level before a training,
// or filled while it runs and freed after its first epoch.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultContext } from './context';
import { checkAfterFault, checkConsistent, checkSettled, hashTree, record, recordCheck, runCli, startCli, TRAIN_ARGS, whenFileAppears } from './support';

/** Leaves about `free` bytes free on the file system of `dir` with a filler file; returns its path. */
function fillTo(dir: string, free: number): string {
  const filler = join(dir, `filler-${Date.now()}`);
  const st = statfsSync(dir);
  const avail = Number(st.bavail) * Number(st.bsize);
  const size = Math.max(0, avail - free);
  try {
    writeFileSync(filler, Buffer.alloc(size));
  } catch {
    // ENOSPC part way: the disk is as full as it gets.
  }
  return filler;
}

/** Runs the disk-full faults; returns why they were skipped, if they were. */
export async function diskFaults(ctx: FaultContext, points: number): Promise<string | undefined> {
  if (process.getuid?.() !== 0) return 'disk-full faults need root (mount -t tmpfs); skipped';
  const mnt = join(ctx.dir, 'small-disk');
  mkdirSync(mnt, { recursive: true });
  const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt], { encoding: 'utf8' });
  if (m.status !== 0) return `cannot mount a tmpfs (${m.stderr.trim()}); disk-full faults skipped`;
  try {
    const runsFolder = join(mnt, 'runs');
    const args = ['train', ctx.data, ...TRAIN_ARGS, '--runs-dir', runsFolder, '--cache-dir', ctx.cacheDir];
    const first = runCli(args, ctx.dir);
    if (first.code !== 0) throw new Error(`baseline training on the small disk failed: ${first.stderr}`);
    const baseFolder = join(runsFolder, readdirSync(runsFolder)[0]);
    const baseline = { folder: baseFolder, hashes: hashTree(baseFolder) };

    for (let i = 0; i < points; i++) {
      // From nothing free to a little more than one run needs (about 450 KB of model).
      const free = Math.floor(ctx.rng() * 700_000);
      const filler = fillTo(mnt, free);
      const r = runCli(args, ctx.dir);
      const { problems, lost } = await checkAfterFault(runsFolder, baseline, ctx.image);
      problems.push(...(await checkConsistent(runsFolder)));
      if (r.code === null) problems.push('the CLI hung or crashed');
      else if (r.code !== 0 && !/fracture-cnn: /.test(r.stderr)) problems.push(`exit ${r.code} without saying why`);
      rmSync(filler, { force: true });
      record(`disk full with ${free} bytes free`, problems, lost);
      // Runs that completed take room the next points need: remove them, as a user would.
      for (const name of readdirSync(runsFolder)) if (join(runsFolder, name) !== baseFolder) rmSync(join(runsFolder, name), { recursive: true, force: true });
    }

    // Full from the moment the run's first run.json exists until epoch 2 has ended: the updates
    // after epoch 1 (and maybe 2) meet a full disk, the run must still complete with its model.
    const cli = startCli(args, ctx.dir);
    let filler: string | undefined;
    let early = false;
    const fill = whenFileAppears(runsFolder, /^run\.json$/, () => {
      early = !/Epoch 1\/3/.test(cli.stdout());
      filler = fillTo(mnt, 0);
    });
    const freed = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if ((filler && /Epoch 2\/3/.test(cli.stdout())) || cli.child.exitCode !== null) {
          clearInterval(poll);
          if (filler) rmSync(filler, { force: true });
          resolve();
        }
      }, 2);
    });
    const code = await cli.exited;
    await freed;
    fill.stop();
    if (!filler || !early) throw new Error('the disk could not be filled before epoch 1 ended');
    const { problems, lost } = await checkAfterFault(runsFolder, baseline, ctx.image);
    problems.push(...(await checkConsistent(runsFolder)));
    if (code !== 0) problems.push(`a disk full only around epoch 1 failed the run: ${cli.stderr().slice(-400)}`);
    record('disk full around epochs 1 and 2, then freed', problems, lost);

    // With room again, the next training completes and puts every earlier failure right.
    const next = runCli(args, ctx.dir);
    const settled = await checkSettled(runsFolder);
    const after = await checkAfterFault(runsFolder, baseline, ctx.image);
    if (next.code !== 0) settled.push(`the next training failed: ${next.stderr.slice(-400)}`);
    recordCheck('training after the full disk', [...settled, ...after.problems], after.lost);
    return undefined;
  } finally {
    spawnSync('umount', [mnt]);
  }
}
