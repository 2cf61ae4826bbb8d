// Several images: one row each with a thumbnail of the overlay; a row opens large beside the table.
// Rows are focusable; Enter, Space, click and the arrow keys choose one.
import { noEvidenceNote } from '../../src/engine/gradcam/evidenceNote';
import type { ClassifyItem } from '../../src/protocol/webview';
import { el, onActivate } from '../shared/dom';
import { percent } from '../shared/format';

export class ResultsTable {
  readonly root = el('section', { className: 'card table-card', attrs: { 'aria-label': 'Classified images' } });
  private rows: HTMLTableRowElement[] = [];

  constructor(private readonly onSelect: (index: number) => void) {}

  render(items: ClassifyItem[], selected: number, busy: boolean): void {
    const body = el('tbody');
    this.rows = items.map((item, i) => this.row(item, i, i === selected, busy));
    body.append(...this.rows);
    const failed = items.filter((i) => i.error).length;
    const summary = `${items.length} images${failed ? `, ${failed} could not be read` : ''}`;
    const head = el('thead', {}, [
      el('tr', {}, ['Image', 'File', 'Prediction', 'Confidence', 'Time'].map((h, i) => el('th', { text: h, className: i >= 3 ? 'num' : undefined, attrs: { scope: 'col' } }))),
    ]);
    const table = el('table', { className: 'results', attrs: { role: 'grid', 'aria-label': summary } }, [head, body]);
    body.addEventListener('keydown', (e) => this.onKey(e));
    this.root.replaceChildren(el('h2', { text: summary }), table);
  }

  private row(item: ClassifyItem, index: number, selected: boolean, busy: boolean): HTMLTableRowElement {
    const p = item.prediction;
    const thumbSrc = item.overlayUri ?? item.imageUri;
    const thumb = thumbSrc ? el('img', { className: 'thumb', attrs: { src: thumbSrc, alt: item.overlayUri ? `Overlay of ${item.name}` : item.name } }) : null;
    const cells: HTMLTableCellElement[] = [el('td', {}, [thumb]), el('td', { className: 'file', text: item.name, title: item.path })];
    if (item.error) {
      cells.push(el('td', { className: 'row-error', text: item.error, attrs: { colspan: 3 } }));
    } else if (p) {
      const explained = p.classes[p.explainedIndex] ?? String(p.explainedIndex);
      // A blank heat map is marked in the row too, so it is not mistaken for a thumbnail that failed to draw.
      const blank = p.noPositiveEvidence ? el('span', { className: 'no-evidence-mark', text: 'blank map', title: noEvidenceNote(explained) }) : null;
      cells.push(
        el('td', { className: 'prediction' }, [p.classes[p.predictedIndex] ?? String(p.predictedIndex), blank]),
        el('td', { className: 'num', text: percent(p.probabilities[p.predictedIndex] ?? NaN) }),
        el('td', { className: 'num', text: `${Math.round(p.milliseconds)} ms` }),
      );
    } else {
      cells.push(el('td', { className: 'muted', text: busy ? 'Classifying…' : '–', attrs: { colspan: 3 } }));
    }
    const tr = el('tr', { attrs: { tabindex: selected ? 0 : -1, 'aria-selected': selected ? 'true' : 'false', 'data-index': index } }, cells);
    onActivate(tr, () => this.onSelect(index));
    return tr;
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const current = this.rows.findIndex((r) => r === document.activeElement);
    if (current < 0) return;
    e.preventDefault();
    const last = this.rows.length - 1;
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? last : Math.max(0, Math.min(last, current + (e.key === 'ArrowDown' ? 1 : -1)));
    this.rows[next]?.focus();
    this.onSelect(next);
  }

  /** Keeps keyboard focus on the chosen row after a re-render. */
  focus(index: number): void {
    this.rows[index]?.focus();
  }
}
