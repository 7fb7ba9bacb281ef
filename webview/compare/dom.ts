// A tiny element builder. Text from logs only ever goes in through textContent or attributes, never as markup
// (the page's CSP also enforces Trusted Types, so an innerHTML assignment would throw).

type Child = Node | string | number | null | undefined | false;

export interface Props {
  class?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
  data?: Record<string, string>;
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (e: HTMLElementEventMap[K]) => void }>;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props, ...children: Child[]): HTMLElement;
export function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  if (props.title !== undefined) el.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const [name, value] of Object.entries(props.data ?? {})) el.dataset[name] = value;
  for (const [name, handler] of Object.entries(props.on ?? {})) el.addEventListener(name, handler as EventListener);
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** A codicon glyph (decorative). */
export function icon(name: string, extraClass = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** A vscode-toolbar-button (icon button with a tooltip). */
export function toolbarButton(iconName: string, label: string, onClick: (e: MouseEvent) => void, data: Record<string, string> = {}): HTMLElement {
  const b = h('vscode-toolbar-button', { title: label, attrs: { icon: iconName, label }, data });
  b.addEventListener('click', onClick as EventListener);
  return b;
}

/** A vscode-single-select with options; `onChange` gets the chosen value. */
export function singleSelect(label: string, options: readonly { value: string; label: string; description?: string }[], value: string,
  onChange: (value: string) => void, data: Record<string, string> = {}): HTMLElement & { value: string } {
  const select = h('vscode-single-select', { attrs: { 'aria-label': label }, data }) as HTMLElement & { value: string };
  for (const o of options) {
    select.appendChild(h('vscode-option', { text: o.label, attrs: { value: o.value, selected: o.value === value, description: o.description } }));
  }
  select.addEventListener('change', () => onChange(select.value));
  return select;
}
