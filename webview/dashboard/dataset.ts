// Dataset summary: images per class and split, the warnings, and the skipped files (each opens).
import type { DatasetReport, RunRecord, SplitName } from '../../src/engine/types';
import { el, section, setChildren } from '../shared/dom';
import { duration, relativeTo } from '../shared/format';

const SPLITS: SplitName[] = ['train', 'val', 'test'];
const SKIPPED_SHOWN = 50;

export class DatasetView {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;

  constructor(private readonly openFile: (path: string) => void) {
    const { root, body } = section('dataset', 'Dataset');
    this.root = root;
    this.body = body;
  }

  update(run: RunRecord | undefined): void {
    const report = run?.dataset;
    this.root.hidden = !report;
    if (!run || !report) return;
    setChildren(this.body, [
      this.countsTable(report),
      this.facts(run, report),
      this.warnings(report),
      this.leakage(report),
      this.straddling(report),
      this.nearDuplicates(report),
      this.skipped(report),
    ]);
  }

  private countsTable(r: DatasetReport): HTMLElement {
    const total = (i: number): number => SPLITS.reduce((s, sp) => s + (r.counts[sp][i] ?? 0), 0);
    const splitTotal = (sp: SplitName): number => r.counts[sp].reduce((a, b) => a + b, 0);
    const num = (n: number): HTMLElement => el('td', { className: 'num', text: String(n) });
    return el('table', { className: 'counts' }, [
      el('caption', { text: 'Images per class and split' }),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: 'Class', attrs: { scope: 'col' } }),
          ...SPLITS.map((s) => el('th', { className: 'num', text: s, attrs: { scope: 'col' } })),
          el('th', { className: 'num', text: 'total', attrs: { scope: 'col' } }),
        ]),
      ]),
      el(
        'tbody',
        {},
        r.classes.map((c, i) =>
          el('tr', {}, [el('th', { text: c, attrs: { scope: 'row' } }), ...SPLITS.map((s) => num(r.counts[s][i] ?? 0)), num(total(i))]),
        ),
      ),
      el('tfoot', {}, [
        el('tr', {}, [
          el('th', { text: 'all', attrs: { scope: 'row' } }),
          ...SPLITS.map((s) => num(splitTotal(s))),
          num(SPLITS.reduce((a, s) => a + splitTotal(s), 0)),
        ]),
      ]),
    ]);
  }

  private facts(run: RunRecord, r: DatasetReport): HTMLElement {
    const rows: [string, string][] = [
      ['Folder', r.root],
      ['Split', r.layout === 'presplit' ? 'train/ val/ test/ folders' : 'stratified, seeded'],
      ['Backend', run.backend ? `${run.backend}${run.kernels ? `, ${run.kernels} kernels` : ''}` : 'being chosen…'],
      ['Input', `${r.imageSize}×${r.imageSize} grayscale`],
      ['Imbalance', `largest class ${r.imbalanceRatio.toFixed(2)}× the smallest`],
      ['Decoding', `${duration(r.decodeSeconds)}, ${r.cachedImages} from cache`],
    ];
    if (r.groups) rows.push(['DICOM groups', `${r.groups.count} ${r.groups.by === 'patient' ? 'patients' : 'studies'}, ${r.groups.images} images`]);
    if (r.pathGroups) rows.push(['Groups by path', `${r.pathGroups.count} groups of 2 or more images (${r.pathGroups.images} images), by ${r.pathGroups.spec}`]);
    if (run.classWeights) rows.push(['Class weights', run.classWeights.map((w, i) => `${r.classes[i]} ${w.toFixed(2)}`).join(', ')]);
    return el(
      'dl',
      { className: 'facts' },
      rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]),
    );
  }

  private warnings(r: DatasetReport): HTMLElement | null {
    if (r.warnings.length === 0) return null;
    return el('ul', { className: 'warnings', attrs: { 'aria-label': 'Dataset warnings' } }, r.warnings.map((w) => el('li', { text: w })));
  }

  private straddling(r: DatasetReport): HTMLElement | null {
    const s = r.pathGroups?.straddling ?? [];
    if (s.length === 0) return null;
    return el('details', { className: 'straddling', attrs: { open: s.length <= 10 } }, [
      el('summary', { text: `${s.length} group(s) in more than one of the given splits` }),
      el('ul', {}, s.slice(0, SKIPPED_SHOWN).map((g) => el('li', {}, [el('code', { text: g.key }), ` in ${g.splits.join(', ')}`]))),
      s.length > SKIPPED_SHOWN ? el('p', { className: 'note', text: `and ${s.length - SKIPPED_SHOWN} more` }) : null,
    ]);
  }

  private nearDuplicates(r: DatasetReport): HTMLElement | null {
    const n = r.nearDuplicates;
    if (!n) return null;
    return el('details', { className: 'near-duplicates', attrs: { open: n.total <= 10 } }, [
      el('summary', { text: `${n.total} pair(s) of near-identical images${r.layout === 'stratified' ? ', each kept within one split' : ''}` }),
      el(
        'ul',
        {},
        n.pairs.slice(0, SKIPPED_SHOWN).map((p) =>
          el('li', {}, [this.fileList(r.root, [...p.paths]), el('span', { className: 'detail', text: ` — ${p.distance} bit(s) apart${p.splits && p.splits[0] !== p.splits[1] ? `, in ${p.splits[0]} and ${p.splits[1]}` : ''}` })]),
        ),
      ),
      n.total > Math.min(n.pairs.length, SKIPPED_SHOWN) ? el('p', { className: 'note', text: `and ${n.total - Math.min(n.pairs.length, SKIPPED_SHOWN)} more` }) : null,
    ]);
  }

  private leakage(r: DatasetReport): HTMLElement | null {
    if (r.leakage.length === 0) return null;
    return el('details', { className: 'leakage' }, [
      el('summary', { text: `${r.leakage.length} identical image group(s) found in more than one split; the extra copies were dropped` }),
      el('ul', {}, r.leakage.map((g) => el('li', {}, [this.fileList(r.root, g.paths)]))),
    ]);
  }

  private skipped(r: DatasetReport): HTMLElement | null {
    if (r.skipped.length === 0) return null;
    const shown = r.skipped.slice(0, SKIPPED_SHOWN);
    return el('details', { className: 'skipped', attrs: { open: r.skipped.length <= 10 } }, [
      el('summary', { text: `${r.skipped.length} file(s) skipped` }),
      el(
        'ul',
        {},
        shown.map((s) =>
          el('li', { title: s.detail }, [
            this.fileButton(r.root, s.path),
            el('span', { className: 'reason', text: ` ${s.reason}` }),
            s.detail ? el('span', { className: 'detail', text: ` — ${s.detail}` }) : null,
          ]),
        ),
      ),
      r.skipped.length > shown.length ? el('p', { className: 'note', text: `and ${r.skipped.length - shown.length} more` }) : null,
    ]);
  }

  private fileList(root: string, paths: string[]): HTMLElement {
    const span = el('span', { className: 'file-list' });
    paths.forEach((p, i) => {
      if (i > 0) span.append(', ');
      span.append(this.fileButton(root, p));
    });
    return span;
  }

  private fileButton(root: string, path: string): HTMLElement {
    const b = el('button', { className: 'link', text: relativeTo(root, path), title: path, attrs: { type: 'button' } });
    b.addEventListener('click', () => this.openFile(path));
    return b;
  }
}
