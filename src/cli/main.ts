// fracture-cnn command line.
import { resolve } from 'node:path';
import { version } from '../../package.json';
import { DatasetError } from '../engine/data/errors';
import { generateSampleDataset } from '../engine/data/sample';
import { parseCommand, UsageError } from './args';
import { demoCommand } from './demoCommand';
import { EXIT } from './exitCodes';
import { predictCommand } from './predictCommand';
import { DEFAULT_RUNS_DIR, SAMPLE_DIR, trainCommand } from './trainCommand';

const HELP = `fracture-cnn ${version}: train a fracture classifier on a folder of X-rays, and explain its predictions.

Usage:
  fracture-cnn train [folder] [options]      train a classifier (the radnet model unless --model seed);
                                             without a folder, on the built-in sample data (written
                                             once to ./${SAMPLE_DIR})
  fracture-cnn demo [folder] [options]       train radnet and the seed preset on the same data and
                                             print their test figures side by side
  fracture-cnn predict <run-or-model-folder> <image...> [--gradcam out-folder] [--class N] [--json]
  fracture-cnn sample-data <out-folder>      write the built-in synthetic sample dataset into a new or
                                             empty folder (or over a sample set it wrote before)
  fracture-cnn --help | --version

A dataset folder holds one subfolder of images per class (or train/, val/, test/ with class
subfolders). PNG, JPEG, BMP, TIFF, WebP and GIF are read.

Train options (defaults in brackets; "radnet / seed" where the model preset decides):
  --model radnet|seed   model preset and its recipe [radnet]; seed is the original student CNN
  --epochs N            maximum epochs [24 / 20]
  --batch-size N        images per batch [32]
  --lr X                Adam learning rate, the peak with a schedule [0.002 / 0.001]
  --lr-schedule cosine|constant          [cosine / constant]
  --patience N          early stopping: epochs without a better validation figure [12 / 4]
  --select-by auto|loss keep the epoch with the best validation AUC (macro-F1 with more than two
                        classes), or the lowest validation loss [auto / loss]
  --seed N              seed for split, weights, shuffling, augmentation [42]
  --image-size N        side of the square gray model input [64 / 48]
  --val X / --test X    validation / test share per class [0.15 / 0.15]
  --class-weighting auto|balanced|none   [auto: balanced when the largest class is > 2x the smallest]
  --loss crossentropy|focal              [crossentropy]  (--focal-gamma X [2])
  --augment, --no-augment               X-ray augmentation of training images [on / off]
  --sampling shuffle|balanced            balanced: every batch draws its classes equally
                        [balanced / shuffle]
  --pretrained, --no-pretrained         radnet starts from its built-in base, trained on
                        balanced synthetic radiographs [on / off]
  --tta                 average each test prediction with the mirror image's
  --target-sensitivity X                 two classes: threshold reaching this validation
                        sensitivity [0: maximise sensitivity + specificity]
  --base-model DIR      fine-tune from a TensorFlow.js layers model folder or a run folder
  --cut-layer NAME      base model layer that feeds the new head [its last feature map]
  --freeze-epochs N     epochs with the base frozen before every layer trains [3]
  --backend auto|wasm|cpu|tensorflow     [auto]
  --workers N           data-parallel training threads, 0 = one per core [0]
  --group-by KEY        keep DICOM images of one patient|study|none in one split [patient]
  --path-groups SPEC    keep images in one split by path: none, folder:N (N-th folder under
                        the class folder) or a regex with one capture group [none]
  --bootstrap N         resamples for the test figures' 95% intervals, 0 = none [2000]
  --folds K             k-fold cross-validation: K runs, each fold the test split once,
                        and a summary run with mean and sd of each figure; 0 = off [0]
  --runs-dir DIR        where run folders are written [./${DEFAULT_RUNS_DIR}]
  --cache-dir DIR       decoded-pixel cache [the user's cache folder]
  --json                print the outcome as JSON on stdout (progress goes to stderr)

Predict options:
  --gradcam DIR         write a Grad-CAM overlay and heat map PNG per image into DIR
  --class N             explain class index N instead of the predicted class
  --json                print the predictions as JSON

Exit codes:
  0    success
  1    training failed, or the model could not be loaded
  2    usage error (unknown command or option, bad value)
  3    dataset error (folder missing, no usable images, fewer than two classes; sample-data:
       the output folder holds files the generator did not write)
  4    prediction: one or more images could not be read (the others are still printed)
  130  cancelled (Ctrl-C stops training after the current batch and marks the run cancelled)
`;

async function main(argv: string[]): Promise<number> {
  let cmd;
  try {
    cmd = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`fracture-cnn: ${err.message}\nRun "fracture-cnn --help" for usage.\n`);
    return EXIT.usage;
  }
  switch (cmd.command) {
    case 'help':
      process.stdout.write(HELP);
      return EXIT.ok;
    case 'version':
      process.stdout.write(`${version}\n`);
      return EXIT.ok;
    case 'train':
      return trainCommand(cmd);
    case 'predict':
      return predictCommand(cmd);
    case 'demo':
      return demoCommand(cmd);
    case 'sample-data': {
      let r;
      try {
        r = await generateSampleDataset(resolve(cmd.out));
      } catch (err) {
        if (!(err instanceof DatasetError)) throw err;
        process.stderr.write(`fracture-cnn: dataset error: ${err.message}\n`);
        return EXIT.dataset;
      }
      process.stdout.write(`Wrote ${r.fractured} fractured and ${r.normal} normal images to ${r.root}\nFracture boxes: ${r.boxesFile}\n`);
      return EXIT.ok;
    }
  }
}

/** Resolves once everything written to `stream` has been handed to the operating system. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.writableLength === 0) resolve();
    else stream.once('drain', () => resolve());
  });
}

/**
 * Exits explicitly, so training worker threads or backend handles cannot keep a finished command
 * alive, but only after stdout and stderr are drained: a pipe to a slow reader would otherwise
 * lose all output past its 64 KiB buffer.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => process.exit(code));
}

main(process.argv.slice(2)).then(exitWhenFlushed, (err: unknown) => {
  process.stderr.write(`fracture-cnn: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  exitWhenFlushed(EXIT.failed);
});
