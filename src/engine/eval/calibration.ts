// Whether a probability of 0.8 comes true 8 times in 10: Brier score, expected calibration error
// and the reliability diagram's bins. Bins are scikit-learn's calibration_curve(strategy='uniform'):
// equal widths, each holding (lower, upper], the first also 0.
import type { Calibration, ReliabilityBin } from '../types';

export const CALIBRATION_BINS = 15;

/** Reliability bins of probabilities against outcomes (1 or 0); empty bins are left out, as calibration_curve does. */
export function reliabilityBins(probability: ArrayLike<number>, outcome: ArrayLike<number>, bins = CALIBRATION_BINS): ReliabilityBin[] {
  // i * step, as numpy's linspace computes them, so a probability on an edge lands in the same bin.
  const step = 1 / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : i * step));
  const count = new Float64Array(bins);
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  for (let i = 0; i < probability.length; i++) {
    const p = probability[i];
    // searchsorted(edges[1:-1], p, side='left'): the number of inner edges strictly below p.
    let b = 0;
    while (b < bins - 1 && edges[b + 1] < p) b++;
    count[b]++;
    sumP[b] += p;
    sumY[b] += outcome[i];
  }
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.push({ lower: edges[b], upper: edges[b + 1], count: count[b], meanPredicted: sumP[b] / count[b], observed: sumY[b] / count[b] });
  }
  return out;
}

function ece(bins: ReliabilityBin[], n: number): number {
  return bins.reduce((a, b) => a + (b.count / n) * Math.abs(b.observed - b.meanPredicted), 0);
}

/**
 * Two classes: of P(positive). More: Brier summed over all classes per image, and the bins of the
 * top class's probability against whether the top class was the true one.
 */
export function calibration(labels: ArrayLike<number>, probabilities: ArrayLike<number>, numClasses: number, positiveClass?: number): Calibration | undefined {
  const n = labels.length;
  if (n === 0) return undefined;
  const p = new Float64Array(n);
  const y = new Float64Array(n);
  let brier = 0;
  if (numClasses === 2 && positiveClass !== undefined) {
    for (let i = 0; i < n; i++) {
      p[i] = probabilities[i * 2 + positiveClass];
      y[i] = labels[i] === positiveClass ? 1 : 0;
      brier += (y[i] - p[i]) ** 2;
    }
    const bins = reliabilityBins(p, y);
    return { of: 'positive', positiveClass, brier: brier / n, ece: ece(bins, n), bins };
  }
  for (let i = 0; i < n; i++) {
    let top = 0;
    for (let c = 0; c < numClasses; c++) {
      const v = probabilities[i * numClasses + c];
      brier += ((labels[i] === c ? 1 : 0) - v) ** 2;
      if (v > probabilities[i * numClasses + top]) top = c;
    }
    p[i] = probabilities[i * numClasses + top];
    y[i] = top === labels[i] ? 1 : 0;
  }
  const bins = reliabilityBins(p, y);
  return { of: 'top-label', brier: brier / n, ece: ece(bins, n), bins };
}
