import type { SlashCommand } from '../src/shared/protocol';

/**
 * The `/name` being typed: the first word without its slash, when the text starts with `/` and
 * the caret is inside that word; otherwise undefined (no completion).
 */
export function slashQuery(value: string, caret: number): string | undefined {
  if (!value.startsWith('/')) return undefined;
  const space = value.search(/\s/);
  const wordEnd = space < 0 ? value.length : space;
  if (caret < 1 || caret > wordEnd) return undefined;
  return value.slice(1, wordEnd);
}

/** Commands whose name starts with the query, then those that merely contain it; list order within each. */
export function matchCommands(commands: readonly SlashCommand[], query: string): SlashCommand[] {
  const q = query.toLowerCase();
  const prefix: SlashCommand[] = [];
  const inner: SlashCommand[] = [];
  for (const c of commands) {
    const name = c.name.toLowerCase();
    if (name.startsWith(q)) prefix.push(c);
    else if (name.includes(q)) inner.push(c);
  }
  return [...prefix, ...inner];
}

/**
 * The completion popup for `/commands` in the chat input: a listbox driven from the textarea
 * (aria-activedescendant), so the focus never leaves the input. Names, hints and descriptions
 * come from skill files in the repository: they are only ever set as text.
 */
export class SlashCompletion {
  private commands: readonly SlashCommand[] = [];
  private shown: SlashCommand[] = [];
  private active = 0;
  /** Escape closes the list until the text changes. */
  private dismissed = false;

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly list: HTMLElement,
  ) {
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Commands');
    list.hidden = true;
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', () => {
      this.dismissed = false;
      this.update();
    });
    input.addEventListener('click', () => this.update());
    input.addEventListener('keyup', (e) => {
      if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) this.update();
    });
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

  setCommands(commands: readonly SlashCommand[]): void {
    this.commands = commands;
    if (this.isOpen) this.update();
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
        this.dismissed = true;
        this.close();
        return true;
      default:
        return false;
    }
  }

  /** Opens, refilters or closes the list for the current text and caret. */
  update(): void {
    const query = this.dismissed ? undefined : slashQuery(this.input.value, this.input.selectionStart ?? 0);
    const shown = query === undefined ? [] : matchCommands(this.commands, query);
    if (shown.length === 0) return this.close();
    const keep = this.isOpen ? this.shown[this.active]?.name : undefined;
    this.shown = shown;
    this.list.replaceChildren(...shown.map((c, i) => this.option(c, i)));
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    this.select(Math.max(0, shown.findIndex((c) => c.name === keep)));
  }

  close(): void {
    this.list.hidden = true;
    this.list.replaceChildren();
    this.shown = [];
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }

  private option(c: SlashCommand, index: number): HTMLElement {
    const el = document.createElement('div');
    el.id = `${this.list.id}-${index}`;
    el.className = 'slash-option';
    el.setAttribute('role', 'option');
    el.setAttribute('aria-selected', 'false');
    el.dataset.index = String(index);
    el.dataset.name = c.name;
    el.title = `${c.description} (${c.source})`;
    const part = (cls: string, text: string) => {
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      return span;
    };
    el.append(part('slash-name', `/${c.name}`));
    if (c.argumentHint) el.append(part('slash-hint', c.argumentHint));
    el.append(part('slash-desc', c.description));
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

  /** Replaces the first word with `/name ` and puts the caret after it, ready for the arguments. */
  private accept(index: number): void {
    const c = this.shown[index];
    if (!c) return;
    const value = this.input.value;
    const space = value.search(/\s/);
    const rest = space < 0 ? '' : value.slice(space).trimStart();
    const head = `/${c.name} `;
    this.input.value = head + rest;
    this.input.setSelectionRange(head.length, head.length);
    this.close();
    this.input.dispatchEvent(new Event('input', { bubbles: true })); // the draft is saved; the list stays shut (caret past the word)
  }
}
