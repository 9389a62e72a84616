import type { TranscriptEntry, WebviewToHost } from '../src/shared/protocol';

type AnswerState = 'completed' | 'aborted' | 'model_error';

const ACTION_LABELS = { setApiKey: 'Set API Key', retry: 'Retry', openSettings: 'Open Settings', newConversation: 'New Conversation' } as const;

/**
 * The conversation as DOM. Streaming answers are re-rendered at most once per animation frame,
 * however many deltas arrive in between.
 */
export class Transcript {
  private readonly answers = new Map<string, { el: HTMLElement; body: HTMLElement; text: string; nextSeq: number }>();
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
    this.answers.clear();
    this.dirty.clear();
    entries.forEach((e) => this.add(e));
  }

  add(entry: TranscriptEntry): void {
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
      this.markStatus(el, entry.status === 'stopped' ? 'aborted' : entry.status === 'error' ? 'model_error' : undefined);
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
  }

  startAnswer(turnId: string, entryId: string): void {
    const stick = this.atBottom();
    const el = document.createElement('div');
    el.className = 'msg assistant streaming';
    el.dataset.id = entryId;
    const body = document.createElement('div');
    body.className = 'markdown';
    el.append(body);
    this.root.append(el);
    this.answers.set(turnId, { el, body, text: '', nextSeq: 0 });
    if (stick) this.scrollToBottom();
  }

  appendDelta(turnId: string, seq: number, text: string): void {
    const answer = this.answers.get(turnId);
    if (!answer || seq !== answer.nextSeq) return; // a stale turn (cleared) or a duplicate
    answer.nextSeq++;
    answer.text += text;
    this.dirty.add(turnId);
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  endAnswer(turnId: string, state: AnswerState): void {
    const answer = this.answers.get(turnId);
    if (!answer) return;
    this.flush();
    answer.el.classList.remove('streaming');
    if (!answer.text && state === 'model_error') answer.el.remove(); // the error card says it all
    else this.markStatus(answer.el, state);
    this.answers.delete(turnId);
  }

  private flush(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    const stick = this.atBottom();
    for (const id of this.dirty) {
      const answer = this.answers.get(id);
      if (answer) answer.body.innerHTML = this.render(answer.text);
    }
    this.dirty.clear();
    if (stick) this.scrollToBottom();
  }

  private markStatus(el: HTMLElement, state: AnswerState | undefined): void {
    if (state !== 'aborted' && state !== 'model_error') return;
    const tag = document.createElement('div');
    tag.className = 'status';
    const empty = el.querySelector('.markdown')?.textContent === '';
    tag.textContent = state === 'aborted' ? (empty ? 'Stopped before any answer arrived' : 'Stopped') : 'Incomplete: the answer was cut off by an error';
    el.append(tag);
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
