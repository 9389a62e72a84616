import type { TranscriptEntry, WebviewToHost } from '../src/shared/protocol';
import { compactionLine, compactionSummaryLabel } from './contextMeter';

type ToolEntry = Extract<TranscriptEntry, { role: 'tool' }>;
type CompactionEntry = Extract<TranscriptEntry, { role: 'compaction' }>;
type EndState = 'completed' | 'aborted_streaming' | 'aborted_tools' | 'max_turns' | 'max_tokens' | 'model_error' | 'prompt_too_long';

const ACTION_LABELS = { setApiKey: 'Set API Key', retry: 'Retry', openSettings: 'Open Settings', newConversation: 'New Conversation' } as const;
const TOOL_STATUS = { pending: '…', running: '…', done: '✓', error: '✗', interrupted: '⏹' } as const;
const END_NOTES: Partial<Record<EndState, string>> = {
  aborted_streaming: 'Stopped',
  aborted_tools: 'Stopped',
  max_turns: 'Stopped: the turn limit was reached',
  max_tokens: 'Stopped: the answer kept hitting the output limit',
};

/**
 * The conversation as DOM. Streaming answers are re-rendered at most once per animation frame,
 * however many deltas arrive in between. Tool output is only ever set as text.
 */
export class Transcript {
  private readonly streaming = new Map<string, { el: HTMLElement; body: HTMLElement; text: string }>();
  private readonly turns = new Map<string, { nextSeq: number; ids: string[] }>();
  private readonly dirty = new Set<string>();
  private frame = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly render: (markdown: string) => string,
    private readonly onAction: (msg: WebviewToHost) => void,
  ) {}

  get isEmpty(): boolean {
    return this.root.childElementCount === 0;
  }

  reset(entries: TranscriptEntry[]): void {
    this.root.replaceChildren();
    this.streaming.clear();
    this.turns.clear();
    this.dirty.clear();
    entries.forEach((e) => this.add(e));
  }

  add(entry: TranscriptEntry): HTMLElement {
    const stick = this.atBottom();
    const el = document.createElement('div');
    el.dataset.id = entry.id;
    if (entry.role === 'user') {
      el.className = 'msg user';
      el.textContent = entry.text; // the user's own text, shown as typed
    } else if (entry.role === 'assistant') {
      el.className = 'msg assistant';
      const body = document.createElement('div');
      body.className = 'markdown';
      body.innerHTML = this.render(entry.text);
      el.append(body);
      if (entry.status === 'stopped') this.note(el, 'Stopped');
    } else if (entry.role === 'notice') {
      el.className = 'notice';
      el.dataset.tone = entry.tone ?? 'done';
      el.textContent = entry.text;
    } else if (entry.role === 'compaction') {
      el.className = 'compaction';
      this.fillCompaction(el, entry);
    } else if (entry.role === 'tool') {
      el.className = 'tool';
      this.fillTool(el, entry);
    } else {
      el.className = 'msg error';
      el.setAttribute('role', 'alert');
      el.dataset.reason = entry.reason;
      const text = document.createElement('span');
      text.textContent = entry.message;
      el.append(text);
      if (entry.action) el.append(this.actionButton(entry.action));
    }
    this.root.append(el);
    if (stick) this.scrollToBottom();
    return el;
  }

  startTurn(turnId: string): void {
    this.turns.set(turnId, { nextSeq: 0, ids: [] });
  }

  appendDelta(turnId: string, entryId: string, seq: number, text: string): void {
    const turn = this.turns.get(turnId);
    if (!turn || seq !== turn.nextSeq) return; // a stale turn (cleared) or a duplicate
    turn.nextSeq++;
    let answer = this.streaming.get(entryId);
    if (!answer) {
      const el = this.add({ role: 'assistant', id: entryId, text: '', status: 'streaming' });
      el.classList.add('streaming');
      answer = { el, body: el.querySelector('.markdown') as HTMLElement, text: '' };
      this.streaming.set(entryId, answer);
      turn.ids.push(entryId);
    }
    answer.text += text;
    this.dirty.add(entryId);
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  upsertTool(turnId: string, entry: ToolEntry): void {
    const existing = this.root.querySelector<HTMLElement>(`[data-id="${CSS.escape(entry.id)}"]`);
    if (existing) this.fillTool(existing, entry);
    else {
      this.add(entry);
      this.turns.get(turnId)?.ids.push(entry.id);
    }
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      this.root.querySelector(`[data-id="${CSS.escape(id)}"]`)?.remove();
      this.streaming.delete(id);
      this.dirty.delete(id);
    }
  }

  endTurn(turnId: string, state: EndState): void {
    this.flush();
    const turn = this.turns.get(turnId);
    if (!turn) return;
    for (const id of turn.ids) {
      this.streaming.get(id)?.el.classList.remove('streaming');
      this.streaming.delete(id);
    }
    const note = END_NOTES[state];
    if (note) {
      const last = [...turn.ids].reverse().map((id) => this.root.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`)).find(Boolean);
      if (last) this.note(last, note);
      else this.note(this.add({ role: 'assistant', id: `${turnId}-stopped`, text: '', status: 'stopped' }), 'Stopped before any answer arrived', true);
    }
    this.turns.delete(turnId);
  }

  /** A divider with the figures; the summary (model output) folded, rendered like any answer. */
  private fillCompaction(el: HTMLElement, entry: CompactionEntry): void {
    el.dataset.trigger = entry.trigger;
    const line = document.createElement('div');
    line.className = 'compaction-line';
    line.setAttribute('role', 'separator');
    const label = document.createElement('span');
    label.className = 'compaction-label';
    label.textContent = compactionLine(entry);
    line.append(label);
    line.setAttribute('aria-label', label.textContent);
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = compactionSummaryLabel(entry);
    const body = document.createElement('div');
    body.className = 'markdown compaction-summary';
    body.innerHTML = this.render(entry.summary);
    details.append(summary, body);
    el.append(line, details);
  }

  private fillTool(el: HTMLElement, entry: ToolEntry): void {
    el.dataset.status = entry.status;
    el.dataset.tool = entry.name;
    let details = el.querySelector('details');
    if (!details) {
      details = document.createElement('details');
      details.innerHTML = '<summary><span class="tool-status"></span><span class="tool-name"></span><span class="tool-summary"></span></summary><pre class="tool-output"></pre>';
      el.append(details);
    }
    (details.querySelector('.tool-status') as HTMLElement).textContent = TOOL_STATUS[entry.status];
    (details.querySelector('.tool-name') as HTMLElement).textContent = entry.name;
    (details.querySelector('.tool-summary') as HTMLElement).textContent = entry.summary;
    (details.querySelector('.tool-output') as HTMLElement).textContent = entry.output || '(no output yet)';
  }

  private flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const stick = this.atBottom();
    for (const id of this.dirty) {
      const answer = this.streaming.get(id);
      if (answer) answer.body.innerHTML = this.render(answer.text);
    }
    this.dirty.clear();
    if (stick) this.scrollToBottom();
  }

  private note(el: HTMLElement, text: string, replace = false): void {
    const tag = el.querySelector('.status') ?? document.createElement('div');
    tag.className = 'status';
    tag.textContent = text;
    if (replace || !tag.parentElement) el.append(tag);
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

  private atBottom(): boolean {
    const scroller = document.scrollingElement ?? document.documentElement;
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  }

  private scrollToBottom(): void {
    const scroller = document.scrollingElement ?? document.documentElement;
    scroller.scrollTop = scroller.scrollHeight;
  }
}
