// Plain-text tables in the layouts Python users know: scikit-learn's classification_report and a labelled confusion matrix.
import type { ClassScores, DecisionThreshold, EvalReport } from '../types';
import { figuresText } from './uncertaintyText';

/**
 * Python's format(x, '.Nf'): rounds the exact binary value, ties to even
 * (JavaScript's toFixed breaks exact ties upwards, so 0.125 would print 0.13 instead of 0.12).
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x !== x ? 'nan' : x > 0 ? 'inf' : '-inf';
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const [whole, frac] = exact.split('.');
  const kept = whole + (frac ?? '').slice(0, digits);
  const rest = (frac ?? '').slice(digits);
  let n = BigInt(kept);
  const half = rest[0] > '5' || (rest[0] === '5' && /[1-9]/.test(rest.slice(1)));
  const tie = rest[0] === '5' && !/[1-9]/.test(rest.slice(1));
  if (half || (tie && n % 2n === 1n)) n += 1n;
  let s = n.toString().padStart(digits + 1, '0');
  if (digits > 0) s = `${s.slice(0, -digits)}.${s.slice(-digits)}`;
  return (x < 0 || Object.is(x, -0)) && /[1-9]/.test(s) ? `-${s}` : s;
}

const right = (s: string, w: number) => s.padStart(w);

/** scikit-learn's classification_report(y_true, y_pred, target_names=classes, digits=digits), character for character. */
export function classificationReportText(report: EvalReport, digits = 2): string {
  const headers = ['precision', 'recall', 'f1-score', 'support'];
  const width = Math.max(...report.classes.map((c) => c.length), 'weighted avg'.length, digits);
  const row = (name: string, s: ClassScores) =>
    `${right(name, width)} ` + [s.precision, s.recall, s.f1].map((v) => ` ${right(pyFixed(v, digits), 9)}`).join('') + ` ${right(String(s.support), 9)}\n`;
  let out = `${right('', width)} ` + headers.map((h) => ` ${right(h, 9)}`).join('') + '\n\n';
  report.classes.forEach((name, i) => (out += row(name, report.perClass[i])));
  out += '\n';
  const total = report.weightedAvg.support;
  out += `${right('accuracy', width)} ` + ` ${right('', 9)}`.repeat(2) + ` ${right(pyFixed(report.accuracy, digits), 9)}` + ` ${right(String(total), 9)}\n`;
  out += row('macro avg', report.macroAvg);
  out += row('weighted avg', report.weightedAvg);
  return out;
}

/** Confusion matrix with true classes as rows and predicted classes as columns. */
export function confusionMatrixText(report: EvalReport): string {
  const names = report.classes;
  const cells = report.confusion.map((r) => r.map(String));
  const labelW = Math.max('true \\ predicted'.length, ...names.map((n) => n.length));
  const colW = names.map((n, j) => Math.max(n.length, ...cells.map((r) => r[j].length)));
  const lines = [[right('true \\ predicted', labelW), ...names.map((n, j) => right(n, colW[j]))].join('  ')];
  names.forEach((n, i) => lines.push([right(n, labelW), ...cells[i].map((c, j) => right(c, colW[j]))].join('  ')));
  return lines.join('\n') + '\n';
}

/** How the decision threshold was chosen, in words. */
export function thresholdHow(t: DecisionThreshold): string {
  if (t.method === 'target-sensitivity') return `the highest reaching validation sensitivity ${t.targetSensitivity}`;
  if (t.method === 'chosen') return 'chosen on the operating-point slider';
  return 'maximising validation sensitivity + specificity';
}

/** classification_report.txt: scikit-learn's table, the confusion matrix, then every figure with its interval. */
export function classificationReportFile(m: EvalReport): string {
  return classificationReportText(m) + '\nConfusion matrix (rows: true class, columns: predicted):\n\n' + confusionMatrixText(m) + '\n' + figuresText(m);
}
