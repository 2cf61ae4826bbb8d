// The classify page: renders each full state snapshot from the host; keeps what the user chose
// (view mode, opacity, selected row) in the webview state so a reload restores it.
import type { ClassifyState, ClassifyViewState } from '../../src/protocol/webview';
import { DidChangeClassifyStateNotification, ExplainClassCommand, OpenFileCommand, ReadyCommand, TrainModelCommand } from '../../src/protocol/webview';
import { el } from '../shared/dom';
import { HostConnection } from '../shared/ipc';
import { toolkitButton } from '../shared/toolkit';
import { DetailView } from './detail';
import type { Mode } from './detail';
import { ResultsTable } from './table';

export class ClassifyApp {
  private readonly host = new HostConnection<ClassifyViewState>();
  private state: ClassifyState = { items: [], busy: false };
  private view: ClassifyViewState;
  private readonly title = el('h1', { text: 'Classify X-ray' });
  private readonly runLine = el('p', { className: 'run-line' });
  private readonly status = el('div', { className: 'busy', attrs: { role: 'status' } });
  private readonly problem = el('div', { className: 'notice problem', attrs: { role: 'alert' } });
  private readonly empty = el('div', { className: 'notice empty' }, [
    el('p', { text: 'Right-click one or more images in the Explorer and choose "Classify X-ray", or use the button in an image preview\'s title bar.' }),
  ]);
  private readonly layout = el('div', { className: 'layout' });
  private readonly table = new ResultsTable((i) => this.select(i, true));
  private readonly detail = new DetailView({
    onMode: (mode: Mode) => this.save({ mode }),
    onOpacity: (opacity: number) => this.save({ opacity }),
    onOpen: (path: string) => this.host.post(OpenFileCommand, { path }),
    onExplain: (path: string, classIndex: number) => this.host.post(ExplainClassCommand, { path, classIndex }),
  });

  constructor(private readonly root: HTMLElement) {
    const saved = this.host.getState();
    this.view = {
      paths: Array.isArray(saved?.paths) ? saved.paths : [],
      mode: saved?.mode === 'original' || saved?.mode === 'heatmap' ? saved.mode : 'overlay',
      opacity: typeof saved?.opacity === 'number' ? saved.opacity : 0.6,
      selected: typeof saved?.selected === 'number' ? saved.selected : 0,
    };
    root.append(el('header', {}, [this.title, this.runLine]), this.status, this.problem, this.empty, this.layout);
    this.host.on(DidChangeClassifyStateNotification, ({ state }) => this.render(state));
    this.render(this.state);
    this.host.post(ReadyCommand, {});
  }

  private render(state: ClassifyState): void {
    const samePaths = state.items.length === this.view.paths.length && state.items.every((it, i) => it.path === this.view.paths[i]);
    this.state = state;
    const selected = samePaths ? Math.min(this.view.selected, Math.max(0, state.items.length - 1)) : 0;
    this.save({ paths: state.items.map((i) => i.path), selected });

    this.runLine.textContent = state.run ? `Model: ${state.run.label}` : '';
    this.runLine.hidden = !state.run;
    const n = state.items.length;
    const done = state.items.filter((i) => i.prediction || i.error).length;
    const what = n === 1 ? state.items[0]?.name : done > 0 ? `${n} images (${done} done)` : `${n} images`;
    this.status.textContent = state.busy ? `Classifying ${what} with Grad-CAM…` : '';
    this.status.hidden = !state.busy;

    this.problem.replaceChildren();
    if (state.problem) {
      this.problem.append(el('p', { text: state.problem.message }));
      if (state.problem.canTrain && state.items.length > 0) {
        const names = state.items.length === 1 ? state.items[0].name : `These ${state.items.length} images`;
        this.problem.append(el('p', { className: 'muted', text: `${names} will be classified as soon as a training completes.` }));
      }
      if (state.problem.canTrain) {
        const train = toolkitButton('Train a model');
        train.classList.add('train-button');
        train.addEventListener('click', () => this.host.post(TrainModelCommand, {}));
        this.problem.append(train);
      }
    }
    this.problem.hidden = !state.problem;
    this.problem.classList.toggle('error', Boolean(state.problem && !state.problem.canTrain));
    this.empty.hidden = n > 0 || state.busy || Boolean(state.problem);
    this.renderItems();
  }

  private renderItems(): void {
    const { items } = this.state;
    // With no model there is nothing to show per image but their names, which the notice already covers.
    if (items.length === 0 || (this.state.problem && !items.some((i) => i.prediction || i.error))) {
      this.layout.replaceChildren();
      return;
    }
    const item = items[this.view.selected] ?? items[0];
    this.detail.render(item, this.state, this.view.mode, this.view.opacity);
    if (items.length > 1) {
      this.table.render(items, this.view.selected, this.state.busy);
      this.layout.className = 'layout with-table';
      this.layout.replaceChildren(this.table.root, this.detail.root);
    } else {
      this.layout.className = 'layout';
      this.layout.replaceChildren(this.detail.root);
    }
  }

  private select(index: number, keepFocus: boolean): void {
    if (index === this.view.selected) return;
    this.save({ selected: index });
    this.renderItems();
    if (keepFocus) this.table.focus(index);
  }

  private save(patch: Partial<ClassifyViewState>): void {
    this.view = { ...this.view, ...patch };
    this.host.setState(this.view);
  }
}
