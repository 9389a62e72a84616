import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { AgentOutcome } from '../core/agent/events';
import type { Conversation } from '../core/session/conversation';
import type { Logger } from '../core/ports';
import { dispatch, webviewToHost, type HandlerMap, type HostToWebview, type TranscriptEntry, type WebviewToHost } from '../shared/protocol';
import { TurnView } from './turnView';

/** What the controller needs from the editor; kept free of `vscode` so it runs in plain Node tests. */
export interface ChatEnvironment {
  hasApiKey(): Promise<boolean>;
  model(): string;
  setApiKey(): Promise<void>;
  openSettings(): Promise<void>;
  /** Told when a turn starts or ends (the host sets a `reverie.busy` context key). */
  busyChanged?(busy: boolean): void;
  /** Whether a path the agent wrote (as given to the tool) is a topic file in a memory folder. */
  isMemoryTopic?(path: string): boolean;
  /**
   * The optional background pass after a completed turn that saved no memory itself: returns how
   * many memories it saved (0 when it is turned off).
   */
  extractMemories?(turn: readonly MessageParam[]): Promise<number>;
}

const savedText = (n: number) => `Saved ${n} ${n === 1 ? 'memory' : 'memories'}`;

/** "#something" or "/remember something": the user asks Reverie to remember. */
const REMEMBER = /^(?:#(?!#)|\/remember\b)\s*([\s\S]+)$/;

export function rememberRequest(text: string): string | undefined {
  const m = REMEMBER.exec(text.trim());
  if (!m || !m[1].trim()) return undefined;
  return `Remember this: ${m[1].trim()}\n\nSave it to memory now (a topic file with name, description and type, and one line in MEMORY.md), then confirm in one short sentence.`;
}

type Post = (msg: HostToWebview) => void;
type ErrorEntry = Extract<TranscriptEntry, { role: 'error' }>;

/**
 * The chat panel's brain on the host side: owns the conversation and the transcript the panel
 * shows, turns webview messages into agent runs, and streams their progress back. One run at a time.
 */
export class ChatController {
  private readonly entries: TranscriptEntry[] = [];
  private readonly listeners = new Set<Post>();
  private turn: { abort: AbortController; done: Promise<AgentOutcome> } | undefined;
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

  async submit(text: string): Promise<AgentOutcome | undefined> {
    if (this.turn) {
      this.postError(undefined, 'busy', 'Reverie is still working. Press Stop first, or wait for it to finish.');
      return undefined;
    }
    const userEntry: TranscriptEntry = { role: 'user', id: this.id('e'), text };
    this.entries.push(userEntry);
    const prompt = rememberRequest(text) ?? text;
    return this.run(userEntry.id, text, false, (signal, emit) => this.conversation.send(prompt, signal, emit));
  }

  async retry(): Promise<AgentOutcome | undefined> {
    if (this.turn || !this.conversation.awaitingAnswer) return undefined;
    const lastUser = [...this.entries].reverse().find((e) => e.role === 'user');
    if (!lastUser || lastUser.role !== 'user') return undefined;
    return this.run(lastUser.id, lastUser.text, true, (signal, emit) => this.conversation.retry(signal, emit));
  }

  /** Stops the running turn at once: streaming ends, commands are killed; what arrived stays. */
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

  /** Redraws the panel from the host's state (on load, and when a setting it shows changes). */
  async refreshPanel(): Promise<void> {
    this.post({ type: 'snapshot', hasApiKey: await this.env.hasApiKey(), model: this.env.model(), busy: this.busy, entries: this.entries.map((e) => ({ ...e })) });
  }

  /** Waits for the running turn, if any (used by tests and on shutdown). */
  async idle(): Promise<void> {
    await this.turn?.done.catch(() => undefined);
  }

  private async run(
    userEntryId: string,
    text: string,
    retry: boolean,
    start: (signal: AbortSignal, emit: (e: Parameters<TurnView['handle']>[0]) => void) => Promise<AgentOutcome>,
  ): Promise<AgentOutcome> {
    const turnId = this.id('t');
    const abort = new AbortController();
    this.post({ type: 'turnStarted', turnId, userEntryId, text, retry });
    const view = new TurnView(turnId, this.entries, (m) => this.post(m), () => this.id('e'));
    const from = retry ? Math.max(0, this.conversation.messages.length - 1) : this.conversation.messages.length;
    const done = start(abort.signal, (e) => view.handle(e));
    this.turn = { abort, done };
    this.env.busyChanged?.(true);
    let outcome: AgentOutcome;
    try {
      outcome = await done;
    } catch (err) {
      // A bug, not a model failure: keep the session usable and say so without a stack trace.
      this.log.error(`turn failed unexpectedly: ${err instanceof Error ? err.stack : String(err)}`);
      outcome = { state: 'model_error', turns: 0, usage: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 }, finalText: '' };
      view.finish(outcome);
      this.postError(turnId, 'internal', 'Something went wrong inside Reverie. Details are in the "Reverie" output channel.');
      return outcome;
    } finally {
      this.turn = undefined;
      this.env.busyChanged?.(false);
    }
    view.finish(outcome);
    if (outcome.error) this.postError(turnId, outcome.error.reason, outcome.error.message, outcome.error.action);
    const saved = new Set(view.written.filter((p) => this.env.isMemoryTopic?.(p))).size;
    if (saved) this.postNotice(turnId, savedText(saved));
    else if (outcome.state === 'completed' && this.env.extractMemories) {
      const turn = this.conversation.messages.slice(from);
      this.extraction = this.env.extractMemories(turn)
        .then((n) => void (n > 0 && this.postNotice(turnId, savedText(n))))
        .catch((err) => this.log.warn(`memory extraction failed: ${err instanceof Error ? err.message : String(err)}`));
    }
    return outcome;
  }

  private postError(turnId: string | undefined, reason: ErrorEntry['reason'], message: string, action?: ErrorEntry['action']): void {
    const entry: ErrorEntry = { role: 'error', id: this.id('e'), reason, message, action };
    this.entries.push(entry);
    this.post({ type: 'error', turnId, entryId: entry.id, reason, message, action });
  }

  /** The latest background extraction, for tests and shutdown. */
  extraction: Promise<void> = Promise.resolve();

  private postNotice(turnId: string, text: string): void {
    const entry: TranscriptEntry = { role: 'notice', id: this.id('e'), text };
    this.entries.push(entry);
    this.post({ type: 'notice', turnId, entryId: entry.id, text });
  }

  private post(msg: HostToWebview): void {
    for (const listener of this.listeners) listener(msg);
  }

  private id(prefix: string): string {
    return `${prefix}${this.nextId++}`;
  }
}
