// The one place that knows which component library draws our controls. Panels use the
// custom element names registered here; swapping the library (for @vscode-elements/elements)
// means changing this file and the tag names below, nothing else.
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
} from '@vscode/webview-ui-toolkit';

export const Tags = {
  button: 'vscode-button',
  dropdown: 'vscode-dropdown',
  option: 'vscode-option',
  badge: 'vscode-badge',
} as const;

let registered = false;

/** Registers only the components the panels use (keeps the bundle small). Idempotent. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeBadge());
}

/** A toolkit button; `appearance` 'secondary' for the less important actions. */
export function toolkitButton(label: string, opts: { appearance?: 'primary' | 'secondary'; ariaLabel?: string } = {}): HTMLElement {
  const b = document.createElement(Tags.button);
  b.textContent = label;
  if (opts.appearance) b.setAttribute('appearance', opts.appearance);
  if (opts.ariaLabel) b.setAttribute('aria-label', opts.ariaLabel);
  return b;
}

/** The dropdown's current value (the selected option's value). */
export function dropdownValue(dropdown: HTMLElement): string {
  return (dropdown as HTMLElement & { value: string }).value;
}

/** Rebuilds a dropdown's options (as text) and selects `selected`. */
export function setDropdownOptions(dropdown: HTMLElement, options: { value: string; label: string }[], selected?: string): void {
  const wanted = options.map((o) => `${o.value}\u0000${o.label}`).join('\u0001');
  if (dropdown.dataset.options !== wanted) {
    dropdown.replaceChildren(
      ...options.map((o) => {
        const opt = document.createElement(Tags.option);
        opt.setAttribute('value', o.value);
        opt.textContent = o.label;
        return opt;
      }),
    );
    dropdown.dataset.options = wanted;
  }
  if (selected !== undefined && dropdownValue(dropdown) !== selected) {
    (dropdown as HTMLElement & { value: string }).value = selected;
  }
}
