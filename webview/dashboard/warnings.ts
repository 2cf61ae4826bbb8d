// The model's warnings as a card above the charts: what is wrong with the trained model and what
// to try. A run can end "completed" with a model that is no use; this card is where that shows.
import { warningHeadline } from '../../src/engine/eval/healthText';
import type { RunRecord } from '../../src/engine/types';
import { el, section, setChildren } from '../shared/dom';

export class WarningsView {
  readonly root: HTMLElement;
  private readonly heading: HTMLElement;
  private readonly body: HTMLElement;

  constructor() {
    const { root, body } = section('model-warnings', '');
    this.root = root;
    this.body = body;
    this.heading = root.querySelector('h2') as HTMLElement;
  }

  update(run: RunRecord | undefined): void {
    const warnings = run?.metrics?.warnings ?? [];
    this.root.hidden = warnings.length === 0;
    if (warnings.length === 0) return;
    this.heading.textContent = warningHeadline(warnings);
    const items = warnings.map((w) =>
      el('li', { className: 'model-warning', attrs: { 'data-code': w.code } }, [
        el('p', { className: 'warning-message', text: w.message }),
        el('p', { className: 'warning-suggestion' }, [el('strong', { text: 'Try: ' }), w.suggestion]),
      ]),
    );
    setChildren(this.body, [el('ul', { className: 'warning-list' }, items)]);
  }
}
