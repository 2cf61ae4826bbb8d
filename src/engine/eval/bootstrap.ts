// Seeded, stratified bootstrap intervals of the test figures. Each resample draws, within every
// true class, as many images as the class has (with replacement), so a rare class never vanishes
// from a resample. The images' predictions and scores are fixed; only multiplicities change, so
// one pass over the images (sorted once by score, for the AUC) scores a resample.
import type { BootstrapIntervals, Interval } from '../types';
import { makeRng, mixSeed } from '../data/rng';

export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_LEVEL = 0.95;

export interface BootstrapInput {
  labels: ArrayLike<number>;
  predicted: ArrayLike<number>;
  numClasses: number;
  /** Two classes: the positive class and its scores, for sensitivity, specificity and AUC. */
  positiveClass?: number;
  scores?: ArrayLike<number>;
  resamples?: number;
  seed?: number;
}

/** Cohen's kappa of a row-major [true, predicted] confusion of counts (or weights); NaN when chance agreement is total. */
export function kappaOf(conf: ArrayLike<number>, k: number): number {
  let total = 0;
  let agree = 0;
  let chance = 0;
  for (let a = 0; a < k; a++) {
    let row = 0;
    let col = 0;
    for (let b = 0; b < k; b++) {
      row += conf[a * k + b];
      col += conf[b * k + a];
    }
    agree += conf[a * k + a];
    chance += row * col;
    total += row;
  }
  // scikit-learn's form: 1 - observed disagreement / disagreement expected by chance.
  return 1 - (total - agree) / (total - chance / total);
}

/** numpy's default percentile (linear between order statistics) of sorted values. */
export function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

/** Weighted ROC AUC (ties count half); images in ascending score order, groupEnd[j] ends the tie group at position j. */
function weightedAuc(w: Int32Array, ascending: Int32Array, groupEnd: Int32Array, isPos: Uint8Array, pos: number, neg: number): number {
  let negBelow = 0;
  let sum = 0;
  for (let j = 0; j < ascending.length; ) {
    const end = groupEnd[j];
    let wp = 0;
    let wn = 0;
    for (let t = j; t < end; t++) {
      const i = ascending[t];
      if (isPos[i]) wp += w[i];
      else wn += w[i];
    }
    sum += wp * (negBelow + wn / 2);
    negBelow += wn;
    j = end;
  }
  return sum / (pos * neg);
}

export function bootstrapIntervals(input: BootstrapInput): BootstrapIntervals | undefined {
  const { labels, predicted, numClasses: k } = input;
  const n = labels.length;
  if (n === 0) return undefined;
  const resamples = input.resamples ?? BOOTSTRAP_RESAMPLES;
  const seed = input.seed ?? 0;
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[labels[i]].push(i);
  const binary = k === 2 && input.positiveClass !== undefined;
  const positive = input.positiveClass ?? 1;
  const withAuc = binary && input.scores !== undefined && members[0].length > 0 && members[1].length > 0;

  const isPos = Uint8Array.from({ length: n }, (_, i) => (labels[i] === positive ? 1 : 0));
  const ascending = Int32Array.from({ length: n }, (_, i) => i);
  const groupEnd = new Int32Array(n);
  if (withAuc) {
    const s = input.scores!;
    ascending.sort((a, b) => s[a] - s[b]);
    for (let j = n - 1; j >= 0; j--) groupEnd[j] = j + 1 < n && s[ascending[j + 1]] === s[ascending[j]] ? groupEnd[j + 1] : j + 1;
  }

  // Figure columns: accuracy, macro-F1, kappa, then precision/recall/F1 per class, then AUC.
  const figures = 3 + 3 * k + (withAuc ? 1 : 0);
  const draws = Array.from({ length: figures }, () => new Float64Array(resamples));
  const rng = makeRng(mixSeed(seed, 0x626f6f74));
  const w = new Int32Array(n);
  const conf = new Float64Array(k * k);
  for (let r = 0; r < resamples; r++) {
    w.fill(0);
    for (const m of members) for (let j = 0; j < m.length; j++) w[m[Math.floor(rng() * m.length)]]++;
    conf.fill(0);
    for (let i = 0; i < n; i++) if (w[i]) conf[labels[i] * k + predicted[i]] += w[i];
    let agree = 0;
    let f1Sum = 0;
    for (let c = 0; c < k; c++) {
      let row = 0;
      let col = 0;
      for (let b = 0; b < k; b++) {
        row += conf[c * k + b];
        col += conf[b * k + c];
      }
      const tp = conf[c * k + c];
      agree += tp;
      const precision = col === 0 ? 0 : tp / col;
      const recall = row === 0 ? 0 : tp / row;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      f1Sum += f1;
      draws[3 + 3 * c][r] = precision;
      draws[4 + 3 * c][r] = recall;
      draws[5 + 3 * c][r] = f1;
    }
    draws[0][r] = agree / n;
    draws[1][r] = f1Sum / k;
    draws[2][r] = kappaOf(conf, k);
    if (withAuc) draws[3 + 3 * k][r] = weightedAuc(w, ascending, groupEnd, isPos, members[positive].length, n - members[positive].length);
  }
  const alpha = (1 - BOOTSTRAP_LEVEL) / 2;
  const interval = (d: Float64Array): Interval => {
    // A resample without chance disagreement has no kappa; it does not vote.
    const sorted = d.filter((v) => !Number.isNaN(v)).sort();
    return [percentile(sorted, alpha), percentile(sorted, 1 - alpha)];
  };
  const perClass = Array.from({ length: k }, (_, c) => ({ precision: interval(draws[3 + 3 * c]), recall: interval(draws[4 + 3 * c]), f1: interval(draws[5 + 3 * c]) }));
  const out: BootstrapIntervals = {
    level: BOOTSTRAP_LEVEL,
    resamples,
    seed,
    accuracy: interval(draws[0]),
    macroF1: interval(draws[1]),
    kappa: interval(draws[2]),
    perClass,
  };
  if (binary) {
    out.sensitivity = perClass[positive].recall;
    out.specificity = perClass[1 - positive].recall;
    if (withAuc) out.auc = interval(draws[3 + 3 * k]);
  }
  return out;
}
