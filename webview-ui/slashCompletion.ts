import type { SlashCommand } from '../src/shared/protocol';
import { InputListbox } from './listbox';

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
 * The completion popup for `/commands` in the chat input. Names, hints and descriptions come from
 * skill files in the repository: they are only ever set as text.
 */
export class SlashCompletion {
  private commands: readonly SlashCommand[] = [];
  /** Escape closes the list until the text changes. */
  private dismissed = false;
  private readonly listbox: InputListbox<SlashCommand>;

  constructor(
    private readonly input: HTMLTextAreaElement,
    list: HTMLElement,
  ) {
    this.listbox = new InputListbox(input, list, 'Commands', (c) => this.accept(c), () => (this.dismissed = true));
    input.addEventListener('input', () => {
      this.dismissed = false;
      this.update();
    });
    input.addEventListener('click', () => this.update());
    input.addEventListener('keyup', (e) => {
      if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) this.update();
    });
  }

  get isOpen(): boolean {
    return this.listbox.isOpen;
  }

  setCommands(commands: readonly SlashCommand[]): void {
    this.commands = commands;
    if (this.isOpen) this.update();
  }

  /** Handles a key for the open list; returns true when the key was used (the caller then stops it). */
  handleKey(e: KeyboardEvent): boolean {
    return this.listbox.handleKey(e);
  }

  /** Opens, refilters or closes the list for the current text and caret. */
  update(): void {
    const query = this.dismissed ? undefined : slashQuery(this.input.value, this.input.selectionStart ?? 0);
    const shown = query === undefined ? [] : matchCommands(this.commands, query);
    if (shown.length === 0) return this.close();
    const keep = this.isOpen ? this.listbox.shown[this.listbox.active]?.name : undefined;
    this.listbox.show(shown, (c, i) => this.option(c, i), Math.max(0, shown.findIndex((c) => c.name === keep)));
  }

  close(): void {
    this.listbox.close();
  }

  private option(c: SlashCommand, index: number): HTMLElement {
    const el = this.listbox.option(index, 'slash-option', [
      ['slash-name', `/${c.name}`],
      ...(c.argumentHint ? [['slash-hint', c.argumentHint] as [string, string]] : []),
      ['slash-desc', c.description],
    ]);
    el.dataset.name = c.name;
    el.title = `${c.description} (${c.source})`;
    return el;
  }

  /** Replaces the first word with `/name ` and puts the caret after it, ready for the arguments. */
  private accept(c: SlashCommand): void {
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
