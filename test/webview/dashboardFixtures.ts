// Recorded dashboard states: a run in training (three epochs so far) and an earlier, completed
// run with its full report. Shaped exactly like what the host sends.
import type { BatchProgress, DatasetReport, EpochMetrics, EvalReport, RunRecord, RunSummary } from '../../src/engine/types';
import type { DashboardState } from '../../src/protocol/webview';
import { DEFAULT_CONFIG } from '../../src/engine/config';
import { modelWarnings } from '../../src/engine/eval/health';
import { makeRng } from '../../src/engine/data/rng';
import { bootstrapIntervals, kappaOf } from '../../src/engine/eval/bootstrap';
import { calibration } from '../../src/engine/eval/calibration';
import { prCurve } from '../../src/engine/eval/precisionRecall';
import { computeEvalReport, rocCurve } from '../../src/engine/eval/metrics';
import { multiclassPredictions } from '../engine/helpers/predictions';

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>.png';
const DATA = '/home/ana/xrays';

export const dataset: DatasetReport = {
  root: DATA,
  classes: ['fractured', 'not fractured'],
  layout: 'stratified',
  counts: { train: [504, 1022], val: [108, 219], test: [108, 219] },
  skipped: [
    { path: `${DATA}/fractured/${HOSTILE_NAME}`, reason: 'not-an-image', detail: 'Input file contains unsupported image format' },
    { path: `${DATA}/not fractured/scan 0042.jpg`, reason: 'truncated', detail: 'VipsJpeg: premature end of JPEG file' },
  ],
  duplicates: [{ hash: 'ab12', paths: [`${DATA}/fractured/a.png`, `${DATA}/fractured/a copy.png`] }],
  leakage: [],
  imbalanceRatio: 2.03,
  warnings: ['Classes are imbalanced: "not fractured" has 2.03× the images of "fractured"; class weights are on.'],
  imageSize: 48,
  decodeSeconds: 7.4,
  cachedImages: 0,
};

const config = { ...DEFAULT_CONFIG, epochs: 20 };

export const history: EpochMetrics[] = [
  { epoch: 1, loss: 0.671, acc: 0.598, valLoss: 0.642, valAcc: 0.633, seconds: 7.9 },
  { epoch: 2, loss: 0.588, acc: 0.688, valLoss: 0.571, valAcc: 0.703, seconds: 7.6 },
  { epoch: 3, loss: 0.502, acc: 0.757, valLoss: 0.523, valAcc: 0.746, seconds: 7.7 },
  { epoch: 4, loss: 0.441, acc: 0.801, valLoss: 0.478, valAcc: 0.782, seconds: 7.5 },
  { epoch: 5, loss: 0.392, acc: 0.832, valLoss: 0.452, valAcc: 0.801, seconds: 7.6 },
  { epoch: 6, loss: 0.351, acc: 0.855, valLoss: 0.431, valAcc: 0.817, seconds: 7.8 },
  { epoch: 7, loss: 0.317, acc: 0.872, valLoss: 0.446, valAcc: 0.813, seconds: 7.6 },
  { epoch: 8, loss: 0.284, acc: 0.889, valLoss: 0.462, valAcc: 0.807, seconds: 7.7 },
  { epoch: 9, loss: 0.258, acc: 0.903, valLoss: 0.489, valAcc: 0.804, seconds: 7.5 },
  { epoch: 10, loss: 0.231, acc: 0.917, valLoss: 0.507, valAcc: 0.798, seconds: 7.6 },
];

export const running: RunRecord = {
  id: '20261124-221500-b7c1',
  state: 'running',
  startedAt: '2026-11-24T22:15:00.000Z',
  pid: 4242,
  datasetFolder: DATA,
  config,
  backend: 'wasm',
  modelParams: 1_180_802,
  dataset,
  classWeights: [1.51, 0.75],
  history: [],
};

export function batch(epoch: number, b: number): BatchProgress {
  return { epoch, epochs: 20, batch: b, batches: 48, loss: 0.6 - epoch * 0.05, acc: 0.6 + epoch * 0.04, elapsed: b * 0.16, eta: (20 * 48 - ((epoch - 1) * 48 + b)) * 0.16 };
}

// Confusion on 327 test images: rows true (fractured, not fractured), columns predicted.
const confusion = [
  [91, 17],
  [23, 196],
];

/**
 * P(fractured) of the 327 test images, drawn so that 0.5 gives the confusion above: 91 of the 108
 * fractured and 23 of the 219 others at 0.5 or more.
 */
function testScores(): { scores: number[]; positive: number[] } {
  const rng = makeRng(17);
  const scores: number[] = [];
  const positive: number[] = [];
  const add = (count: number, y: number, f: (u: number) => number) => {
    for (let i = 0; i < count; i++) {
      scores.push(Math.round(f(rng()) * 1000) / 1000);
      positive.push(y);
    }
  };
  add(91, 1, (u) => 0.5 + 0.499 * Math.sqrt(u));
  add(17, 1, (u) => 0.5 * Math.sqrt(u));
  add(23, 0, (u) => 0.5 + 0.4 * u * u);
  add(196, 0, (u) => 0.499 * u ** 1.6);
  return { scores, positive };
}
const scored = testScores();
const labels = scored.positive.map((p) => (p ? 0 : 1));
const predicted = scored.scores.map((v) => (v >= 0.5 ? 0 : 1));
const probabilities = scored.scores.flatMap((v) => [v, 1 - v]);
const isPositive = scored.positive.map((p) => p === 1);

export const completed: RunRecord = {
  id: '20261124-180312-9a0e',
  state: 'completed',
  startedAt: '2026-11-24T18:03:12.000Z',
  endedAt: '2026-11-24T18:05:01.000Z',
  datasetFolder: DATA,
  config,
  backend: 'wasm',
  modelParams: 1_180_802,
  dataset,
  classWeights: [1.51, 0.75],
  history,
  bestEpoch: 6,
  stoppedEpoch: 10,
  metrics: {
    loss: 0.4187,
    accuracy: 287 / 327,
    classes: ['fractured', 'not fractured'],
    perClass: [
      { precision: 0.7982, recall: 0.8426, f1: 0.8198, support: 108 },
      { precision: 0.9202, recall: 0.895, f1: 0.9074, support: 219 },
    ],
    macroAvg: { precision: 0.8592, recall: 0.8688, f1: 0.8636, support: 327 },
    weightedAvg: { precision: 0.8799, recall: 0.8777, f1: 0.8787, support: 327 },
    confusion,
    roc: rocCurve(isPositive, scored.scores, 0),
    pr: prCurve(isPositive, scored.scores, 0),
    kappa: kappaOf(confusion.flat(), 2),
    calibration: calibration(labels, probabilities, 2, 0),
    intervals: bootstrapIntervals({ labels, predicted, numClasses: 2, positiveClass: 0, scores: scored.scores, seed: 42 }),
    testScores: { positiveClass: 0, ...scored },
    sensitivity: 0.8426,
    specificity: 0.895,
    misclassified: [
      { path: `${DATA}/fractured/img_0113.png`, trueIndex: 0, predIndex: 1, confidence: 0.91 },
      { path: `${DATA}/not fractured/${HOSTILE_NAME}`, trueIndex: 1, predIndex: 0, confidence: 0.77 },
      { path: `${DATA}/not fractured/img_2231.jpg`, trueIndex: 1, predIndex: 0, confidence: 0.64 },
      { path: `${DATA}/fractured/img_0450.png`, trueIndex: 0, predIndex: 1, confidence: 0.58 },
    ],
  },
  timings: { decodeSeconds: 7.4, trainSeconds: 76.5, evalSeconds: 1.3, totalSeconds: 86.2 },
};

function summary(r: RunRecord): RunSummary {
  return {
    id: r.id,
    folder: `/home/ana/project/.fracture-cnn/runs/${r.id}`,
    state: r.state,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    datasetFolder: r.datasetFolder,
    backend: r.backend,
    classes: r.dataset?.classes ?? [],
    epochsRun: r.history.length,
    testAccuracy: r.metrics?.accuracy,
    macroF1: r.metrics?.macroAvg.f1,
    ...(r.metrics?.warnings?.length ? { warnings: r.metrics.warnings } : {}),
  };
}

/** Webview URIs the host would hand over for the thumbnails (served by the harness). */
export const imageUris: Record<string, string> = Object.fromEntries(
  completed.metrics!.misclassified.map((m, i) => [m.path, `https://webview.test/img/thumb${i}.png`]),
);

/** What the host sends while run `running` trains: after scanning, then after each of three epochs. */
export function liveSequence(): DashboardState[] {
  const out: DashboardState[] = [];
  const runs = (r: RunRecord): RunSummary[] => [summary(r), summary(completed)];
  out.push({ runs: runs(running), selectedRunId: running.id, run: running, imageUris: {} });
  for (let e = 1; e <= 3; e++) {
    const r: RunRecord = { ...running, history: history.slice(0, e), bestEpoch: e };
    out.push({ runs: runs(r), selectedRunId: r.id, run: r, lastBatch: batch(e + 1, 12), imageUris: {} });
  }
  return out;
}

/** The snapshot after the user picks the completed run. */
export function completedState(): DashboardState {
  const r: RunRecord = { ...running, history: history.slice(0, 3), bestEpoch: 3 };
  return { runs: [summary(r), summary(completed)], selectedRunId: completed.id, run: completed, imageUris };
}

/**
 * A run that ended "completed" with a useless model, like the seed CNN's failure: every one of the
 * 327 test images called fractured, scores at chance. Its warnings come from the engine's own check.
 */
export const useless: RunRecord = (() => {
  const metrics: EvalReport = {
    loss: 0.6365,
    accuracy: 108 / 327,
    classes: ['fractured', 'not fractured'],
    perClass: [
      { precision: 108 / 327, recall: 1, f1: 0.4966, support: 108 },
      { precision: 0, recall: 0, f1: 0, support: 219 },
    ],
    macroAvg: { precision: 0.1651, recall: 0.5, f1: 0.2483, support: 327 },
    weightedAvg: { precision: 0.109, recall: 0.3303, f1: 0.164, support: 327 },
    confusion: [
      [108, 0],
      [219, 0],
    ],
    roc: { positiveClass: 0, auc: 0.512, points: [[0, 0], [0.5, 0.52], [1, 1]] },
    sensitivity: 1,
    specificity: 0,
    misclassified: [
      { path: `${DATA}/not fractured/img_2231.jpg`, trueIndex: 1, predIndex: 0, confidence: 0.61 },
      { path: `${DATA}/not fractured/img_0007.png`, trueIndex: 1, predIndex: 0, confidence: 0.6 },
    ],
  };
  return { ...completed, id: '20261129-090000-dead', startedAt: '2026-11-29T09:00:00.000Z', endedAt: '2026-11-29T09:02:00.000Z', metrics: { ...metrics, warnings: modelWarnings(metrics) } };
})();

/** The snapshot after the user picks the run with the useless model. */
export function uselessState(): DashboardState {
  return { runs: [summary(useless), summary(completed)], selectedRunId: useless.id, run: useless, imageUris: {} };
}

/** A finished 10-class run (simulated predictions): no ROC, PR or operating point, calibration of the top class. */
export const tenClass: RunRecord = (() => {
  const p = multiclassPredictions(10, 400, 8);
  const metrics = computeEvalReport({ classes: p.classes, labels: p.labels, probabilities: p.probabilities, paths: p.paths.map((x) => `${DATA}/${x}`), loss: 1.21, seed: 42 });
  const counts = { train: p.classes.map(() => 120), val: p.classes.map(() => 40), test: p.classes.map((_, c) => p.labels.filter((l) => l === c).length) };
  return { ...completed, id: '20261129-100000-10cl', dataset: { ...dataset, classes: p.classes, counts, skipped: [] }, metrics };
})();

export function tenClassState(): DashboardState {
  return { runs: [summary(tenClass), summary(completed)], selectedRunId: tenClass.id, run: tenClass, imageUris: {} };
}
