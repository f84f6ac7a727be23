/**
 * Building the DOM without HTML strings: every text goes in as a text node (never innerHTML), so
 * whatever a calendar object says is shown literally and never runs.
 */
export type Child = Node | string | null | undefined | false;
type Handler = (ev: Event) => void;
export type Attrs = Record<string, string | number | boolean | Handler | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, ...children);
  return el;
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

let announcer: HTMLElement | null = null;

/** Says something to screen readers and shows it briefly (a polite live region). */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  if (!announcer) {
    announcer = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(announcer);
  }
  announcer.className = `toast toast-${kind} shown`;
  announcer.textContent = message;
  const mine = announcer;
  window.setTimeout(() => { if (mine.textContent === message) mine.className = 'toast'; }, 5000);
}

let idCounter = 0;
export const uniqueId = (prefix: string): string => `${prefix}-${++idCounter}`;

/** A labelled form field: the label is tied to the control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = control.id || uniqueId('f');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', { class: 'hint' }, hint) : null);
}

/** A modal dialog (the native <dialog>, which traps focus and closes on Escape). */
export function openDialog(title: string, body: HTMLElement, opts: { wide?: boolean; onClose?: () => void } = {}): { dialog: HTMLDialogElement; close: () => void } {
  const headingId = uniqueId('dlg');
  const closeBtn = h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close' }, '×');
  const dialog = h('dialog', { class: opts.wide ? 'wide' : '', 'aria-labelledby': headingId },
    h('div', { class: 'dialog-head' }, h('h2', { id: headingId }, title), closeBtn), body);
  const close = (): void => { dialog.close(); };
  closeBtn.addEventListener('click', close);
  dialog.addEventListener('close', () => { dialog.remove(); opts.onClose?.(); });
  document.body.appendChild(dialog);
  dialog.showModal();
  return { dialog, close };
}

/** Asks for confirmation in a dialog; resolves true when confirmed. */
export function confirmDialog(title: string, message: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h('button', { type: 'button', class: 'danger' }, confirmLabel);
    const no = h('button', { type: 'button' }, 'Cancel');
    const { close } = openDialog(title, h('div', {}, h('p', {}, message), h('div', { class: 'actions' }, no, yes)), { onClose: () => resolve(answer) });
    yes.addEventListener('click', () => { answer = true; close(); });
    no.addEventListener('click', close);
    no.focus();
  });
}

/** Asks to choose one of several answers (e.g. which instances of a series); null when dismissed. */
export function chooseDialog<T extends string>(title: string, message: string, choices: Array<{ value: T; label: string }>): Promise<T | null> {
  return new Promise((resolve) => {
    let answer: T | null = null;
    const buttons = choices.map((c) => h('button', { type: 'button', 'data-choice': c.value }, c.label));
    const { close } = openDialog(title, h('div', {}, h('p', {}, message), h('div', { class: 'actions' }, ...buttons)), { onClose: () => resolve(answer) });
    buttons.forEach((b, i) => b.addEventListener('click', () => { answer = choices[i]?.value ?? null; close(); }));
    buttons[0]?.focus();
  });
}
