// The classification report (per class, averages, accuracy) and the run's timings.
import { calibrationSentence, figureRows, intervalsCaption } from '../../src/engine/eval/uncertaintyText';
import type { ClassScores, EvalReport, RunRecord } from '../../src/engine/types';
import { el, section, setChildren } from '../shared/dom';
import { duration, fixed, percent } from '../shared/format';

export class ReportView {
  readonly root: HTMLElement;
  readonly exportButtonSlot = el('div', { className: 'card-actions' });
  private readonly body: HTMLElement;

  constructor() {
    const { root, body } = section('report', 'Test report');
    root.querySelector('h2')?.after(this.exportButtonSlot);
    this.root = root;
    this.body = body;
  }

  update(run: RunRecord | undefined): void {
    const m = run?.metrics;
    this.root.hidden = !m;
    if (!run || !m) return;
    const row = (name: string, s: ClassScores, className?: string): HTMLElement =>
      el('tr', { className }, [
        el('th', { text: name, attrs: { scope: 'row' } }),
        el('td', { className: 'num', text: fixed(s.precision) }),
        el('td', { className: 'num', text: fixed(s.recall) }),
        el('td', { className: 'num', text: fixed(s.f1) }),
        el('td', { className: 'num', text: String(s.support) }),
      ]);
    const support = m.perClass.reduce((a, s) => a + s.support, 0);
    const table = el('table', { className: 'class-report' }, [
      el('caption', { text: 'Classification report on the test split' }),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: 'Class', attrs: { scope: 'col' } }),
          ...['precision', 'recall', 'F1', 'support'].map((h) => el('th', { className: 'num', text: h, attrs: { scope: 'col' } })),
        ]),
      ]),
      el('tbody', {}, m.classes.map((c, i) => row(c, m.perClass[i]!))),
      el('tfoot', {}, [
        el('tr', { className: 'accuracy' }, [
          el('th', { text: 'accuracy', attrs: { scope: 'row' } }),
          el('td', { className: 'num' }),
          el('td', { className: 'num' }),
          el('td', { className: 'num', text: fixed(m.accuracy) }),
          el('td', { className: 'num', text: String(support) }),
        ]),
        row('macro avg', m.macroAvg, 'macro'),
        row('weighted avg', m.weightedAvg, 'weighted'),
      ]),
    ]);

    const facts: [string, string][] = [
      ['Test accuracy', percent(m.accuracy)],
      ['Test loss', fixed(m.loss)],
    ];
    if (m.sensitivity !== undefined) facts.push(['Sensitivity', percent(m.sensitivity)]);
    if (m.specificity !== undefined) facts.push(['Specificity', percent(m.specificity)]);
    if (m.roc) facts.push(['ROC AUC', fixed(m.roc.auc)]);
    if (m.threshold && m.atDefault) {
      facts.push(['Decision threshold', `${fixed(m.threshold.value)} on P(${m.classes[m.threshold.positiveClass]})`]);
      const d = m.atDefault;
      facts.push(['At 0.5 instead', `accuracy ${percent(d.accuracy)}, sensitivity ${d.sensitivity === undefined ? 'n/a' : percent(d.sensitivity)}, specificity ${d.specificity === undefined ? 'n/a' : percent(d.specificity)}`]);
    }
    if (m.localization) facts.push(['Grad-CAM pointing game', `${percent(m.localization.share)} (${m.localization.hits} of ${m.localization.total})`]);
    if (run.bestEpoch !== undefined) facts.push(['Best epoch', String(run.bestEpoch)]);
    if (run.stoppedEpoch !== undefined) facts.push(['Stopped after epoch', String(run.stoppedEpoch)]);
    const t = run.timings;
    if (t) {
      facts.push(['Decoding', duration(t.decodeSeconds)], ['Training', duration(t.trainSeconds)], ['Evaluation', duration(t.evalSeconds)], ['Total', duration(t.totalSeconds)]);
    }
    setChildren(this.body, [
      table,
      intervalsTable(m),
      el('dl', { className: 'facts timings' }, facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
    ]);
  }
}

/** Each figure with its bootstrap interval. */
function intervalsTable(m: EvalReport): HTMLElement {
  const level = m.intervals ? `${Math.round(m.intervals.level * 100)}% interval` : 'interval';
  const rows = figureRows(m).map((r) =>
    el('tr', {}, [
      el('th', { text: r.name, attrs: { scope: 'row' } }),
      el('td', { className: 'num', text: fixed(r.value) }),
      el('td', { className: 'num interval', text: r.interval ? `${fixed(r.interval[0])} – ${fixed(r.interval[1])}` : '–' }),
    ]),
  );
  const notes = [intervalsCaption(m), calibrationSentence(m)].filter(Boolean).join(' ');
  return el('div', { className: 'intervals' }, [
    el('table', { className: 'figure-intervals' }, [
      el('caption', { text: 'Test figures with bootstrap intervals' }),
      el('thead', {}, [el('tr', {}, [el('th', { text: 'Figure', attrs: { scope: 'col' } }), el('th', { className: 'num', text: 'value', attrs: { scope: 'col' } }), el('th', { className: 'num', text: level, attrs: { scope: 'col' } })])]),
      el('tbody', {}, rows),
    ]),
    el('p', { className: 'note', text: notes }),
  ]);
}
