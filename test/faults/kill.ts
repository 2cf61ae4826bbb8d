// kill -9 of the CLI's training at random moments, and at the moments files of the model save
// appear (watched with inotify, so no hook in the engine is needed).
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { checkAfterFault, record, startCli, TRAIN_ARGS } from './support';
import type { FaultContext } from './context';

/** Files whose appearance in the run folder marks a moment worth killing at. */
const MOMENTS: [string, RegExp][] = [
  ['first run.json', /^run\.json$/],
  ['model save (temporary folder)', /^\.model\.\d+\.[0-9a-f]+\.tmp$/],
  ['model renamed into place', /^model$/],
  ['reports being written', /^\.(report\.md|classification_report\.txt|model_summary\.txt|training_time\.txt)\.\d+\.[0-9a-f]+\.tmp$/],
];

/** Kills `pid` with SIGKILL as soon as a file matching `pattern` appears in a new run folder of runsFolder. */
function killWhenSeen(runsFolder: string, pattern: RegExp, pid: number): { stop: () => void; hit: () => boolean } {
  const watchers: FSWatcher[] = [];
  let hit = false;
  const fire = () => {
    if (hit) return;
    hit = true;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const watchRun = (folder: string) => {
    try {
      watchers.push(watch(folder, (_e, name) => name && pattern.test(name) && fire()));
    } catch {
      // the folder went away
    }
  };
  watchers.push(
    watch(runsFolder, (_e, name) => {
      if (name && !name.startsWith('.') && existsSync(join(runsFolder, name))) watchRun(join(runsFolder, name));
    }),
  );
  return { stop: () => watchers.forEach((w) => w.close()), hit: () => hit };
}

export async function killFaults(ctx: FaultContext, randomPoints: number): Promise<void> {
  const args = ['train', ctx.data, ...TRAIN_ARGS, '--runs-dir', ctx.runsFolder, '--cache-dir', ctx.cacheDir];
  // Named moments first, several times each (the watcher may land a little after the moment).
  for (const [name, pattern] of [...MOMENTS, ...MOMENTS.slice(1, 3)]) {
    const cli = startCli(args, ctx.dir);
    const w = killWhenSeen(ctx.runsFolder, pattern, cli.child.pid!);
    const code = await cli.exited;
    w.stop();
    const { problems, lost } = await checkAfterFault(ctx.runsFolder, ctx.baseline, ctx.image);
    if (!w.hit()) problems.push(`the moment "${name}" never came (exit ${code}: ${cli.stderr().slice(-300)})`);
    record(`kill -9 at ${name}`, problems, lost);
  }
  // Random moments over the whole length of a training, from process start to exit.
  for (let i = 0; i < randomPoints; i++) {
    const cli = startCli(args, ctx.dir);
    const delay = Math.floor(ctx.rng() * ctx.trainMs);
    const timer = setTimeout(() => cli.child.kill('SIGKILL'), delay);
    await cli.exited;
    clearTimeout(timer);
    const { problems, lost } = await checkAfterFault(ctx.runsFolder, ctx.baseline, ctx.image);
    record(`kill -9 after ${delay} ms`, problems, lost);
  }
}
