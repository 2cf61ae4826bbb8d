// The operating point of a two-class model, chosen with a slider: the confusion matrix,
// sensitivity, specificity, PPV and NPV at that threshold, computed here from the test images'
// scores (the run's testScores), and an action that stores the threshold with the model.
import type { EvalReport, TestScores } from '../../src/engine/types';
import { el, section } from '../shared/dom';
import { fixed, percent } from '../shared/format';
import { toolkitButton } from '../shared/toolkit';

export interface OperatingFigures {
  threshold: number;
  tp: number;
  fn: number;
  fp: number;
  tn: number;
  sensitivity: number;
  specificity: number;
  ppv: number;
  npv: number;
}

const ratio = (a: number, b: number) => (b === 0 ? NaN : a / b);

/** Images scoring at least `threshold` are called positive, as the engine's decide() does. */
export function figuresAt(ts: TestScores, threshold: number): OperatingFigures {
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  ts.scores.forEach((s, i) => {
    const called = s >= threshold;
    if (ts.positive[i]) called ? tp++ : fn++;
    else called ? fp++ : tn++;
  });
  return { threshold, tp, fn, fp, tn, sensitivity: ratio(tp, tp + fn), specificity: ratio(tn, tn + fp), ppv: ratio(tp, tp + fp), npv: ratio(tn, tn + fn) };
}

/** The figures as a confusion matrix in class order (rows true, columns predicted). */
export function confusionOf(f: OperatingFigures, positiveClass: number): number[][] {
  const p = positiveClass;
  const m = [
    [0, 0],
    [0, 0],
  ];
  m[p]![p] = f.tp;
  m[p]![1 - p] = f.fn;
  m[1 - p]![p] = f.fp;
  m[1 - p]![1 - p] = f.tn;
  return m;
}

export class OperatingPointView {
  readonly root: HTMLElement;
  readonly slider = el('input', { className: 'threshold-slider', attrs: { type: 'range', min: 0, max: 1, step: 0.001, 'aria-label': 'Decision threshold' } });
  private readonly valueText = el('output', { className: 'threshold-value' });
  private readonly sliderLabel = el('span', { text: 'Threshold on P(positive) ' });
  private readonly facts = el('dl', { className: 'facts operating' });
  private readonly note = el('p', { className: 'note' });
  private readonly status = el('p', { className: 'note use-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly useButton = toolkitButton('Use this threshold', { ariaLabel: 'Use this threshold for predict and Classify X-ray' });
  private scores?: TestScores;
  private classes: string[] = [];

  constructor(
    private readonly onChange: (f: OperatingFigures | undefined) => void,
    onUse: (value: number) => void,
  ) {
    const { root, body } = section('operating', 'Operating point');
    this.slider.addEventListener('input', () => this.move());
    this.useButton.addEventListener('click', () => onUse(Number(this.slider.value)));
    body.append(el('label', { className: 'slider-row' }, [this.sliderLabel, this.slider, this.valueText]), this.facts, el('div', { className: 'card-actions' }, [this.useButton]), this.status, this.note);
    this.root = root;
  }

  /** A new run or new metrics: back to the threshold the model uses. */
  update(metrics: EvalReport | undefined, canStore: boolean): void {
    this.scores = metrics?.testScores;
    this.classes = metrics?.classes ?? [];
    this.root.hidden = !this.scores;
    this.status.textContent = '';
    if (!metrics || !this.scores) {
      this.onChange(undefined);
      return;
    }
    this.useButton.hidden = !canStore;
    this.sliderLabel.textContent = `Threshold on P(${this.classes[this.scores.positiveClass] ?? 'positive'}) `;
    const stored = metrics.threshold?.value ?? 0.5;
    this.slider.value = String(stored);
    this.note.textContent = `The model uses ${fixed(stored)}${metrics.threshold ? '' : ' (the plain 0.5 rule)'}. A threshold picked here by looking at the test split makes its test figures optimistic.`;
    this.move();
  }

  showStatus(text: string): void {
    this.status.textContent = text;
  }

  private move(): void {
    if (!this.scores) return;
    const f = figuresAt(this.scores, Number(this.slider.value));
    const positive = this.classes[this.scores.positiveClass] ?? 'positive';
    this.valueText.textContent = fixed(f.threshold);
    const rows: [string, string][] = [
      ['Sensitivity', `${percent(f.sensitivity)} (${f.tp} of ${f.tp + f.fn} ${positive})`],
      ['Specificity', `${percent(f.specificity)} (${f.tn} of ${f.tn + f.fp})`],
      ['PPV', `${percent(f.ppv)} (${f.tp} of ${f.tp + f.fp} called ${positive})`],
      ['NPV', `${percent(f.npv)} (${f.tn} of ${f.tn + f.fn} called otherwise)`],
    ];
    this.facts.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v, attrs: { 'data-figure': k.toLowerCase() } })]));
    this.onChange(f);
  }
}
