/**
 * A completion list driven from the chat input: a listbox whose active option is announced through
 * the textarea's aria-activedescendant, so the focus never leaves the input. Shared by the `/`
 * and `@` popups. Option text is only ever set as text (it comes from repository files).
 */
export class InputListbox<T> {
  shown: T[] = [];
  active = 0;

  constructor(
    private readonly input: HTMLTextAreaElement,
    readonly list: HTMLElement,
    label: string,
    private readonly onAccept: (item: T, index: number) => void,
    private readonly onDismiss: () => void,
  ) {
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', label);
    list.hidden = true;
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('blur', () => this.close());
    // Keep the focus in the input when an option is clicked.
    list.addEventListener('mousedown', (e) => e.preventDefault());
    list.addEventListener('click', (e) => {
      const option = (e.target as Element).closest<HTMLElement>('[role="option"]');
      if (option) this.accept(Number(option.dataset.index));
    });
  }

  get isOpen(): boolean {
    return !this.list.hidden;
  }

  /** Shows `items` (built into options by `build`), selecting `selected`. */
  show(items: T[], build: (item: T, index: number) => HTMLElement, selected = 0): void {
    this.shown = items;
    this.list.replaceChildren(...items.map(build));
    this.list.hidden = false;
    // Two lists share the input: it points at whichever is open.
    this.input.setAttribute('aria-controls', this.list.id);
    this.input.setAttribute('aria-expanded', 'true');
    this.select(selected);
  }

  close(): void {
    if (this.list.hidden && this.shown.length === 0) return;
    this.list.hidden = true;
    this.list.replaceChildren();
    this.shown = [];
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  /** Handles a key for the open list; returns true when the key was used (the caller then stops it). */
  handleKey(e: KeyboardEvent): boolean {
    if (!this.isOpen || e.isComposing) return false;
    switch (e.key) {
      case 'ArrowDown':
        this.select((this.active + 1) % this.shown.length);
        return true;
      case 'ArrowUp':
        this.select((this.active - 1 + this.shown.length) % this.shown.length);
        return true;
      case 'Tab':
      case 'Enter':
        if (e.shiftKey) return false;
        this.accept(this.active);
        return true;
      case 'Escape':
        this.onDismiss();
        this.close();
        return true;
      default:
        return false;
    }
  }

  /** An option element with its parts as text spans: `[className, text]`. */
  option(index: number, className: string, parts: Array<[string, string]>): HTMLElement {
    const el = document.createElement('div');
    el.id = `${this.list.id}-${index}`;
    el.className = className;
    el.setAttribute('role', 'option');
    el.setAttribute('aria-selected', 'false');
    el.dataset.index = String(index);
    for (const [cls, text] of parts) {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      el.append(span);
    }
    return el;
  }

  private select(index: number): void {
    this.list.children[this.active]?.setAttribute('aria-selected', 'false');
    this.active = index;
    const el = this.list.children[index] as HTMLElement | undefined;
    if (!el) return;
    el.setAttribute('aria-selected', 'true');
    this.input.setAttribute('aria-activedescendant', el.id);
    el.scrollIntoView?.({ block: 'nearest' });
  }

  private accept(index: number): void {
    const item = this.shown[index];
    if (item !== undefined) this.onAccept(item, index);
  }
}
