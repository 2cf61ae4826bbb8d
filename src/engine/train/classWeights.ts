import type { ClassWeighting } from '../config';

export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Largest over smallest class count; Infinity when a class has no samples. */
export function imbalance(counts: number[]): number {
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  return min === 0 ? Infinity : max / min;
}

/**
 * scikit-learn's 'balanced' weights, n_samples / (n_classes * count_c), when asked for, or under 'auto'
 * when the largest class is more than twice the smallest. A class absent from training gets 1 (it never
 * contributes to the loss). Undefined means no weighting.
 */
export function computeClassWeights(labels: ArrayLike<number>, numClasses: number, mode: ClassWeighting): number[] | undefined {
  if (mode === 'none') return undefined;
  const counts = classCounts(labels, numClasses);
  if (mode === 'auto' && !(imbalance(counts) > 2)) return undefined;
  const n = labels.length;
  return counts.map((c) => (c > 0 ? n / (numClasses * c) : 1));
}
