// kill -9 of the CLI's training at random moments, and at the moments files of the model save
// appear (watched with inotify, so no hook in the engine is needed).
import { checkAfterFault, checkSettled, record, runCli, startCli, TRAIN_ARGS, whenFileAppears } from './support';
import type { FaultContext } from './context';

/** Files whose appearance in the run folder marks a moment worth killing at. */
const MOMENTS: [string, RegExp][] = [
  ['first run.json', /^run\.json$/],
  ['model save (temporary folder)', /^\.model\.\d+\.[0-9a-f]+\.tmp$/],
  ['model renamed into place', /^model$/],
  ['reports being written', /^\.(report\.md|classification_report\.txt|model_summary\.txt|training_time\.txt)\.\d+\.[0-9a-f]+\.tmp$/],
];

/**
 * Right after the kill, readers must not see a running run and nothing earlier may have changed;
 * then the next training must complete and leave every run folder consistent on disk.
 */
async function afterKill(ctx: FaultContext, args: string[]): Promise<{ problems: string[]; lost: boolean }> {
  const now = await checkAfterFault(ctx.runsFolder, ctx.baseline, ctx.image);
  const next = runCli(args, ctx.dir);
  if (next.code !== 0) now.problems.push(`the next training failed: ${next.stderr.slice(-300)}`);
  now.problems.push(...(await checkSettled(ctx.runsFolder)));
  return now;
}

export async function killFaults(ctx: FaultContext, randomPoints: number): Promise<void> {
  const args = ['train', ctx.data, ...TRAIN_ARGS, '--runs-dir', ctx.runsFolder, '--cache-dir', ctx.cacheDir];
  // Named moments first, several times each (the watcher may land a little after the moment).
  for (const [name, pattern] of [...MOMENTS, ...MOMENTS.slice(1, 3)]) {
    const cli = startCli(args, ctx.dir);
    const w = whenFileAppears(ctx.runsFolder, pattern, () => {
      try {
        process.kill(cli.child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const code = await cli.exited;
    w.stop();
    const { problems, lost } = await afterKill(ctx, args);
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
    const { problems, lost } = await afterKill(ctx, args);
    record(`kill -9 after ${delay} ms`, problems, lost);
  }
}
