// `fracture-cnn train --folds K`: K runs one after another, then the summary with mean ± sd.
import { FIGURE_LABELS, runCrossValidation, type CrossValidationOptions } from '../engine/runs/crossValidation';
import { EXIT } from './exitCodes';

const fmt = (v: number | null) => (v === null ? '–' : v.toFixed(3));

/** Runs the cross-validation and prints its summary; returns the exit code. */
export async function crossValidateCommand(options: CrossValidationOptions, json: boolean | undefined, out: NodeJS.WriteStream): Promise<number> {
  const outcome = await runCrossValidation({ ...options, onFold: (index, count) => out.write(`\nFold ${index + 1} of ${count}\n`) });
  if (json) process.stdout.write(JSON.stringify({ tag: outcome.tag, summary: outcome.summary, folder: outcome.folder, message: outcome.message }, null, 2) + '\n');
  const cv = outcome.summary?.crossValidation;
  if (cv && outcome.folder) {
    out.write(`\nCross-validation ${outcome.summary!.id}: ${cv.completed} of ${cv.folds} folds completed\n`);
    for (const f of cv.figures) out.write(`  ${(FIGURE_LABELS[f.name] ?? f.name).padEnd(14)} ${fmt(f.mean)} ± ${fmt(f.sd)}\n`);
    out.write(`Summary in ${outcome.folder}\n`);
  }
  switch (outcome.tag) {
    case 'completed':
      return EXIT.ok;
    case 'cancelled':
      out.write(
        outcome.folder
          ? 'Cross-validation cancelled; the folds that ran are kept and the summary is marked cancelled.\n'
          : 'Cross-validation cancelled before its first fold started; nothing was written.\n',
      );
      return EXIT.cancelled;
    case 'failed': {
      const what = outcome.kind === 'dataset' ? 'dataset error' : outcome.kind === 'config' ? 'invalid setting' : 'training failed';
      process.stderr.write(`fracture-cnn: ${what}: ${outcome.message}\n`);
      return outcome.kind === 'dataset' ? EXIT.dataset : outcome.kind === 'config' ? EXIT.usage : EXIT.failed;
    }
  }
}
