// The run picker: a dropdown of every run, newest first; choosing one asks the host to show it.
import { modelUnusable } from '../../src/engine/eval/health';
import type { RunSummary } from '../../src/engine/types';
import { el } from '../shared/dom';
import { dateTime, percent } from '../shared/format';
import { dropdownValue, setDropdownOptions, Tags } from '../shared/toolkit';

export function runLabel(r: RunSummary): string {
  const parts = [dateTime(r.startedAt)];
  // Cross-validation writes one run per fold and a summary: say which each is.
  if (r.crossValidation) parts.push(`${r.crossValidation.folds}-fold cross-validation summary`);
  else if (r.fold) parts.push(`fold ${r.fold.index + 1}/${r.fold.count}`);
  parts.push(r.state === 'completed' && modelUnusable(r.warnings) ? 'completed, model not usable' : r.state);
  if (r.testAccuracy !== undefined) parts.push(`accuracy ${percent(r.testAccuracy)}`);
  else if (r.state === 'running') parts.push(`epoch ${r.epochsRun}`);
  return parts.join(' · ');
}

export class RunPicker {
  readonly root: HTMLElement;
  readonly dropdown = document.createElement(Tags.dropdown);

  constructor(onSelect: (runId: string) => void) {
    this.dropdown.id = 'run-picker';
    this.dropdown.setAttribute('aria-label', 'Run');
    this.root = el('div', { className: 'run-picker' }, [el('label', { text: 'Run', attrs: { for: 'run-picker' } }), this.dropdown]);
    this.dropdown.addEventListener('change', () => {
      const id = dropdownValue(this.dropdown);
      if (id && id !== this.selected) {
        this.selected = id;
        onSelect(id);
      }
    });
  }

  private selected?: string;

  update(runs: RunSummary[], selectedRunId: string | undefined): void {
    this.root.hidden = runs.length === 0;
    this.selected = selectedRunId;
    setDropdownOptions(
      this.dropdown,
      runs.map((r) => ({ value: r.id, label: runLabel(r) })),
      selectedRunId,
    );
  }
}
