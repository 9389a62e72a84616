import type { TranscriptEntry, WebviewToHost } from '../src/shared/protocol';
import { fillCompaction, fillTool, isTodo, thinkingView, type ToolEntry } from './entryViews';
import { StreamedMarkdown, fragment } from './streamedMarkdown';
import { VirtualList, type ListGeometry } from './virtualList';

type Role = TranscriptEntry['role'];
type EndState = 'completed' | 'aborted_streaming' | 'aborted_tools' | 'max_turns' | 'max_tokens' | 'model_error' | 'prompt_too_long';

const ACTION_LABELS = { setApiKey: 'Set API Key', retry: 'Retry', openSettings: 'Open Settings', newConversation: 'New Conversation' } as const;
const END_NOTES: Partial<Record<EndState, string>> = {
  aborted_streaming: 'Stopped',
  aborted_tools: 'Stopped',
  max_turns: 'Stopped: the turn limit was reached',
  max_tokens: 'Stopped: the answer kept hitting the output limit',
};
/** The transcript's CSS: `#transcript { gap: 10px; padding: 10px 0 }`. */
const GAP = 10;

interface Row {
  entry: TranscriptEntry;
  /** A status line under the entry ("Stopped"). */
  note?: string;
  /** A streamed answer (kept after the turn ends: its blocks are already rendered). */
  stream?: StreamedMarkdown;
  /** A finished answer's rendered HTML, kept once it has been shown. */
  html?: string;
  /** A card's <details> the user opened. */
  open?: boolean;
}

export interface TranscriptOptions {
  /** For tests: how the list scrolls and measures (the document's by default). */
  geometry?: ListGeometry;
}

/**
 * The conversation as DOM, virtualised: only entries near the viewport exist as elements
 * (VirtualList). Streamed answers are re-rendered at most once per animation frame, however many
 * deltas arrive in between, and only their unfinished last block. Tool output is only ever set
 * as text; model markdown only through the sanitising renderer.
 */
export class Transcript {
  private readonly list: VirtualList<Row>;
  private readonly streaming = new Set<string>();
  private readonly turns = new Map<string, { nextSeq: number; ids: string[] }>();
  private readonly dirty = new Set<string>();
  private readonly renderers = new Map<string, (entry: TranscriptEntry) => HTMLElement>();
  private readonly decorators: ((el: HTMLElement, entry: TranscriptEntry) => void)[] = [];
  private frame = 0;
  private charsPerLine = 80;

  constructor(
    private readonly root: HTMLElement,
    private readonly render: (markdown: string) => string,
    private readonly onAction: (msg: WebviewToHost) => void,
    options: TranscriptOptions = {},
  ) {
    this.list = new VirtualList<Row>(root, {
      create: (row) => this.create(row),
      estimate: (row) => this.estimate(row.entry),
      geometry: options.geometry,
      gap: GAP,
      padding: GAP,
    });
    root.addEventListener('click', (e) => this.onClick(e));
    root.addEventListener('toggle', (e) => this.onToggle(e), true);
    if (!options.geometry) {
      window.addEventListener('scroll', () => this.list.onScroll(), { passive: true });
      window.addEventListener('resize', () => this.list.onScroll());
    }
  }

  get isEmpty(): boolean {
    return this.list.length === 0;
  }

  /** The virtual list (tests, and the benchmark, look at what is mounted). */
  get view(): VirtualList<Row> {
    return this.list;
  }

  /** Builds the element for entries of a role this file does not know (another feature's card). */
  registerRenderer(role: string, build: (entry: TranscriptEntry) => HTMLElement): void {
    this.renderers.set(role, build);
  }

  /** Runs on every entry element when it is built (mounted, or rebuilt): add buttons, badges. */
  addDecorator(decorate: (el: HTMLElement, entry: TranscriptEntry) => void): void {
    this.decorators.push(decorate);
  }

  /** The element of an entry if it is mounted (scrolled near the viewport). */
  element(id: string): HTMLElement | undefined {
    return this.list.element(id);
  }

  reset(entries: TranscriptEntry[]): void {
    this.streaming.clear();
    this.turns.clear();
    this.dirty.clear();
    this.charsPerLine = Math.max(30, Math.floor((this.root.clientWidth || 600) / 7.5));
    this.list.reset(entries.map((entry) => ({ key: entry.id, item: { entry } })));
  }

  add(entry: TranscriptEntry): void {
    if (this.list.has(entry.id)) this.list.update(entry.id, { entry });
    else this.list.push(entry.id, { entry });
  }

  startTurn(turnId: string): void {
    this.turns.set(turnId, { nextSeq: 0, ids: [] });
  }

  appendDelta(turnId: string, entryId: string, seq: number, text: string): void {
    const turn = this.turns.get(turnId);
    if (!turn || seq !== turn.nextSeq) return; // a stale turn (cleared) or a duplicate
    turn.nextSeq++;
    let row = this.list.get(entryId);
    if (!row?.stream) {
      row = { entry: { role: 'assistant', id: entryId, text: '', status: 'streaming' }, stream: new StreamedMarkdown(this.render) };
      this.streaming.add(entryId);
      this.dirty.add(entryId);
      turn.ids.push(entryId);
      this.list.push(entryId, row);
    }
    this.dirty.add(entryId);
    this.frame ||= requestAnimationFrame(() => this.flush());
    row.stream!.text += text;
  }

  upsertTool(turnId: string, entry: ToolEntry): void {
    const row = this.list.get(entry.id);
    if (row) {
      row.entry = entry;
      const el = this.list.element(entry.id);
      // A todo card and a plain card are built differently; otherwise refresh in place (keeps focus and <details>).
      if (el && el.classList.contains('todo') === isTodo(entry)) this.list.update(entry.id, row, (e) => fillTool(e, entry, row.open));
      else this.list.update(entry.id, row);
    } else {
      this.list.push(entry.id, { entry });
      this.turns.get(turnId)?.ids.push(entry.id);
    }
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      this.streaming.delete(id);
      this.dirty.delete(id);
    }
    this.list.remove(ids);
  }

  endTurn(turnId: string, state: EndState): void {
    this.flush();
    const turn = this.turns.get(turnId);
    if (!turn) return;
    for (const id of turn.ids) {
      if (!this.streaming.delete(id)) continue;
      const row = this.list.get(id);
      if (row?.entry.role === 'assistant') row.entry = { ...row.entry, text: row.stream!.text, status: 'done' };
      this.list.element(id)?.classList.remove('streaming');
    }
    const note = END_NOTES[state];
    if (note) {
      const last = [...turn.ids].reverse().find((id) => this.list.has(id));
      if (last) this.setNote(last, note);
      else {
        const id = `${turnId}-stopped`;
        this.list.push(id, { entry: { role: 'assistant', id, text: '', status: 'stopped' }, note: 'Stopped before any answer arrived' });
      }
    }
    this.turns.delete(turnId);
  }

  /** Renders the streaming answers that changed since the last frame (only the mounted ones). */
  private flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const id of this.dirty) {
      const el = this.list.element(id);
      const row = this.list.get(id);
      if (!row?.stream) continue;
      if (el) {
        row.stream.paint(el.querySelector<HTMLElement>(':scope > .markdown')!, false);
        this.list.remeasure(id);
      } else this.list.update(id, row); // off screen: only its estimated height changes
    }
    this.dirty.clear();
  }

  private create(row: Row): HTMLElement {
    const entry = row.entry;
    const el = document.createElement('div');
    el.dataset.id = entry.id;
    const role: Role = entry.role;
    if (entry.role === 'user') {
      el.className = 'msg user';
      el.textContent = entry.text; // the user's own text, shown as typed
    } else if (entry.role === 'assistant') {
      el.className = 'msg assistant';
      if (entry.thinking) el.append(thinkingView(entry.thinking, this.render));
      const body = document.createElement('div');
      body.className = 'markdown';
      el.append(body);
      if (row.stream) {
        if (this.dirty.has(entry.id)) row.stream.detach(); // this frame's flush paints it
        else row.stream.paint(body, true);
        if (this.streaming.has(entry.id)) el.classList.add('streaming');
      } else {
        row.html ??= this.render(entry.text);
        body.append(fragment(row.html));
      }
      if (entry.status === 'stopped' && !row.note) row.note = 'Stopped';
    } else if (entry.role === 'notice') {
      el.className = 'notice';
      el.dataset.tone = entry.tone ?? 'done';
      el.textContent = entry.text;
    } else if (entry.role === 'compaction') {
      el.className = 'compaction';
      fillCompaction(el, entry, this.render);
    } else if (entry.role === 'tool') {
      el.className = isTodo(entry) ? 'tool todo' : 'tool';
      fillTool(el, entry, row.open);
    } else if (entry.role === 'error') {
      el.className = 'msg error';
      el.setAttribute('role', 'alert');
      el.dataset.reason = entry.reason;
      const text = document.createElement('span');
      text.textContent = entry.message;
      el.append(text);
      if (entry.action) el.append(this.actionButton(entry.action));
    } else {
      const build = this.renderers.get(role);
      if (build) return this.decorate(build(entry), entry);
      el.className = 'notice';
      el.textContent = 'text' in entry && typeof entry.text === 'string' ? entry.text : '';
    }
    if (row.note) this.applyNote(el, row.note);
    return this.decorate(el, entry);
  }

  private decorate(el: HTMLElement, entry: TranscriptEntry): HTMLElement {
    el.dataset.id = entry.id;
    for (const d of this.decorators) d(el, entry);
    return el;
  }

  private onClick(e: Event): void {
    const button = (e.target as HTMLElement | null)?.closest?.('button[data-code-action]');
    if (button) void this.codeAction(button as HTMLButtonElement);
  }

  private async codeAction(button: HTMLButtonElement): Promise<void> {
    const pre = button.closest('pre');
    const code = pre?.querySelector('code');
    if (!code) return;
    const text = code.textContent ?? '';
    const language = (/(?:^|\s)language-(\S+)/.exec(code.className)?.[1] ?? '').slice(0, 64);
    const action = button.dataset.codeAction as 'copy' | 'insert' | 'apply';
    if (action === 'copy') {
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        this.onAction({ type: 'codeAction', action: 'copy', code: text, language });
      }
      flashLabel(button, 'Copied');
      return;
    }
    this.onAction({ type: 'codeAction', action, code: text, language });
  }

  private onToggle(e: Event): void {
    const details = e.target as HTMLElement;
    if (details.tagName !== 'DETAILS') return;
    const id = details.closest<HTMLElement>('[data-id]')?.dataset.id;
    const row = id ? this.list.get(id) : undefined;
    if (row && details.parentElement?.dataset.id === id) row.open = (details as HTMLDetailsElement).open;
    if (id) this.list.remeasure(id);
  }

  private setNote(id: string, text: string): void {
    const row = this.list.get(id);
    if (!row) return;
    row.note = text;
    const el = this.list.element(id);
    if (el) {
      this.applyNote(el, text);
      this.list.remeasure(id);
    }
  }

  private applyNote(el: HTMLElement, text: string): void {
    const tag = el.querySelector(':scope > .status') ?? document.createElement('div');
    tag.className = 'status';
    tag.textContent = text;
    if (!tag.parentElement) el.append(tag);
  }

  private actionButton(action: keyof typeof ACTION_LABELS): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = ACTION_LABELS[action];
    button.dataset.action = action;
    button.addEventListener('click', () => {
      if (action === 'retry') this.onAction({ type: 'retry' });
      else if (action === 'newConversation') this.onAction({ type: 'newConversation' });
      else this.onAction({ type: 'action', action });
    });
    return button;
  }

  /** A height guess for an entry never rendered: lines of text at the panel's width. */
  private estimate(entry: TranscriptEntry): number {
    const lines = (text: string, lineHeight: number) => {
      let h = 0;
      let start = 0;
      while (start <= text.length) {
        let end = text.indexOf('\n', start);
        if (end === -1) end = text.length;
        h += end === start ? lineHeight / 2 : Math.ceil((end - start) / this.charsPerLine) * lineHeight;
        start = end + 1;
      }
      return h;
    };
    switch (entry.role) {
      case 'user': return 14 + lines(entry.text, 18);
      case 'assistant': return lines(entry.text, 19) + (entry.thinking ? 24 : 0) + (entry.status === 'stopped' ? 20 : 0);
      case 'tool': return isTodo(entry) ? 28 + entry.todos!.length * 20 : 24;
      case 'error': return 40;
      case 'compaction': return 42;
      default: return 24;
    }
  }
}

function flashLabel(button: HTMLButtonElement, text: string): void {
  const label = button.dataset.label ?? button.textContent ?? '';
  button.dataset.label = label;
  button.textContent = text;
  setTimeout(() => (button.textContent = label), 1500);
}
