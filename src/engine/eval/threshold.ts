// The decision threshold of a two-class model, chosen on the validation split: by default the one
// that maximises sensitivity + specificity (Youden's J), or the highest one that still reaches a
// target sensitivity. With a rare class, 0.5 on the softmax is rarely the best place to cut.
import type { DecisionThreshold } from '../types';

export function chooseThreshold(labels: ArrayLike<number>, probabilities: ArrayLike<number>, positiveClass: number, targetSensitivity = 0): DecisionThreshold | undefined {
  const n = labels.length;
  const scored = Array.from({ length: n }, (_, i) => ({ s: probabilities[i * 2 + positiveClass], pos: labels[i] === positiveClass }));
  const pos = scored.filter((e) => e.pos).length;
  const neg = n - pos;
  if (pos === 0 || neg === 0) return undefined;
  scored.sort((a, b) => b.s - a.s);
  // Walking down the scores: predicting positive for everything at or above scored[i].s.
  let tp = 0;
  let fp = 0;
  let best: { t: number; sens: number; spec: number; j: number } | undefined;
  for (let i = 0; i < n; i++) {
    if (scored[i].pos) tp++;
    else fp++;
    if (i + 1 < n && scored[i + 1].s === scored[i].s) continue;
    const sens = tp / pos;
    const spec = 1 - fp / neg;
    // Halfway to the next lower score: a new image scoring between the two is not decided by a hair.
    const t = i + 1 < n ? (scored[i].s + scored[i + 1].s) / 2 : scored[i].s;
    if (targetSensitivity > 0) {
      if (sens >= targetSensitivity) {
        best = { t, sens, spec, j: sens + spec };
        break;
      }
    } else if (!best || sens + spec > best.j + 1e-12) {
      best = { t, sens, spec, j: sens + spec };
    }
  }
  if (!best) return undefined;
  return {
    positiveClass,
    value: best.t,
    method: targetSensitivity > 0 ? 'target-sensitivity' : 'youden',
    ...(targetSensitivity > 0 ? { targetSensitivity } : {}),
    valSensitivity: best.sens,
    valSpecificity: best.spec,
  };
}

/** The predicted class of one row of probabilities under a threshold (argmax without one). */
export function decide(probabilities: ArrayLike<number>, offset: number, numClasses: number, threshold?: { positiveClass: number; value: number }): number {
  if (threshold && numClasses === 2) return probabilities[offset + threshold.positiveClass] >= threshold.value ? threshold.positiveClass : 1 - threshold.positiveClass;
  let best = 0;
  for (let c = 1; c < numClasses; c++) if (probabilities[offset + c] > probabilities[offset + best]) best = c;
  return best;
}
