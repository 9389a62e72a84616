import type { Conversation, TurnOutcome } from '../core/session/conversation';
import type { Logger } from '../core/ports';
import { dispatch, webviewToHost, type HandlerMap, type HostToWebview, type TranscriptEntry, type WebviewToHost } from '../shared/protocol';

/** What the controller needs from the editor; kept free of `vscode` so it runs in plain Node tests. */
export interface ChatEnvironment {
  hasApiKey(): Promise<boolean>;
  model(): string;
  setApiKey(): Promise<void>;
  openSettings(): Promise<void>;
  /** Told when a turn starts or ends (the host sets a `reverie.busy` context key). */
  busyChanged?(busy: boolean): void;
}

type Post = (msg: HostToWebview) => void;

/** How long streamed text is gathered before it is posted: one message per frame, not per token. */
const DELTA_FLUSH_MS = 16;

/**
 * The chat panel's brain on the host side: owns the conversation and the transcript the panel
 * shows, turns webview messages into turns, and streams deltas back. One turn at a time.
 */
export class ChatController {
  private readonly entries: TranscriptEntry[] = [];
  private readonly listeners = new Set<Post>();
  private turn: { id: string; abort: AbortController; done: Promise<TurnOutcome> } | undefined;
  private nextId = 1;

  private readonly handlers: HandlerMap<WebviewToHost> = {
    ready: () => this.refreshPanel(),
    submit: (m) => void this.submit(m.text),
    stop: () => this.stop(),
    retry: () => void this.retry(),
    newConversation: () => this.newConversation(),
    action: (m) => (m.action === 'setApiKey' ? this.env.setApiKey() : this.env.openSettings()),
  };

  constructor(
    private readonly conversation: Conversation,
    private readonly env: ChatEnvironment,
    private readonly log: Logger,
  ) {}

  /** Subscribes a sink (the webview, or a test) to everything the host posts. */
  onDidPost(listener: Post): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Entry point for raw webview messages: validated, then dispatched. */
  receive(raw: unknown): void {
    const result = dispatch(webviewToHost, this.handlers, raw);
    if (!result.ok) {
      this.log.warn(`ignored an invalid message from the chat panel: ${result.error}`);
      return;
    }
    result.done.catch((err) => this.log.error(`chat panel message failed: ${err instanceof Error ? err.stack : String(err)}`));
  }

  get busy(): boolean {
    return this.turn !== undefined;
  }

  get transcript(): readonly TranscriptEntry[] {
    return this.entries;
  }

  async submit(text: string): Promise<TurnOutcome | undefined> {
    if (this.turn) {
      this.postError(undefined, 'busy', 'Reverie is still answering. Press Stop first, or wait for the answer.');
      return undefined;
    }
    const userEntry: TranscriptEntry = { role: 'user', id: this.id('e'), text };
    this.entries.push(userEntry);
    return this.runTurn(userEntry.id, text, false, (signal, listener) => this.conversation.send(text, signal, listener));
  }

  async retry(): Promise<TurnOutcome | undefined> {
    if (this.turn || !this.conversation.awaitingAnswer) return undefined;
    const lastUser = [...this.entries].reverse().find((e) => e.role === 'user');
    if (!lastUser || lastUser.role !== 'user') return undefined;
    return this.runTurn(lastUser.id, lastUser.text, true, (signal, listener) => this.conversation.retry(signal, listener));
  }

  /** Stops the running turn at once; what already arrived stays in the transcript. */
  stop(): void {
    this.turn?.abort.abort();
  }

  /** Stops any running turn, waits for it to settle, then starts afresh. */
  async newConversation(): Promise<void> {
    this.stop();
    await this.idle();
    this.conversation.clear();
    this.entries.length = 0;
    this.post({ type: 'cleared' });
  }

  /** Tells the panel whether a key is configured now (after Set API Key, or a change elsewhere). */
  async refreshAuth(): Promise<void> {
    this.post({ type: 'auth', hasApiKey: await this.env.hasApiKey() });
  }

  /** Waits for the running turn, if any (used by tests and on shutdown). */
  async idle(): Promise<void> {
    await this.turn?.done.catch(() => undefined);
  }

  private async runTurn(
    userEntryId: string,
    text: string,
    retry: boolean,
    start: (signal: AbortSignal, listener: { onText(delta: string): void }) => Promise<TurnOutcome>,
  ): Promise<TurnOutcome> {
    const turnId = this.id('t');
    const abort = new AbortController();
    const answer: TranscriptEntry & { role: 'assistant' } = { role: 'assistant', id: this.id('e'), text: '', status: 'streaming' };
    this.entries.push(answer);
    this.post({ type: 'turnStarted', turnId, userEntryId, assistantEntryId: answer.id, text, retry });

    let seq = 0;
    let pending = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      if (!pending) return;
      this.post({ type: 'textDelta', turnId, seq: seq++, text: pending });
      pending = '';
    };
    const onText = (delta: string) => {
      answer.text += delta;
      pending += delta;
      timer ??= setTimeout(flush, DELTA_FLUSH_MS);
    };

    const done = start(abort.signal, { onText });
    this.turn = { id: turnId, abort, done };
    this.env.busyChanged?.(true);
    let outcome: TurnOutcome;
    try {
      outcome = await done;
    } catch (err) {
      // A bug, not a model failure: keep the session usable and say so without a stack trace.
      this.log.error(`turn failed unexpectedly: ${err instanceof Error ? err.stack : String(err)}`);
      outcome = { state: 'model_error', text: answer.text };
      this.postError(turnId, 'internal', 'Something went wrong inside Reverie. Details are in the "Reverie" output channel.');
    } finally {
      if (timer) clearTimeout(timer);
      flush();
      this.turn = undefined;
      this.env.busyChanged?.(false);
    }
    answer.status = outcome.state === 'completed' ? 'done' : outcome.state === 'aborted' ? 'stopped' : 'error';
    if (!answer.text) this.entries.splice(this.entries.indexOf(answer), 1); // still there: clearing waits for idle()
    this.post({ type: 'turnEnded', turnId, state: outcome.state, usage: outcome.usage });
    if (outcome.error) this.postError(turnId, outcome.error.reason, outcome.error.message, outcome.error.action);
    return outcome;
  }

  private postError(turnId: string | undefined, reason: Extract<TranscriptEntry, { role: 'error' }>['reason'], message: string, action?: Extract<TranscriptEntry, { role: 'error' }>['action']): void {
    const entry: TranscriptEntry = { role: 'error', id: this.id('e'), reason, message, action };
    this.entries.push(entry);
    this.post({ type: 'error', turnId, entryId: entry.id, reason, message, action });
  }

  /** Redraws the panel from the host's state (on load, and when a setting it shows changes). */
  async refreshPanel(): Promise<void> {
    this.post({ type: 'snapshot', hasApiKey: await this.env.hasApiKey(), model: this.env.model(), busy: this.busy, entries: [...this.entries] });
  }

  private post(msg: HostToWebview): void {
    for (const listener of this.listeners) listener(msg);
  }

  private id(prefix: string): string {
    return `${prefix}${this.nextId++}`;
  }
}
