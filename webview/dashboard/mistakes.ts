// Misclassified test images as thumbnails: true and predicted class and the confidence.
// A thumbnail opens its image; the Classify button runs Grad-CAM on it.
import type { EvalReport } from '../../src/engine/types';
import { el, onActivate, section, setChildren } from '../shared/dom';
import { baseName, percent } from '../shared/format';
import { toolkitButton } from '../shared/toolkit';

const SHOWN = 48;

export class MistakesView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;

  constructor(
    private readonly openFile: (path: string) => void,
    private readonly classify: (path: string) => void,
  ) {
    const { root, body } = section('mistakes', 'Misclassified test images');
    this.root = root;
    this.body = body;
  }

  update(metrics: EvalReport | undefined, imageUris: Record<string, string>): void {
    this.root.hidden = !metrics;
    if (!metrics) return;
    if (metrics.misclassified.length === 0) {
      setChildren(this.body, [el('p', { className: 'empty', text: 'Every test image was classified correctly.' })]);
      return;
    }
    // Most confident mistakes first: those are the ones worth a look.
    const items = [...metrics.misclassified].sort((a, b) => b.confidence - a.confidence);
    const shown = items.slice(0, SHOWN);
    const list = el(
      'ul',
      { className: 'thumbs', attrs: { 'aria-label': 'Misclassified test images' } },
      shown.map((m) => {
        const name = baseName(m.path);
        const truth = metrics.classes[m.trueIndex] ?? String(m.trueIndex);
        const pred = metrics.classes[m.predIndex] ?? String(m.predIndex);
        const uri = imageUris[m.path];
        const picture = uri
          ? el('img', { attrs: { src: uri, alt: name, decoding: 'async' } })
          : el('div', { className: 'no-image', text: 'no preview' });
        const open = el(
          'div',
          {
            className: 'thumb-open',
            title: m.path,
            attrs: { role: 'button', tabindex: 0, 'aria-label': `Open ${name}: true ${truth}, predicted ${pred} with ${percent(m.confidence)} confidence` },
          },
          [
            picture,
            el('span', { className: 'file-name', text: name }),
            el('span', { className: 'labels' }, [
              el('span', { text: `true ${truth}` }),
              el('span', { className: 'pred', text: `predicted ${pred} · ${percent(m.confidence, 0)}` }),
            ]),
          ],
        );
        onActivate(open, () => this.openFile(m.path));
        const classify = toolkitButton('Classify', { appearance: 'secondary', ariaLabel: `Classify ${name} with Grad-CAM` });
        classify.classList.add('classify');
        classify.addEventListener('click', () => this.classify(m.path));
        return el('li', { className: 'thumb', attrs: { 'data-path': m.path } }, [open, classify]);
      }),
    );
    const more = items.length > shown.length ? el('p', { className: 'note', text: `Showing the ${SHOWN} most confident of ${items.length} mistakes.` }) : null;
    setChildren(this.body, [list, more]);
  }
}
