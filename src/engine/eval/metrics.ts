// Test-split metrics from true labels and predicted probabilities, with scikit-learn's conventions
// (zero division gives 0.0; ROC thresholds at each distinct score; AUC by the trapezoidal rule).
import type { ClassScores, DecisionThreshold, EvalReport, Misclassified, RocCurve } from '../types';
import { bootstrapIntervals, kappaOf } from './bootstrap';
import { calibration } from './calibration';
import { modelWarnings, type TrainedWith } from './health';
import { prCurve } from './precisionRecall';
import { decide } from './threshold';

/** Names that mean "the finding is present". Exact matches only: "not fractured" must not count. */
const POSITIVE_NAMES = ['fractured', 'fracture', 'positive', 'abnormal'];

/**
 * The class ROC, sensitivity and specificity treat as positive: the first class named exactly
 * fractured / fracture / positive / abnormal (any case, surrounding spaces ignored), else class 1
 * (scikit-learn's pos_label=1 on sorted labels).
 */
export function positiveClassIndex(classes: readonly string[]): number {
  for (const name of POSITIVE_NAMES) {
    const i = classes.findIndex((c) => c.trim().toLowerCase() === name);
    if (i >= 0) return i;
  }
  return 1;
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function confusionMatrix(labels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) m[labels[i]][predicted[i]]++;
  return m;
}

export function classScores(confusion: number[][]): ClassScores[] {
  return confusion.map((row, k) => {
    const tp = row[k];
    const support = row.reduce((a, b) => a + b, 0);
    const predictedK = confusion.reduce((a, r) => a + r[k], 0);
    const precision = ratio(tp, predictedK);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { precision, recall, f1, support };
  });
}

export function averageScores(perClass: ClassScores[], weighted: boolean): ClassScores {
  const support = perClass.reduce((a, c) => a + c.support, 0);
  const w = (c: ClassScores) => (weighted ? ratio(c.support, support) : 1 / Math.max(1, perClass.length));
  const sum = (f: (c: ClassScores) => number) => perClass.reduce((a, c) => a + w(c) * f(c), 0);
  return { precision: sum((c) => c.precision), recall: sum((c) => c.recall), f1: sum((c) => c.f1), support };
}

/** ROC of `scores` for the positive class; undefined when the labels hold only one side (AUC undefined). */
export function rocCurve(isPositive: ArrayLike<boolean>, scores: ArrayLike<number>, positiveClass: number): RocCurve | undefined {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let pos = 0;
  for (let i = 0; i < isPositive.length; i++) if (isPositive[i]) pos++;
  const neg = isPositive.length - pos;
  if (pos === 0 || neg === 0) return undefined;
  const points: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < order.length; j++) {
    if (isPositive[order[j]]) tp++;
    else fp++;
    // One point per distinct threshold: tied scores move together.
    if (j === order.length - 1 || scores[order[j + 1]] !== scores[order[j]]) points.push([fp / neg, tp / pos]);
  }
  let auc = 0;
  for (let i = 1; i < points.length; i++) auc += ((points[i][0] - points[i - 1][0]) * (points[i][1] + points[i - 1][1])) / 2;
  return { positiveClass, auc, points };
}

export interface MetricInputs {
  classes: string[];
  labels: ArrayLike<number>;
  /** Row-major [n, classes] probabilities. */
  probabilities: ArrayLike<number>;
  paths: readonly string[];
  loss: number;
  /** Two classes: decide by this threshold instead of argmax, and report argmax's figures beside. */
  threshold?: DecisionThreshold;
  /** Bootstrap resamples for the intervals (default 2,000; 0: none) and their seed. */
  resamples?: number;
  seed?: number;
  /** The run's settings, so the warnings' advice leaves out what it already had. */
  trainedWith?: TrainedWith;
}

export function computeEvalReport(input: MetricInputs): EvalReport {
  const { classes, labels, probabilities, paths } = input;
  const k = classes.length;
  const n = labels.length;
  const predicted = new Int32Array(n);
  const misclassified: Misclassified[] = [];
  let correct = 0;
  const threshold = k === 2 ? input.threshold : undefined;
  for (let i = 0; i < n; i++) {
    const best = decide(probabilities, i * k, k, threshold);
    predicted[i] = best;
    if (best === labels[i]) correct++;
    else misclassified.push({ path: paths[i], trueIndex: labels[i], predIndex: best, confidence: probabilities[i * k + best] });
  }
  misclassified.sort((a, b) => b.confidence - a.confidence);
  const confusion = confusionMatrix(labels, predicted, k);
  const perClass = classScores(confusion);
  const report: EvalReport = {
    loss: input.loss,
    accuracy: ratio(correct, n),
    classes,
    perClass,
    macroAvg: averageScores(perClass, false),
    weightedAvg: averageScores(perClass, true),
    confusion,
    misclassified,
  };
  const kappa = kappaOf(confusion.flat(), k);
  if (!Number.isNaN(kappa)) report.kappa = kappa;
  const positive = k === 2 ? positiveClassIndex(classes) : undefined;
  const cal = calibration(labels, probabilities, k, positive);
  if (cal) report.calibration = cal;
  if (input.resamples !== 0) {
    const scores = positive === undefined ? undefined : Float64Array.from({ length: n }, (_, i) => probabilities[i * k + positive]);
    const intervals = bootstrapIntervals({ labels, predicted, numClasses: k, positiveClass: positive, scores, resamples: input.resamples, seed: input.seed });
    if (intervals) report.intervals = intervals;
  }
  if (positive !== undefined) {
    const negative = 1 - positive;
    const isPositive = Array.from({ length: n }, (_, i) => labels[i] === positive);
    const scores = Array.from({ length: n }, (_, i) => probabilities[i * k + positive]);
    report.roc = rocCurve(isPositive, scores, positive);
    const pr = prCurve(isPositive, scores, positive);
    if (pr) report.pr = pr;
    report.testScores = { positiveClass: positive, scores, positive: isPositive.map((p) => (p ? 1 : 0)) };
    report.sensitivity = perClass[positive].recall;
    report.specificity = perClass[negative].recall;
    if (threshold) {
      report.threshold = threshold;
      const argmax = Int32Array.from({ length: n }, (_, i) => decide(probabilities, i * k, k));
      const conf = confusionMatrix(labels, argmax, k);
      const scores = classScores(conf);
      report.atDefault = {
        accuracy: ratio(argmax.reduce((a, p, i) => a + (p === labels[i] ? 1 : 0), 0), n),
        sensitivity: scores[positive].recall,
        specificity: scores[negative].recall,
        macroF1: averageScores(scores, false).f1,
        confusion: conf,
      };
    }
  }
  // Every run's metrics carry the verdict, so the report, the CLI and the dashboard all show the same words.
  report.warnings = modelWarnings(report, input.trainedWith);
  return report;
}
