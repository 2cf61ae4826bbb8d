// Plain data shapes shared by the engine, the training process, the CLI and the webviews.
// Everything here is JSON-serialisable: it travels over JSON-RPC and into run.json.
import type { TrainConfig } from './config';

export type SplitName = 'train' | 'val' | 'test';

export type SkipReason = 'unreadable' | 'empty' | 'truncated' | 'not-an-image' | 'unsupported';

export interface SkippedFile {
  path: string;
  reason: SkipReason;
  /** The decoder's own words, for the curious. */
  detail: string;
}

export interface DuplicateGroup {
  hash: string;
  paths: string[];
}

export interface DatasetReport {
  root: string;
  /** Sorted class folder names; the index is the label. */
  classes: string[];
  /** 'presplit' when the folder held train/ val/ test/; else a seeded stratified split. */
  layout: 'presplit' | 'stratified';
  /** Images per split, per class index. */
  counts: Record<SplitName, number[]>;
  skipped: SkippedFile[];
  /** Groups of byte-identical files. Each group is kept in one split only. */
  duplicates: DuplicateGroup[];
  /** Duplicate groups found in more than one split of a presplit folder (leakage); the extra copies are dropped. */
  leakage: DuplicateGroup[];
  /** Largest class count over smallest (over all splits). */
  imbalanceRatio: number;
  warnings: string[];
  imageSize: number;
  decodeSeconds: number;
  cachedImages: number;
  /** DICOM images kept together by patient or study: how many groups, over how many images (no keys). */
  groups?: { by: 'patient' | 'study'; count: number; images: number };
  /** Images grouped by their paths (setting groupBy): groups of two or more images, and those found in more than one given split. */
  pathGroups?: { spec: string; count: number; images: number; straddling: { key: string; splits: SplitName[] }[] };
  /** Pairs of images that are near-copies (difference hash of the pixels within a few bits), byte-identical ones aside. */
  nearDuplicates?: { total: number; pairs: { paths: [string, string]; distance: number; splits?: [SplitName, SplitName] }[] };
}

export interface BatchProgress {
  epoch: number; // 1-based
  epochs: number;
  batch: number; // 1-based
  batches: number;
  loss: number;
  acc: number;
  /** Seconds since the epoch began. */
  elapsed: number;
  /** Estimated seconds left in the whole training. */
  eta: number;
}

export interface EpochMetrics {
  epoch: number; // 1-based
  loss: number;
  acc: number;
  valLoss: number;
  valAcc: number;
  /** Validation ROC AUC (two classes). */
  valAuc?: number;
  /** Validation macro-averaged F1. */
  valMacroF1?: number;
  /** Learning rate at the epoch's last step. */
  lr?: number;
  seconds: number;
}

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface RocCurve {
  /** Index of the class treated as positive. */
  positiveClass: number;
  auc: number;
  /** [falsePositiveRate, truePositiveRate] pairs from (0,0) to (1,1). */
  points: [number, number][];
}

export interface Misclassified {
  path: string;
  trueIndex: number;
  predIndex: number;
  confidence: number;
}

/** A two-class decision threshold on the positive class's probability, chosen on the validation split. */
export interface DecisionThreshold {
  positiveClass: number;
  value: number;
  /** 'chosen': picked by the user on the dashboard's operating-point slider. */
  method: 'youden' | 'target-sensitivity' | 'chosen';
  targetSensitivity?: number;
  valSensitivity: number;
  valSpecificity: number;
}

/** Test figures under the plain argmax rule (a 0.5 threshold with two classes), beside those at the chosen threshold. */
export interface DefaultRuleFigures {
  accuracy: number;
  sensitivity?: number;
  specificity?: number;
  macroF1: number;
  confusion: number[][];
}

/** A 95% interval [low, high]. */
export type Interval = [number, number];

/**
 * Percentile intervals from a seeded bootstrap of the test predictions, resampled within each
 * true class (every resample keeps the split's class counts). The predictions stay fixed: the
 * intervals say how much the figures move with the choice of test images, not of model.
 */
export interface BootstrapIntervals {
  level: number;
  resamples: number;
  seed: number;
  accuracy: Interval;
  macroF1: Interval;
  kappa: Interval;
  perClass: { precision: Interval; recall: Interval; f1: Interval }[];
  /** Two classes only. */
  sensitivity?: Interval;
  specificity?: Interval;
  auc?: Interval;
}

/** One bin of a reliability diagram: predicted probability against how often it came true. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  meanPredicted: number;
  observed: number;
}

/**
 * How well the probabilities can be taken at their word. Two classes: of the positive class's
 * probability (scikit-learn's brier_score_loss and calibration_curve). More: Brier summed over
 * classes, and the bins of the top class's probability against whether it was right.
 */
export interface Calibration {
  of: 'positive' | 'top-label';
  positiveClass?: number;
  brier: number;
  /** Expected calibration error: the bins' |observed - predicted| weighted by their share of images. */
  ece: number;
  bins: ReliabilityBin[];
}

/** Precision-recall curve of the positive class, scikit-learn's points (recall falling), with average precision. */
export interface PrCurve {
  positiveClass: number;
  averagePrecision: number;
  /** [recall, precision] per distinct threshold, highest threshold last, then [0, 1]. */
  points: [number, number][];
  /** Share of positives: the curve of a model that guesses. */
  prevalence: number;
}

/** The positive class's probability and true side of each test image, for operating points chosen in the dashboard. */
export interface TestScores {
  positiveClass: number;
  scores: number[];
  /** 1: the image is of the positive class. */
  positive: number[];
}

/** Share of held-out images with a known finding box whose Grad-CAM peak falls inside the box. */
export interface Localization {
  hits: number;
  total: number;
  share: number;
}

/** A plain-language warning that a trained model may be useless, with what to try. */
export interface ModelWarning {
  /** Stable code: 'one-class' | 'chance-auc' | 'class-never-found' | 'below-majority' ... */
  code: string;
  message: string;
  /** What to try next. */
  suggestion: string;
}

export interface EvalReport {
  loss: number;
  accuracy: number;
  classes: string[];
  perClass: ClassScores[];
  macroAvg: ClassScores;
  weightedAvg: ClassScores;
  /** confusion[true][predicted] */
  confusion: number[][];
  /** Two classes only. */
  roc?: RocCurve;
  sensitivity?: number;
  specificity?: number;
  misclassified: Misclassified[];
  /** The threshold the predictions above used (two classes); absent: argmax. */
  threshold?: DecisionThreshold;
  /** The same test images under argmax, when a threshold was used. */
  atDefault?: DefaultRuleFigures;
  /** Test-time augmentation (mirror image averaged in) was used. */
  tta?: boolean;
  localization?: Localization;
  warnings?: ModelWarning[];
  /** Cohen's kappa of the predictions against the truth. */
  kappa?: number;
  intervals?: BootstrapIntervals;
  calibration?: Calibration;
  /** Two classes only. */
  pr?: PrCurve;
  testScores?: TestScores;
}

export type RunState = 'running' | 'completed' | 'cancelled' | 'failed';

export interface RunTimings {
  decodeSeconds: number;
  trainSeconds: number;
  evalSeconds: number;
  totalSeconds: number;
}

export interface RunRecord {
  id: string;
  state: RunState;
  startedAt: string; // ISO
  endedAt?: string;
  pid?: number;
  datasetFolder: string;
  config: TrainConfig;
  backend: string;
  /** On wasm, whose convolution kernels trained: "native avx2+fma" (or "native generic"), or "WebAssembly" (about 3x slower). */
  kernels?: string;
  modelParams?: number;
  dataset?: DatasetReport;
  /** Class weights used for the loss, by class index, when weighting was on. */
  classWeights?: number[];
  history: EpochMetrics[];
  /** Epoch whose weights were kept (best val_loss). */
  bestEpoch?: number;
  /** Epoch after which early stopping ended training, if it did. */
  stoppedEpoch?: number;
  metrics?: EvalReport;
  timings?: RunTimings;
  error?: string;
  /** One fold of a k-fold cross-validation; `group` is the id shared by its runs (its summary run's id). */
  fold?: { index: number; count: number; group: string };
  /** A cross-validation summary: no model of its own, the figures of its fold runs. */
  kind?: 'cv-summary';
  crossValidation?: CrossValidationSummary;
}

/** Mean and sample standard deviation over the completed folds of one figure. */
export interface FoldFigure {
  name: string;
  /** One value per fold run, in fold order. */
  values: number[];
  mean: number;
  /** Null below two folds. */
  sd: number | null;
}

export interface CrossValidationSummary {
  folds: number;
  /** Fold run ids, in fold order (runs that did not complete included). */
  runIds: string[];
  /** Folds whose run completed; the figures are over these. */
  completed: number;
  figures: FoldFigure[];
}

export interface RunSummary {
  id: string;
  folder: string;
  state: RunState;
  startedAt: string;
  endedAt?: string;
  datasetFolder: string;
  backend: string;
  classes: string[];
  epochsRun: number;
  testAccuracy?: number;
  macroF1?: number;
  fold?: RunRecord['fold'];
  kind?: RunRecord['kind'];
  crossValidation?: CrossValidationSummary;
  /** The model's test-split warnings (metrics.warnings), when it has any. */
  warnings?: ModelWarning[];
}

/** The VOI transform a DICOM image was shown with. */
export interface DicomWindow {
  /** 'file': its window centre/width (the first when several); 'voi-lut': its VOI LUT; 'min-max': none in the file; 'none': colour. */
  source: 'file' | 'voi-lut' | 'min-max' | 'none';
  center?: number;
  width?: number;
  /** VOI LUT function other than LINEAR (LINEAR_EXACT, SIGMOID). */
  function?: string;
}

/** Header facts of a DICOM image worth showing beside its prediction; never patient identifiers or dates. */
export interface DicomFacts {
  modality?: string;
  bodyPart?: string;
  viewPosition?: string;
  transferSyntax: string;
  photometric: string;
  bitsStored: number;
  window: DicomWindow;
  /** Frames in the file; only the first is used. */
  frames: number;
}

export interface Prediction {
  path: string;
  classes: string[];
  probabilities: number[];
  /** The predicted class: by the model's stored threshold (two classes) when it has one, else the most probable. */
  predictedIndex: number;
  /** The decision threshold on the positive class's probability that chose predictedIndex. */
  threshold?: number;
  positiveIndex?: number;
  /** Class the heat map explains (the predicted one unless another was asked for). */
  explainedIndex: number;
  /**
   * With Grad-CAM: true when nothing in the image raises the explained class's score, so the heat
   * map is blank. Absent when no heat map was computed.
   */
  noPositiveEvidence?: boolean;
  /** PNG files written for the Grad-CAM overlay and the heat map alone, at the image's own size. */
  overlayPath?: string;
  heatmapPath?: string;
  /** PNG of the picture as decoded (a DICOM file windowed), for viewers that cannot draw the file itself. */
  picturePath?: string;
  width: number;
  height: number;
  milliseconds: number;
  runId: string;
  /** Set for DICOM files. */
  dicom?: DicomFacts;
}

export type PredictOutcome = { ok: true; prediction: Prediction } | { ok: false; path: string; error: string };

/** How a training ended: rust-analyzer-style tagged union. */
export type TrainingOutcome =
  | { tag: 'completed'; run: RunRecord }
  | { tag: 'cancelled'; run: RunRecord }
  | { tag: 'failed'; message: string; run?: RunRecord };
