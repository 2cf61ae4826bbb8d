// Precision-recall curve and average precision of the positive class, with scikit-learn's
// conventions (precision_recall_curve, average_precision_score): one point per distinct score,
// precision 0 where nothing is called positive, and no interpolation between points.
import type { PrCurve } from '../types';

/** Indices of `scores` from highest to lowest. */
export function descendingOrder(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b] - scores[a]);
}

/** Undefined when no image is positive (recall has no denominator). */
export function prCurve(isPositive: ArrayLike<boolean>, scores: ArrayLike<number>, positiveClass: number): PrCurve | undefined {
  const n = scores.length;
  let pos = 0;
  for (let i = 0; i < n; i++) if (isPositive[i]) pos++;
  if (pos === 0) return undefined;
  const order = descendingOrder(scores);
  // Walking down the scores: everything at or above the current score is called positive.
  const falling: [number, number][] = [];
  let tp = 0;
  for (let j = 0; j < n; j++) {
    if (isPositive[order[j]]) tp++;
    if (j < n - 1 && scores[order[j + 1]] === scores[order[j]]) continue;
    falling.push([tp / pos, tp / (j + 1)]);
  }
  const points = falling.reverse();
  points.push([0, 1]);
  let ap = 0;
  for (let i = 0; i < points.length - 1; i++) ap += (points[i][0] - points[i + 1][0]) * points[i][1];
  return { positiveClass, averagePrecision: ap, points, prevalence: pos / n };
}
