// Confusion matrix as a heat map table: counts with row-normalised percentages (the share of
// each true class), shaded by that share. Also drawn to a canvas for the PNG export.
import type { EvalReport } from '../../src/engine/types';
import { el, section, setChildren } from '../shared/dom';
import { percent } from '../shared/format';
import type { ThemeColors } from '../shared/theme';

export function rowShares(confusion: number[][]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((n) => (total > 0 ? n / total : 0));
  });
}

export class ConfusionView {
  readonly root: HTMLElement;
  readonly exportButtonSlot = el('div', { className: 'card-actions' });
  private readonly body: HTMLElement;
  private metrics?: EvalReport;

  constructor() {
    const { root, body } = section('confusion', 'Confusion matrix');
    root.querySelector('h2')?.after(this.exportButtonSlot);
    this.root = root;
    this.body = body;
  }

  update(metrics: EvalReport | undefined): void {
    this.metrics = metrics;
    this.root.hidden = !metrics;
    if (!metrics) return;
    const shares = rowShares(metrics.confusion);
    const { classes, confusion } = metrics;
    const table = el('table', { className: 'heatmap' }, [
      el('caption', { text: 'Rows: true class · columns: predicted class · % of the true class' }),
      el('thead', {}, [
        el('tr', {}, [
          el('td', { className: 'corner', text: 'true \\ predicted' }),
          ...classes.map((c) => el('th', { text: c, attrs: { scope: 'col' } })),
        ]),
      ]),
      el(
        'tbody',
        {},
        classes.map((trueName, t) =>
          el('tr', {}, [
            el('th', { text: trueName, attrs: { scope: 'row' } }),
            ...classes.map((predName, p) => {
              const n = confusion[t]?.[p] ?? 0;
              const share = shares[t]?.[p] ?? 0;
              const cell = el(
                'td',
                {
                  className: `cell${t === p ? ' diagonal' : ''}${share >= 0.55 ? ' strong' : ''}`,
                  attrs: {
                    'data-true': t,
                    'data-pred': p,
                    'aria-label': `true ${trueName}, predicted ${predName}: ${n} images, ${percent(share)} of ${trueName}`,
                  },
                },
                [el('span', { className: 'count', text: String(n) }), el('span', { className: 'share', text: percent(share) })],
              );
              // Custom property set through the CSSOM: allowed by the CSP, unlike a style attribute.
              cell.style.setProperty('--share', String(share));
              return cell;
            }),
          ]),
        ),
      ),
    ]);
    setChildren(this.body, [table]);
  }

  /** The matrix drawn on a canvas with theme colours (base64 PNG, no data: prefix). */
  toPng(theme: ThemeColors): string | undefined {
    const m = this.metrics;
    if (!m) return undefined;
    const n = m.classes.length;
    const cell = 96;
    const ctx0 = document.createElement('canvas').getContext('2d')!;
    ctx0.font = `13px ${theme.fontFamily}`;
    const label = Math.ceil(Math.max(80, ...m.classes.map((c) => ctx0.measureText(c).width + 16)));
    const canvas = document.createElement('canvas');
    canvas.width = label + n * cell + 16;
    canvas.height = 40 + n * cell + 16;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.font = `13px ${theme.fontFamily}`;
    ctx.fillStyle = theme.foreground;
    m.classes.forEach((c, i) => ctx.fillText(c, label + i * cell + cell / 2, 20, cell - 4));
    ctx.font = `11px ${theme.fontFamily}`;
    ctx.fillStyle = theme.muted;
    ctx.fillText('true \\ predicted', label / 2, 20, label - 4);
    ctx.font = `13px ${theme.fontFamily}`;
    const shares = rowShares(m.confusion);
    m.classes.forEach((c, t) => {
      const y = 40 + t * cell;
      ctx.textAlign = 'right';
      ctx.fillStyle = theme.foreground;
      ctx.fillText(c, label - 8, y + cell / 2, label - 12);
      ctx.textAlign = 'center';
      for (let p = 0; p < n; p++) {
        const x = label + p * cell;
        const share = shares[t]![p]!;
        ctx.globalAlpha = 0.08 + 0.92 * share;
        ctx.fillStyle = theme.blue;
        ctx.fillRect(x + 1, y + 1, cell - 2, cell - 2);
        ctx.globalAlpha = 1;
        ctx.fillStyle = share >= 0.55 ? theme.background : theme.foreground;
        ctx.font = `bold 18px ${theme.fontFamily}`;
        ctx.fillText(String(m.confusion[t]![p] ?? 0), x + cell / 2, y + cell / 2 - 9);
        ctx.font = `12px ${theme.fontFamily}`;
        ctx.fillText(percent(share), x + cell / 2, y + cell / 2 + 13);
      }
    });
    return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  }
}
