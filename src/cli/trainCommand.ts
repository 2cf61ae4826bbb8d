// `fracture-cnn train`: dataset report, live progress, results; exit code from the outcome.
import { join, resolve } from 'node:path';
import { resolveConfig } from '../engine/config';
import { DatasetError } from '../engine/data/errors';
import { generateSampleDataset } from '../engine/data/sample';
import { GENERATOR_VERSION, inspectSampleFolder } from '../engine/data/synthetic/folder';
import { runTraining, type PipelineCallbacks } from '../engine/runs/pipeline';
import { crossValidateCommand } from './crossValidateCommand';
import type { TrainCommand } from './args';
import { EXIT } from './exitCodes';
import { datasetText, epochLine, resultsText } from './print';
import { formatDuration, ProgressLine } from './progress';

/** Where `train` with no folder keeps the built-in sample data: beside the runs, made once, reused after. */
export const SAMPLE_DIR = 'sample-data';
export const DEFAULT_RUNS_DIR = join('.fracture-cnn', 'runs');

/**
 * The sample folder to train on, written when needed. A set carrying the generator's manifest is
 * reused, or rewritten when an older generator drew it (the manifest lists every file, so nothing
 * else is touched). A set from before manifests existed is used as it is: its files cannot be told
 * from a user's own, so they are never deleted; the note says how to get the current set.
 */
async function sampleFolder(out: NodeJS.WriteStream): Promise<string> {
  const root = resolve(SAMPLE_DIR);
  const state = await inspectSampleFolder(root);
  if (state.kind === 'ours' && state.manifest.version === GENERATOR_VERSION) {
    out.write(`Using the built-in sample dataset in ${root}\n`);
    return root;
  }
  if (state.kind === 'unmarked') {
    out.write(`Using the sample dataset in ${root}, written by an older version; delete the folder to get the current one\n`);
    return root;
  }
  if (state.kind === 'foreign') {
    throw new DatasetError(root, `${root} exists but is not the built-in sample dataset (it holds files the generator did not write, such as ${state.files.slice(0, 3).join(', ')}); pass a dataset folder, or move it away`);
  }
  out.write(`${state.kind === 'ours' ? 'Rewriting the built-in sample dataset (drawn by an older version) in' : 'Writing the built-in sample dataset to'} ${root} ...\n`);
  const r = await generateSampleDataset(root);
  out.write(`  ${r.fractured} fractured and ${r.normal} normal synthetic radiographs\n`);
  return root;
}

export async function trainCommand(cmd: TrainCommand): Promise<number> {
  return (await runTrainCommand(cmd)).code;
}

type Outcome = Awaited<ReturnType<typeof runTraining>>;

/** Trains as `train` does; also hands back the outcome (the demo compares two). */
export async function runTrainCommand(cmd: TrainCommand): Promise<{ code: number; outcome?: Outcome }> {
  // With --json, stdout carries only the final JSON; people still see progress on stderr.
  const out = cmd.json ? process.stderr : process.stdout;
  const bar = new ProgressLine(out);
  const config = resolveConfig(cmd.config);
  let folder: string;
  try {
    folder = cmd.folder ?? (await sampleFolder(out));
  } catch (err) {
    if (!(err instanceof DatasetError)) throw err;
    process.stderr.write(`fracture-cnn: dataset error: ${err.message}\n`);
    return { code: EXIT.dataset };
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.cancelled);
    bar.clear();
    out.write(`Cancelling after the current batch${config.folds > 1 ? '; no further folds run' : ''} (Ctrl-C again to quit at once) ...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const callbacks: PipelineCallbacks = {
      onLog: (line) => {
        bar.clear();
        out.write(`${line}\n`);
      },
      onDecodeProgress: (done, total) => bar.update('Decoding', done, total, `${done}/${total} images`),
      onDataset: (report) => {
        bar.clear();
        out.write(datasetText(report));
      },
      onStart: (id, runFolder) => out.write(`Run ${id} in ${runFolder}\n`),
      onBatch: (p) =>
        bar.update(
          `Epoch ${p.epoch}/${p.epochs}`,
          p.batch,
          p.batches,
          `${p.batch}/${p.batches} loss ${p.loss.toFixed(4)} acc ${p.acc.toFixed(3)} ETA ${formatDuration(p.eta)}`,
        ),
      onEpoch: (m) => {
        bar.clear();
        out.write(epochLine(m, config.epochs));
      },
    };
    const runsFolder = cmd.runsDir ?? DEFAULT_RUNS_DIR;
    if (config.folds > 1) {
      return { code: await crossValidateCommand({ datasetFolder: folder, runsFolder, cacheDir: cmd.cacheDir, config: cmd.config, signal: controller.signal, callbacks }, cmd.json, out) };
    }
    const outcome = await runTraining({ datasetFolder: folder, runsFolder, cacheDir: cmd.cacheDir, config: cmd.config, signal: controller.signal, callbacks });
    bar.clear();
    if (cmd.json) process.stdout.write(JSON.stringify(outcome, null, 2) + '\n');
    switch (outcome.tag) {
      case 'completed':
        out.write(resultsText(outcome.run, outcome.folder ?? ''));
        return { code: EXIT.ok, outcome };
      case 'cancelled':
        out.write(`Training cancelled${outcome.folder ? `; run marked cancelled in ${outcome.folder}` : ''}.\n`);
        return { code: EXIT.cancelled, outcome };
      case 'failed':
        process.stderr.write(`fracture-cnn: ${outcome.kind === 'dataset' ? 'dataset error' : outcome.kind === 'config' ? 'invalid setting' : 'training failed'}: ${outcome.message}\n`);
        if (outcome.folder && outcome.unsaved) process.stderr.write(`The run folder ${outcome.folder} could not be updated; it shows as failed (interrupted) now that this command ends.\n`);
        else if (outcome.folder) process.stderr.write(`Run marked failed in ${outcome.folder}\n`);
        return { code: outcome.kind === 'dataset' ? EXIT.dataset : outcome.kind === 'config' ? EXIT.usage : EXIT.failed, outcome };
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
