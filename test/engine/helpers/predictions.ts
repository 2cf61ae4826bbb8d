// Simulated model outputs for metric tests: seeded, with tied scores (rounded to 0.01) like a
// real softmax on a small test split, and a class name that needs CSV quoting.
import { gaussian, makeRng } from '../../../src/engine/data/rng';

export interface Predictions {
  classes: string[];
  labels: Int32Array;
  probabilities: Float32Array;
  paths: string[];
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Two classes, "fractured" positive; `rare` images of the other class. */
export function binaryPredictions(n: number, rare: number, seed: number, separation = 0.25): Predictions {
  const rng = makeRng(seed);
  const labels = Int32Array.from({ length: n }, (_, i) => (i < rare ? 1 : 0));
  const probabilities = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const p = Math.round(100 * clamp01(0.5 + (labels[i] === 0 ? separation : -separation) + 0.25 * gaussian(rng))) / 100;
    probabilities[i * 2] = p;
    probabilities[i * 2 + 1] = 1 - p;
  }
  const classes = ['fractured', 'not, "fractured"'];
  return { classes, labels, probabilities, paths: Array.from({ length: n }, (_, i) => `${classes[labels[i]]}/img ${i}.png`) };
}

/** k classes, softmax of noisy logits leaning to the true class. */
export function multiclassPredictions(k: number, n: number, seed: number): Predictions {
  const rng = makeRng(seed);
  const labels = Int32Array.from({ length: n }, () => Math.floor(rng() * k));
  const probabilities = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const logits = Array.from({ length: k }, (_, c) => gaussian(rng) + (c === labels[i] ? 1.5 : 0));
    const max = Math.max(...logits);
    const e = logits.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    e.forEach((v, c) => (probabilities[i * k + c] = v / sum));
  }
  const classes = Array.from({ length: k }, (_, c) => `class ${c}`);
  return { classes, labels, probabilities, paths: Array.from({ length: n }, (_, i) => `${classes[labels[i]]}/${i}.png`) };
}
