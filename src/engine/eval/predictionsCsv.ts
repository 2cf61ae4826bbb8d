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

/** RFC 4180 CSV to rows of fields (quoted fields may hold commas, quotes and newlines). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

/** The splits of a predictions.csv written by predictionsCsv, with the class names of its header. */
export function readPredictionsCsv(text: string, file: string): { classes: string[]; splits: PredictionSplit[] } {
  const [header, ...rows] = parseCsv(text).filter((r) => r.length > 1);
  const k = (header?.length ?? 0) - 5;
  if (!header || k < 2 || header[0] !== 'path' || header[k + 3] !== 'predicted') throw new Error(`${file} is not a predictions file (header: ${header?.join(',') ?? 'none'})`);
  const classes = header.slice(3, 3 + k).map((h) => h.replace(/^p_/, ''));
  const splits: PredictionSplit[] = [];
  for (const split of ['val', 'test'] as const) {
    const mine = rows.filter((r) => r[1] === split);
    const labels = mine.map((r, i) => {
      const c = classes.indexOf(r[2]!);
      if (c < 0 || r.length !== header.length) throw new Error(`${file}: ${split} row ${i + 1} (${r[0]}) has an unknown class or a wrong number of fields`);
      return c;
    });
    const probabilities = Float64Array.from(mine.flatMap((r) => r.slice(3, 3 + k).map(Number)));
    if (probabilities.some((p) => !(p >= 0 && p <= 1))) throw new Error(`${file}: a ${split} probability is not a number between 0 and 1`);
    splits.push({ split, paths: mine.map((r) => r[0]!), labels, probabilities, groups: mine.map((r) => r[k + 4] ?? '') });
  }
  return { classes, splits };
}
