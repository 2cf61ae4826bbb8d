// Whether a trained model is any use, judged from its test-split report. A run can end
// "completed" with a model that answers one class for every image (accuracy still looks fine on
// imbalanced data) or whose scores rank images no better than a coin: say so, and what to try.
import type { TrainConfig } from '../config';
import type { EvalReport, ModelWarning } from '../types';

/** The settings a run trained with that the advice depends on; unknown (an old run) advises everything. */
export type TrainedWith = Partial<Pick<TrainConfig, 'model' | 'augment' | 'sampling' | 'classWeighting' | 'pretrained' | 'imageSize' | 'baseModel'>> & {
  /**
   * The class weights training applied, null for none; absent when unknown (then any weighting
   * setting but "none" counts as applied). "auto" applies weights only above a 2x imbalance.
   */
  appliedClassWeights?: number[] | null;
};

/** At least this share of test predictions in one class means the model hardly tells classes apart... */
export const ONE_CLASS_PREDICTED_SHARE = 0.95;
/** ...unless that class itself makes up this share of the test split or more (then most answers should be it). */
export const ONE_CLASS_MAX_TRUE_SHARE = 0.9;
/** ROC AUC within 0.5 plus or minus this is what guessing gives; below 0.5 minus this, the ranking is reversed. */
export const CHANCE_AUC_MARGIN = 0.1;
/** A class with fewer test images than this cannot be judged: one image more or less swings its recall by 20 points or more. */
export const MIN_TEST_IMAGES_PER_CLASS = 5;

/** Codes that only say the test split is too small to judge; the others say the model is not usable. */
const JUDGEMENT_ONLY_CODES = new Set(['small-test-split']);

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

const DEFAULT_MODEL = 'the default model (setting fractureCnn.model)';
const BALANCED = 'balanced batches (fractureCnn.sampling) or class weighting "balanced" (fractureCnn.classWeighting)';
const AUGMENT = 'augmentation on (fractureCnn.augment)';
const PRETRAINED = 'the built-in pretrained base (fractureCnn.pretrained)';
const LARGER_INPUT = 'a larger input (fractureCnn.imageSize, e.g. 128) to keep thin fracture lines visible';
const MORE_IMAGES = 'more images of the rarer class';

/** What to try, leaving out what the run already had: advice to turn on what is on helps no one. */
function remedies(w: TrainedWith | undefined, moreImages = true): string {
  const tries: string[] = [];
  if (w?.model !== 'radnet') tries.push(DEFAULT_MODEL);
  const weighted = w?.appliedClassWeights !== undefined ? w.appliedClassWeights !== null : w?.classWeighting !== 'none';
  if (!w || (w.sampling !== 'balanced' && !weighted)) tries.push(BALANCED);
  if (!w?.augment) tries.push(AUGMENT);
  if (!w || (w.model === 'radnet' && !w.pretrained && !w.baseModel)) tries.push(PRETRAINED);
  if (!w || (w.imageSize ?? 0) < 128) tries.push(LARGER_INPUT);
  if (moreImages) tries.push(MORE_IMAGES);
  if (tries.length === 0) return 'another seed (fractureCnn.seed) or more images';
  return tries.length === 1 ? tries[0] : `${tries.slice(0, -1).join(', ')} and ${tries[tries.length - 1]}`;
}

/** True when the warnings say the model should not be used, not merely that the test split is small. */
export function modelUnusable(warnings: readonly ModelWarning[] | undefined): boolean {
  return (warnings ?? []).some((w) => !JUDGEMENT_ONLY_CODES.has(w.code));
}

function oneClass(r: EvalReport, name: (i: number) => string, predicted: number[], support: number[], n: number, w: TrainedWith | undefined): ModelWarning[] {
  const top = predicted.indexOf(Math.max(...predicted));
  const share = predicted[top] / n;
  const trueShare = support[top] / n;
  if (r.classes.length < 2 || share < ONE_CLASS_PREDICTED_SHARE || trueShare >= ONE_CLASS_MAX_TRUE_SHARE) return [];
  return [
    {
      code: 'one-class',
      message: `The model answered "${name(top)}" for ${predicted[top]} of ${n} test images (${pct(share)}), though only ${pct(trueShare)} of them are "${name(top)}": it does not tell the classes apart.`,
      suggestion: `Train again with ${remedies(w)}.`,
    },
  ];
}

function neverFound(r: EvalReport, name: (i: number) => string, w: TrainedWith | undefined): ModelWarning[] {
  return r.perClass.flatMap((s, i): ModelWarning[] =>
    s.support > 0 && s.recall === 0
      ? [
          {
            code: 'class-never-found',
            message: `Not one of the ${plural(s.support, 'test image')} of "${name(i)}" was recognised as "${name(i)}" (recall 0.000).`,
            suggestion: `Add more images of "${name(i)}" if you can, and train again with ${remedies(w, false)}.`,
          },
        ]
      : [],
  );
}

function chanceAuc(r: EvalReport, name: (i: number) => string, w: TrainedWith | undefined): ModelWarning[] {
  const roc = r.roc;
  if (!roc || !Number.isFinite(roc.auc)) return [];
  const positive = name(roc.positiveClass);
  if (roc.auc < 0.5 - CHANCE_AUC_MARGIN) {
    return [
      {
        code: 'below-chance-auc',
        message: `ROC AUC is ${roc.auc.toFixed(3)}, below the 0.5 of guessing: the model scores "${positive}" images lower than the others, the wrong way round.`,
        suggestion: 'Check that every test image sits in the right class folder (and that given train/val/test folders use the same class folder names), then train again.',
      },
    ];
  }
  if (roc.auc > 0.5 + CHANCE_AUC_MARGIN) return [];
  return [
    {
      code: 'chance-auc',
      message: `ROC AUC is ${roc.auc.toFixed(3)}, close to the 0.5 of guessing: the model's scores do not rank "${positive}" images above the others.`,
      suggestion: `Check that each class folder holds the images it names; train again with ${remedies(w)}.`,
    },
  ];
}

function belowMajority(r: EvalReport, name: (i: number) => string, support: number[], n: number, w: TrainedWith | undefined): ModelWarning[] {
  const major = support.indexOf(Math.max(...support));
  const baseline = support[major] / n;
  if (r.classes.length < 2 || r.accuracy > baseline + 1e-9) return [];
  return [
    {
      code: 'below-majority',
      message: `Test accuracy ${pct(r.accuracy)} is no better than always answering "${name(major)}", the largest class (${pct(baseline)}).`,
      suggestion: `Judge this model by each class's recall and the ROC AUC, not accuracy. Train again with ${remedies(w)}.`,
    },
  ];
}

function smallTestSplit(name: (i: number) => string, support: number[]): ModelWarning[] {
  const small = support.map((s, i) => ({ s, i })).filter(({ s }) => s < MIN_TEST_IMAGES_PER_CLASS);
  if (small.length === 0) return [];
  const list = small.map(({ s, i }) => `${plural(s, 'image')} of "${name(i)}"`).join(', ');
  return [
    {
      code: 'small-test-split',
      message: `The test split holds only ${list}: too few to judge this model; its scores may be luck.`,
      suggestion: `Add images, or raise the test fraction (fractureCnn.testFraction), so that every class has at least ${MIN_TEST_IMAGES_PER_CLASS} test images.`,
    },
  ];
}

/**
 * Plain-language warnings about a model's test results, most serious first: answers (nearly) all one
 * class, ranks no better than chance, never finds a class, does no better than the majority class,
 * or was tested on too few images to tell. An empty list means nothing looked wrong.
 */
export function modelWarnings(r: EvalReport, trainedWith?: TrainedWith): ModelWarning[] {
  // A hand-edited or truncated run.json must not make its run unreadable: no data, no verdict.
  if (!Array.isArray(r.classes) || !Array.isArray(r.perClass) || !Array.isArray(r.confusion)) return [];
  const name = (i: number): string => r.classes[i] ?? `class ${i}`;
  const support = r.perClass.map((s) => s.support);
  const n = support.reduce((a, b) => a + b, 0);
  if (n === 0) return smallTestSplit(name, support);
  const predicted = r.classes.map((_, k) => r.confusion.reduce((a, row) => a + (row[k] ?? 0), 0));
  return [
    ...oneClass(r, name, predicted, support, n, trainedWith),
    ...chanceAuc(r, name, trainedWith),
    ...neverFound(r, name, trainedWith),
    ...belowMajority(r, name, support, n, trainedWith),
    ...smallTestSplit(name, support),
  ];
}
