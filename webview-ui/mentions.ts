import type { MentionItem, WebviewToHost } from '../src/shared/protocol';
import { InputListbox } from './listbox';

/**
 * The `@` being typed: where it starts and the text after it, when the caret is at the end of a
 * word that starts with `@` at the start of the text or after whitespace; otherwise undefined.
 */
export function mentionQuery(value: string, caret: number): { start: number; query: string } | undefined {
  const before = value.slice(0, caret);
  const m = /(^|\s)@([^\s@"]*)$/.exec(before);
  if (!m) return undefined;
  return { start: before.length - m[2].length - 1, query: m[2] };
}

/** How a mention is written in the input: `@path`, or `@"path with spaces"`. */
export function mentionToken(insert: string): string {
  return /[\s"]/.test(insert) ? `@"${insert.replace(/"/g, '')}"` : `@${insert}`;
}

/** The mentions written in a text (what the chips show), in order, without duplicates. */
export function mentionsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(^|[\s([{])@("[^"\n]+"|[^\s"]+)/g)) {
    const token = `@${m[2].replace(/[,;:!?)\]}'`]+$/, '').replace(/\.+$/, '')}`;
    if (token.length > 1 && !out.includes(token)) out.push(token);
  }
  return out;
}

const KIND_LABEL: Record<MentionItem['kind'], string> = { file: 'file', folder: 'folder', selection: 'selection', problems: 'problems', terminal: 'terminal' };

/**
 * The `@` mention popup: asks the host for items matching what follows the `@` (the host ranks
 * them with its fuzzy scorer) and shows them as a listbox driven from the textarea, like the
 * `/` completion. Picked mentions are written into the text as `@path` markers, and shown as
 * chips under the input; the host expands them when the message is sent. Paths come from the
 * workspace: they are only ever set as text.
 */
export class MentionCompletion {
  private requestId = 0;
  private pending: { start: number; query: string } | undefined;
  private dismissed = false;
  private readonly listbox: InputListbox<MentionItem>;

  constructor(
    private readonly input: HTMLTextAreaElement,
    list: HTMLElement,
    private readonly chips: HTMLElement,
    private readonly post: (msg: WebviewToHost) => void,
  ) {
    this.listbox = new InputListbox(input, list, 'Mentions', (item) => this.accept(item), () => (this.dismissed = true));
    input.addEventListener('input', () => {
      this.dismissed = false;
      this.update();
      this.renderChips();
    });
    input.addEventListener('click', () => this.update());
    chips.addEventListener('click', (e) => {
      const remove = (e.target as Element).closest<HTMLElement>('button[data-token]');
      if (remove) this.removeToken(remove.dataset.token!);
    });
  }

  get isOpen(): boolean {
    return this.listbox.isOpen;
  }

  handleKey(e: KeyboardEvent): boolean {
    return this.listbox.handleKey(e);
  }

  /** Asks the host for items when the caret is in an `@word`; closes the list otherwise. */
  update(): void {
    const q = this.dismissed ? undefined : mentionQuery(this.input.value, this.input.selectionStart ?? 0);
    if (!q) {
      this.pending = undefined;
      return this.close();
    }
    this.pending = q;
    this.post({ type: 'mentionQuery', requestId: ++this.requestId, query: q.query });
  }

  /** The host's answer; an answer to an older query is dropped. */
  show(requestId: number, items: MentionItem[]): void {
    if (requestId !== this.requestId || !this.pending) return;
    if (items.length === 0) return this.close();
    this.listbox.show(items, (item, i) => this.option(item, i));
  }

  close(): void {
    this.listbox.close();
  }

  /** Redraws the chips for the mentions now in the text. */
  renderChips(): void {
    // Not the `@word` still being typed at the caret: only mentions that are written out.
    const value = this.input.value;
    const caret = this.input.selectionStart ?? value.length;
    const typing = mentionQuery(value, caret);
    const tokens = mentionsIn(typing ? value.slice(0, typing.start) + value.slice(caret) : value);
    this.chips.hidden = tokens.length === 0;
    this.chips.replaceChildren(...tokens.map((token) => {
      const chip = document.createElement('span');
      chip.className = 'mention-chip';
      const label = document.createElement('span');
      label.textContent = token;
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'chip-remove';
      remove.dataset.token = token;
      remove.setAttribute('aria-label', `Remove ${token}`);
      remove.textContent = '×';
      chip.append(label, remove);
      return chip;
    }));
  }

  private removeToken(token: string): void {
    const escaped = token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    this.input.value = this.input.value.replace(new RegExp(`(^|\\s)${escaped}(?=\\s|$) ?`, 'g'), '$1');
    this.input.dispatchEvent(new Event('input', { bubbles: true }));
    this.input.focus();
  }

  private option(item: MentionItem, index: number): HTMLElement {
    const el = this.listbox.option(index, 'slash-option mention-option', [
      ['mention-kind', KIND_LABEL[item.kind]],
      ['slash-name', item.label],
      ...(item.detail ? [['slash-desc', item.detail] as [string, string]] : []),
    ]);
    el.dataset.kind = item.kind;
    return el;
  }

  /** Replaces `@query` with the item's marker and a space. */
  private accept(item: MentionItem): void {
    const q = this.pending;
    if (!q) return;
    const value = this.input.value;
    const caret = this.input.selectionStart ?? value.length;
    const token = `${mentionToken(item.insert)} `;
    this.input.value = value.slice(0, q.start) + token + value.slice(caret).replace(/^ /, '');
    const at = q.start + token.length;
    this.input.setSelectionRange(at, at);
    this.pending = undefined;
    this.close();
    this.dismissed = true; // the caret is after a space now; the next keystroke reopens if needed
    this.input.dispatchEvent(new Event('input', { bubbles: true }));
  }
}
