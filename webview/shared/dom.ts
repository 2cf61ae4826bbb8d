// DOM building that only ever writes text: data (file and class names) can never become markup.
// There is deliberately no way to pass HTML through these helpers.

type Child = Node | string | null | undefined | false;

export interface ElOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  title?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: ElOptions = {}, children: Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (opts.className) node.className = opts.className;
  if (opts.text !== undefined) node.textContent = opts.text;
  if (opts.title !== undefined) node.title = opts.title;
  for (const [name, value] of Object.entries(opts.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces a container's content with the given children. */
export function setChildren(parent: Element, children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Makes a non-button element act like one for keyboard users (Enter and Space). */
export function onActivate(node: HTMLElement, handler: () => void): void {
  node.addEventListener('click', handler);
  node.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      handler();
    }
  });
}

/** A section with a heading, hidden while it has nothing to show. */
export function section(id: string, heading: string): { root: HTMLElement; body: HTMLElement } {
  const h = el('h2', { text: heading, attrs: { id: `${id}-heading` } });
  const body = el('div', { className: 'section-body' });
  const root = el('section', { className: `card ${id}`, attrs: { id, 'aria-labelledby': `${id}-heading` } }, [h, body]);
  return { root, body };
}
