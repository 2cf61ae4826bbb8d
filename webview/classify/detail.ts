// One image shown large: the X-ray with its Grad-CAM overlay, the view controls, the colour
// legend, every class's probability and where the answer came from.
import { noEvidenceNote } from '../../src/engine/gradcam/evidenceNote';
import type { DicomFacts } from '../../src/engine/types';
import type { ClassifyItem, ClassifyState, ClassifyViewState } from '../../src/protocol/webview';
import { el } from '../shared/dom';
import { percent } from '../shared/format';

export type Mode = ClassifyViewState['mode'];

export interface DetailHandlers {
  onMode(mode: Mode): void;
  onOpacity(opacity: number): void;
  onOpen(path: string): void;
  /** Redraw the heat map for another class. */
  onExplain(path: string, classIndex: number): void;
}

const MODES: { value: Mode; label: string }[] = [
  { value: 'original', label: 'Original' },
  { value: 'overlay', label: 'Overlay' },
  { value: 'heatmap', label: 'Heat map' },
];

let uid = 0;

/** The header facts a radiologist checks first; never who the patient is. */
function dicomRows(d: DicomFacts): [string, string][] {
  const w = d.window;
  const num = (v?: number): string => (v === undefined ? '?' : String(Math.round(v * 10) / 10));
  const source = w.source === 'file' ? 'from the file' : w.source === 'voi-lut' ? 'VOI LUT of the file' : 'min-max of the pixels';
  const rows: [string, string][] = [
    ['Modality', d.modality ?? '—'],
    ['Body part', d.bodyPart ?? '—'],
    ['View', d.viewPosition ?? '—'],
    ['Window', w.source === 'none' ? 'none (colour image)' : `centre ${num(w.center)}, width ${num(w.width)} (${source})`],
    ['DICOM', `${d.transferSyntax}, ${d.photometric}, ${d.bitsStored}-bit`],
  ];
  if (d.frames > 1) rows.push(['Frames', `first of ${d.frames} shown and classified`]);
  return rows;
}

export class DetailView {
  readonly root = el('section', { className: 'card detail-card', attrs: { 'aria-label': 'Selected image' } });
  private stage?: HTMLElement;
  private base?: HTMLImageElement;
  private layer?: HTMLImageElement;
  private slider?: HTMLInputElement;
  private sliderValue?: HTMLOutputElement;
  private note?: HTMLElement;
  private item?: ClassifyItem;
  private mode: Mode = 'overlay';
  private opacity = 0.6;
  private baseFailed = false;

  constructor(private readonly handlers: DetailHandlers) {}

  render(item: ClassifyItem, state: ClassifyState, mode: Mode, opacity: number): void {
    this.item = item;
    this.mode = mode;
    this.opacity = opacity;
    this.baseFailed = false;
    const id = ++uid;
    const heading = el('h2', { text: item.name, title: item.path });
    const open = el('button', { className: 'link', text: item.path, attrs: { type: 'button', title: 'Open the image in an editor' } });
    open.addEventListener('click', () => this.handlers.onOpen(item.path));

    if (item.error) {
      this.root.replaceChildren(heading, el('div', { className: 'item-error', attrs: { role: 'alert' }, text: `Could not read ${item.name}: ${item.error}` }), open);
      return;
    }
    // A keyboard user who chose a class keeps focus on it when the new heat map arrives.
    const names = [...this.root.querySelectorAll('.prob .name')];
    const focused = names.indexOf(document.activeElement as Element);
    const left = el('div', { className: 'image-side' }, [this.buildStage(item), ...this.buildEvidenceNote(item), this.buildControls(item, id), this.buildLegend(item)]);
    const right = el('div', { className: 'result-side' }, [...this.buildResult(item, state), open]);
    this.root.replaceChildren(heading, el('div', { className: 'detail' }, [left, right]));
    if (focused >= 0) (this.root.querySelectorAll('.prob .name')[focused] as HTMLElement | undefined)?.focus();
    this.apply();
  }

  private buildStage(item: ClassifyItem): HTMLElement {
    const base = el('img', { className: 'base', attrs: { src: item.imageUri, alt: `X-ray ${item.name}` } });
    this.base = base;
    // Formats a browser cannot draw (TIFF): the overlay, made by the engine as PNG, still shows the image.
    // A replaced image failing late (the .dcm shown while classifying) says nothing of its successor.
    base.addEventListener('error', () => {
      if (this.base !== base) return;
      this.baseFailed = true;
      this.apply();
    });
    this.layer = el('img', { className: 'layer', attrs: { alt: `Grad-CAM overlay of ${item.name}` } });
    this.stage = el('figure', { className: 'stage' }, [this.base, this.layer]);
    this.note = el('p', { className: 'stage-note muted' });
    return el('div', {}, [this.stage, this.note]);
  }

  /** A blank map says so in words: a uniform overlay alone would look like a rendering fault. */
  private buildEvidenceNote(item: ClassifyItem): HTMLElement[] {
    const p = item.prediction;
    if (!p?.noPositiveEvidence) return [];
    return [el('p', { className: 'no-evidence', attrs: { role: 'note' }, text: noEvidenceNote(p.classes[p.explainedIndex] ?? String(p.explainedIndex)) })];
  }

  private buildControls(item: ClassifyItem, id: number): HTMLElement {
    const hasCam = Boolean(item.overlayUri);
    const fieldset = el('fieldset', { className: 'modes' }, [el('legend', { text: 'Show' })]);
    for (const m of MODES) {
      const input = el('input', { attrs: { type: 'radio', name: `mode-${id}`, value: m.value, id: `mode-${id}-${m.value}` } });
      input.checked = m.value === this.mode;
      input.disabled = !hasCam && m.value !== 'original';
      input.addEventListener('change', () => {
        if (!input.checked) return;
        this.mode = m.value;
        this.apply();
        this.handlers.onMode(m.value);
      });
      fieldset.append(el('label', { attrs: { for: input.id } }, [input, ` ${m.label}`]));
    }
    this.slider = el('input', { attrs: { type: 'range', min: 0, max: 100, step: 5, id: `opacity-${id}` } });
    this.slider.value = String(Math.round(this.opacity * 100));
    this.sliderValue = el('output', { attrs: { for: this.slider.id } });
    this.slider.addEventListener('input', () => {
      this.opacity = Number(this.slider?.value ?? 60) / 100;
      this.apply();
      this.handlers.onOpacity(this.opacity);
    });
    const opacity = el('div', { className: 'opacity' }, [el('label', { text: 'Overlay opacity', attrs: { for: this.slider.id } }), this.slider, this.sliderValue]);
    return el('div', { className: 'controls' }, [fieldset, opacity]);
  }

  private buildLegend(item: ClassifyItem): HTMLElement {
    const p = item.prediction;
    const explained = p ? (p.classes[p.explainedIndex] ?? String(p.explainedIndex)) : '';
    return el('div', {}, [
      el('div', { className: 'legend' }, [
        el('span', { className: 'muted', text: 'low' }),
        el('div', { className: 'legend-bar', attrs: { role: 'img', 'aria-label': 'Colour scale from dark blue (low attention) through green and yellow to dark red (high attention)' } }),
        el('span', { className: 'muted', text: 'high' }),
      ]),
      el('p', { className: 'muted', text: p ? `Grad-CAM: regions that raised the score of "${explained}".` : '' }),
    ]);
  }

  private buildResult(item: ClassifyItem, state: ClassifyState): HTMLElement[] {
    const p = item.prediction;
    if (!p) return [el('p', { className: 'muted', text: state.busy ? 'Classifying…' : 'No result.' })];
    const top = p.classes[p.predictedIndex] ?? String(p.predictedIndex);
    const predicted = el('p', { className: 'predicted' }, ['Predicted: ', el('strong', { className: 'predicted-class', text: top }), ` ${percent(p.probabilities[p.predictedIndex] ?? NaN)}`]);
    const probs = el('ul', { className: 'probs', attrs: { 'aria-label': 'Probability of each class; choose a class to see where the model finds it' } });
    p.classes.forEach((name, i) => {
      const prob = p.probabilities[i] ?? 0;
      const fill = el('div', { className: 'fill' });
      fill.style.width = `${Math.max(0, Math.min(1, prob)) * 100}%`;
      const bar = el('div', { className: 'bar', attrs: { role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(prob * 1000) / 10, 'aria-label': name } }, [fill]);
      // The class names are toggle buttons: pressed is the class the heat map explains.
      const explained = i === p.explainedIndex;
      const button = el('button', {
        className: 'name link',
        text: name,
        title: explained ? `The heat map shows what raised the score of "${name}"` : `Show what raises the score of "${name}"`,
        attrs: { type: 'button', 'aria-pressed': explained ? 'true' : 'false' },
      });
      button.addEventListener('click', () => {
        if (!explained) this.handlers.onExplain(p.path, i);
      });
      probs.append(el('li', { className: i === p.predictedIndex ? 'prob top' : 'prob' }, [button, bar, el('span', { className: 'value', text: percent(prob) })]));
    });
    const time = state.modelLoadMs ? `${Math.round(p.milliseconds)} ms (+ ${Math.round(state.modelLoadMs)} ms loading the model)` : `${Math.round(p.milliseconds)} ms`;
    const rows: [string, string][] = [
      ['Model', state.run?.label ?? p.runId],
      ['Run', state.run?.folder ?? p.runId],
      ['Explains', p.classes[p.explainedIndex] ?? String(p.explainedIndex)],
      ['Image', `${p.width} × ${p.height} px`],
      ['Time', time],
    ];
    if (p.dicom) rows.splice(3, 0, ...dicomRows(p.dicom));
    const meta = el('dl', { className: 'meta' });
    for (const [k, v] of rows) meta.append(el('dt', { text: k }), el('dd', { text: v, attrs: { 'data-field': k.toLowerCase() } }));
    const hint = p.classes.length > 1 ? el('p', { className: 'muted hint', text: 'Choose a class name to see what raises its score.' }) : null;
    return [predicted, probs, ...(hint ? [hint] : []), meta];
  }

  /** Applies mode and opacity without rebuilding, so the slider keeps focus while dragged. */
  private apply(): void {
    const item = this.item;
    if (!item || !this.stage || !this.base || !this.layer || !this.slider || !this.sliderValue || !this.note) return;
    const mode = item.overlayUri ? this.mode : 'original';
    this.stage.className = `stage ${mode}`;
    this.stage.dataset.mode = mode;
    const layerSrc = mode === 'heatmap' ? (item.heatmapUri ?? item.overlayUri) : mode === 'overlay' ? item.overlayUri : undefined;
    if (layerSrc) {
      if (this.layer.getAttribute('src') !== layerSrc) this.layer.setAttribute('src', layerSrc);
      this.layer.hidden = false;
      this.layer.alt = mode === 'heatmap' ? `Grad-CAM heat map of ${item.name}` : `Grad-CAM overlay of ${item.name}`;
    } else {
      this.layer.hidden = true;
    }
    // Without a drawable original, the engine's overlay stands in for it at full strength.
    const overlayOnly = mode === 'overlay' && this.baseFailed;
    this.layer.style.opacity = mode === 'overlay' && !overlayOnly ? String(this.opacity) : '1';
    this.layer.style.position = mode === 'heatmap' || overlayOnly ? 'static' : '';
    this.base.hidden = mode === 'heatmap' || this.baseFailed;
    this.slider.disabled = mode !== 'overlay' || overlayOnly;
    this.sliderValue.textContent = `${Math.round(this.opacity * 100)}%`;
    this.note.textContent = this.baseFailed ? 'This image format cannot be drawn here; the overlay shows it.' : '';
    this.note.hidden = !this.baseFailed;
  }
}
