// predictions.csv: one row per validation and test image with every class's probability, so the
// report's figures can be redone in any tool. The predicted class comes from the same rule as the
// report (the stored threshold with two classes, else argmax). RFC 4180 quoting.
import type { DecisionThreshold } from '../types';
import { decide } from './threshold';

export interface PredictionSplit {
  split: 'val' | 'test';
  /** Relative to the dataset folder, '/' separators. */
  paths: readonly string[];
  labels: ArrayLike<number>;
  /** Row-major [images, classes]. */
  probabilities: ArrayLike<number>;
  /** Group key per image ('' when none): hashed patient or study, never an identifier. */
  groups?: readonly string[];
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Header: path, split, true, p_<class> per class, predicted, group. */
export function predictionsCsv(classes: readonly string[], splits: PredictionSplit[], threshold?: DecisionThreshold): string {
  const k = classes.length;
  const header = ['path', 'split', 'true', ...classes.map((c) => `p_${c}`), 'predicted', 'group'];
  const lines = [header.map(csvField).join(',')];
  for (const s of splits) {
    for (let i = 0; i < s.labels.length; i++) {
      // The shortest decimal that reads back as the same double: figures recomputed from the file match exactly.
      const probs = Array.from({ length: k }, (_, c) => String(s.probabilities[i * k + c]));
      const predicted = decide(s.probabilities, i * k, k, k === 2 ? threshold : undefined);
      lines.push([csvField(s.paths[i]), s.split, csvField(classes[s.labels[i]]), ...probs, csvField(classes[predicted]), csvField(s.groups?.[i] ?? '')].join(','));
    }
  }
  return lines.join('\n') + '\n';
}
