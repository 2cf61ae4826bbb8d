// Is run B better than run A on the same test images? DeLong's test for the difference of two
// correlated ROC AUCs (DeLong, DeLong and Clarke-Pearson, Biometrics 1988) and McNemar's exact
// test for paired accuracy (two-sided binomial on the discordant images). Both need the two runs'
// predictions on the very same images with the same truth: predictions.csv of each run.
import type { Interval } from '../types';

export interface PairedRun {
  paths: readonly string[];
  labels: ArrayLike<number>;
  /** The run's decision per image. */
  predicted: ArrayLike<number>;
  /** Two classes: P(positive) per image. */
  scores?: ArrayLike<number>;
}

export interface DeLongResult {
  aucA: number;
  aucB: number;
  /** B - A, with its 95% interval from DeLong's variance. */
  difference: number;
  interval: Interval;
  z: number;
  p: number;
}

export interface McNemarResult {
  accuracyA: number;
  accuracyB: number;
  /** Images A got right and B wrong, and the reverse. */
  onlyA: number;
  onlyB: number;
  p: number;
}

export type PairedComparison = { images: number; mcnemar: McNemarResult; delong?: DeLongResult } | { notPaired: string };

/** erfc by the Chebyshev fit of Numerical Recipes (fractional error below 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** Two-sided p-value of a standard normal z. */
export const twoSidedP = (z: number) => erfc(Math.abs(z) / Math.SQRT2);

/** Exact two-sided McNemar p: twice the binomial(onlyA + onlyB, 1/2) tail at the smaller count, at most 1. */
export function mcnemarP(onlyA: number, onlyB: number): number {
  const n = onlyA + onlyB;
  if (n === 0) return 1;
  const k = Math.min(onlyA, onlyB);
  // Sum of C(n, i) / 2^n for i <= k, in logs: 2^-n underflows past n = 1074.
  let logC = 0;
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/** DeLong's test of AUC(B) - AUC(A) on the same positives and negatives. */
export function delong(isPositive: ArrayLike<boolean>, scoresA: ArrayLike<number>, scoresB: ArrayLike<number>): DeLongResult | undefined {
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < isPositive.length; i++) (isPositive[i] ? pos : neg).push(i);
  const m = pos.length;
  const n = neg.length;
  if (m < 2 || n < 2) return undefined;
  const psi = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
  // Structural components: each positive's share of negatives it outranks (V10), each negative's share of positives above it (V01).
  const comps = [scoresA, scoresB].map((s) => {
    const v10 = new Float64Array(m);
    const v01 = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        const h = psi(s[pos[i]], s[neg[j]]);
        v10[i] += h;
        v01[j] += h;
      }
    }
    for (let i = 0; i < m; i++) v10[i] /= n;
    for (let j = 0; j < n; j++) v01[j] /= m;
    const auc = v10.reduce((a, b) => a + b, 0) / m;
    return { v10, v01, auc };
  });
  const cov = (x: Float64Array, y: Float64Array, mx: number, my: number) => {
    let sum = 0;
    for (let i = 0; i < x.length; i++) sum += (x[i] - mx) * (y[i] - my);
    return sum / (x.length - 1);
  };
  const [a, b] = comps as [(typeof comps)[0], (typeof comps)[0]];
  const s10 = (p: typeof a, q: typeof a) => cov(p.v10, q.v10, p.auc, q.auc);
  const s01 = (p: typeof a, q: typeof a) => cov(p.v01, q.v01, p.auc, q.auc);
  const variance = (s10(a, a) + s10(b, b) - 2 * s10(a, b)) / m + (s01(a, a) + s01(b, b) - 2 * s01(a, b)) / n;
  const difference = b.auc - a.auc;
  const se = Math.sqrt(Math.max(0, variance));
  // Identical scores (or identical rankings) leave nothing to test.
  const z = se > 0 ? difference / se : 0;
  return { aucA: a.auc, aucB: b.auc, difference, interval: [difference - 1.959963984540054 * se, difference + 1.959963984540054 * se], z, p: se > 0 ? twoSidedP(z) : 1 };
}

/** Pairs two runs' test predictions by path; says why not when the test sets differ. */
export function pairedComparison(a: PairedRun, b: PairedRun, positiveClass?: number): PairedComparison {
  if (a.paths.length !== b.paths.length) return { notPaired: `the test splits hold ${a.paths.length} and ${b.paths.length} images` };
  const inB = new Map(b.paths.map((p, i) => [p, i]));
  const order: number[] = [];
  for (let i = 0; i < a.paths.length; i++) {
    const j = inB.get(a.paths[i]);
    if (j === undefined) return { notPaired: `${a.paths[i]} is in A's test split only` };
    if (a.labels[i] !== b.labels[j]) return { notPaired: `${a.paths[i]} has a different true class in the two runs` };
    order.push(j);
  }
  let rightA = 0;
  let rightB = 0;
  let onlyA = 0;
  let onlyB = 0;
  order.forEach((j, i) => {
    const okA = a.predicted[i] === a.labels[i];
    const okB = b.predicted[j] === b.labels[j];
    if (okA) rightA++;
    if (okB) rightB++;
    if (okA && !okB) onlyA++;
    if (okB && !okA) onlyB++;
  });
  const images = order.length;
  const out: PairedComparison = { images, mcnemar: { accuracyA: rightA / images, accuracyB: rightB / images, onlyA, onlyB, p: mcnemarP(onlyA, onlyB) } };
  if (positiveClass !== undefined && a.scores && b.scores) {
    const isPositive = Array.from({ length: images }, (_, i) => a.labels[i] === positiveClass);
    const d = delong(isPositive, a.scores, Array.from(order, (j) => b.scores![j]));
    if (d) out.delong = d;
  }
  return out;
}
