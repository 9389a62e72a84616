import type { AgentOutcome } from '../core/agent/events';
import type { Conversation } from '../core/session/conversation';
import type { Logger } from '../core/ports';
import { dispatch, webviewToHost, type HandlerMap, type HostToWebview, type TranscriptEntry, type WebviewToHost } from '../shared/protocol';
import {
  BARE_REMEMBER, COMPACT_COMMAND, DREAM_COMMAND, NEW_COMMAND, rememberRequest, SKILLS_COMMAND, SLASHED, slashCommands, type UserSkill,
} from './slashCommands';
import type { FixResultEntry } from '../shared/approvalProtocol';
import { contextFigures, TurnView } from './turnView';
import { ChatRewind } from './checkpoints/chatRewind';
import type { ChatEnvironment } from './chatEnvironment';
import { composerStateMessage, skillsNotice } from './composerEnvironment';
import { SessionPanel } from './sessions/sessionPanel';
import { PlanPanel } from './plan/planPanel';

export { BUILT_IN_COMMANDS, rememberRequest, slashCommands, type UserSkill } from './slashCommands';
export type { ChatEnvironment } from './chatEnvironment';

const savedText = (n: number) => `Saved ${n} ${n === 1 ? 'memory' : 'memories'}`;

type Post = (msg: HostToWebview) => void;
type ErrorEntry = Extract<TranscriptEntry, { role: 'error' }>;

/**
 * The chat panel's brain on the host side: owns the conversation and the transcript the panel
 * shows, turns webview messages into agent runs, and streams their progress back. One run at a time.
 */
export class ChatController {
  private readonly entries: TranscriptEntry[] = [];
  private readonly listeners = new Set<Post>();
  /** The running turn or compaction: one at a time. */
  private turn: { abort: AbortController; done: Promise<unknown> } | undefined;
  private nextId = 1;
  private readonly skillsChanged: { dispose(): void } | undefined;
  private readonly composerChanged: { dispose(): void } | undefined;
  private readonly sessions: SessionPanel | undefined;

  private readonly handlers: HandlerMap<WebviewToHost> = {
    ready: () => this.refreshPanel(),
    submit: (m) => void this.submit(m.text),
    stop: () => this.stop(),
    retry: () => void this.retry(),
    newConversation: () => this.newConversation(),
    action: (m) => (m.action === 'setApiKey' ? this.env.setApiKey() : this.env.openSettings()),
    mentionQuery: async (m) => this.post({ type: 'mentionItems', requestId: m.requestId, items: (await this.env.composer?.mentionItems(m.query)) ?? [] }),
    setMode: async (m) => {
      // Declined (bypass not confirmed): the panel's switch goes back to the mode in force.
      if (this.env.composer && !(await this.env.composer.setMode(m.mode))) this.post(composerStateMessage(this.env.composer));
    },
    setModel: (m) => this.env.composer?.setModel(m.model),
    listSessions: (m) => this.sessions?.list(m.requestId, m.query),
    resumeSession: (m) => void this.sessions?.resume(m.id),
    renameSession: (m) => this.sessions?.rename(m.id, m.title),
    deleteSession: (m) => void this.sessions?.delete(m.id),
    approvalAnswer: (m) => {
      if (!this.env.approvals?.answer(m.id, m.decision, m.reason)) this.log.warn(`ignored an answer to approval ${m.id}: it is not waiting for one`);
    },
    approvalOpenDiff: (m) => void this.env.approvals?.openDiff(m.id),
    fixContinue: (m) => this.continueFix(m.entryId),
    rewind: (m) => void this.rewind(m.entryId, m.mode),
    codeAction: (m) => this.env.codeAction?.(m),
    stopSubagent: (m) => {
      if (!this.env.stopSubagent?.(m.id)) this.log.warn(`ignored Stop on subagent ${m.id}: it is not running`);
    },
    planDecision: (m) => void this.plans?.decide(m),
    planOpen: (m) => this.plans?.open(m.entryId),
  };
  /** What Continue on a fix result does, by entry id; each runs once. */
  private readonly continuations = new Map<string, () => void>();
  /** Checkpoints before each prompt; rewind and fork from a user message. */
  private readonly rewinds: ChatRewind;
  private readonly approvalsPosted: { dispose(): void } | undefined;
  /** Plan cards and their decisions. */
  private readonly plans: PlanPanel | undefined;

  constructor(
    private readonly conversation: Conversation,
    private readonly env: ChatEnvironment,
    private readonly log: Logger,
  ) {
    this.skillsChanged = env.onSkillsChanged?.(() => this.postCommands());
    const composer = env.composer;
    this.composerChanged = composer?.onStateChanged(() => this.post(composerStateMessage(composer)));
    this.sessions = composer && new SessionPanel(composer, {
      currentId: () => this.conversation.id,
      post: (m) => this.post(m),
      stopAndSettle: async () => (this.stop(), await this.idle()),
      replace: async (id, messages, state, entries) => {
        this.conversation.clear();
        this.conversation.restore(messages, id, state);
        this.entries.splice(0, this.entries.length, ...entries);
        await this.refreshPanel();
      },
      newConversation: () => this.newConversation(),
      newId: () => this.id('e'),
      error: (message) => this.postError(undefined, 'internal', message),
      warn: (message) => this.log.warn(message),
    });
    if (this.sessions) {
      const sessions = this.sessions;
      this.onDidPost((m) => sessions.observe(m, this.entries.length > 0));
      void sessions.restoreOpen().catch((err) => this.log.warn(`could not restore the open session: ${err instanceof Error ? err.message : String(err)}`));
    }
    this.approvalsPosted = env.approvals?.onDidPost((m) => this.post(m));
    this.rewinds = new ChatRewind(conversation, env.checkpoints, {
      entries: this.entries,
      refuseWhileBusy: () => this.refuseWhileBusy(),
      addEntry: (entry) => this.addEntry(entry),
      error: (message) => this.postError(undefined, 'rewind_failed', message),
      refreshPanel: () => this.refreshPanel(),
      newId: () => this.id('e'),
    }, log);
    this.plans = env.plans && new PlanPanel(env.plans, {
      add: (entry) => this.addEntry(entry),
      update: (entry) => {
        const i = this.entries.findIndex((e) => e.id === entry.id);
        if (i >= 0) this.entries[i] = entry;
        this.post({ type: 'entry', entry: { ...entry } });
      },
      send: (display, prompt) => this.sendPrompt(display, prompt),
      busy: () => this.busy,
      error: (message) => this.postError(undefined, 'busy', message),
      newId: () => this.id('e'),
      warn: (message) => this.log.warn(message),
    });
  }

  dispose(): void {
    this.skillsChanged?.dispose();
    this.composerChanged?.dispose();
    this.approvalsPosted?.dispose();
    this.plans?.dispose();
  }

  /**
   * A turn started from the editor ("Fix with Reverie", "Explain", "Ask about this"): the panel
   * shows `display` as the user's message, the model gets `prompt`. Undefined when busy.
   */
  async sendPrompt(display: string, prompt: string): Promise<AgentOutcome | undefined> {
    if (this.refuseWhileBusy()) return undefined;
    const userEntry: TranscriptEntry = { role: 'user', id: this.id('e'), text: display };
    this.entries.push(userEntry);
    return this.run(userEntry.id, display, false, (signal, emit) => this.conversation.send(prompt, signal, emit));
  }

  /** Adds what a fix check found; `onContinue` (once) is what its Continue button does. */
  addFixResult(result: Omit<FixResultEntry, 'role' | 'id' | 'canContinue'>, onContinue?: () => void): FixResultEntry {
    const entry: FixResultEntry = { role: 'fixResult', id: this.id('e'), ...result, canContinue: onContinue !== undefined };
    if (onContinue) this.continuations.set(entry.id, onContinue);
    this.entries.push(entry);
    this.post({ type: 'entry', entry: { ...entry } });
    return entry;
  }

  /** An `info` notice from outside a turn (the watch's offers). */
  addNotice(text: string): void {
    this.addEntry({ role: 'notice', id: this.id('e'), text, tone: 'info' });
  }

  private continueFix(entryId: string): void {
    const go = this.continuations.get(entryId);
    if (!go) return this.log.warn(`ignored Continue on ${entryId}: nothing to continue`);
    if (this.turn) return void this.refuseWhileBusy(); // keep it for when the running turn ends
    this.continuations.delete(entryId);
    go();
  }

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
    const done = result.done.catch((err) => this.log.error(`chat panel message failed: ${err instanceof Error ? err.stack : String(err)}`));
    this.handling.add(done);
    void done.finally(() => this.handling.delete(done));
  }

  private readonly handling = new Set<Promise<unknown>>();

  /** Waits until the panel messages received so far are handled (a turn they start is not awaited). */
  async handled(): Promise<void> {
    while (this.handling.size) await Promise.all([...this.handling]);
  }

  get busy(): boolean {
    return this.turn !== undefined;
  }

  get transcript(): readonly TranscriptEntry[] {
    return this.entries;
  }

  /**
   * Sends what the user typed. `/new` starts over; `/compact [focus]` summarises the conversation;
   * `/remember ...` and `/skill args` are expanded into the prompt the model gets, while the panel
   * keeps showing the text as typed.
   */
  async submit(text: string): Promise<AgentOutcome | undefined> {
    if (DREAM_COMMAND.test(text.trim()) && this.env.composer) return void (await this.env.composer.dreamNow());
    if (SKILLS_COMMAND.test(text.trim())) {
      for (const entry of [{ role: 'user', id: this.id('e'), text } as const, { role: 'notice', id: this.id('e'), text: skillsNotice(this.env.userSkills?.() ?? []), tone: 'info' } as const]) {
        this.entries.push(entry);
        this.post({ type: 'entry', entry: { ...entry } });
      }
      return undefined;
    }
    if (NEW_COMMAND.test(text.trim())) {
      await this.newConversation();
      return undefined;
    }
    if (this.refuseWhileBusy()) return undefined;
    const compact = COMPACT_COMMAND.exec(text.trim());
    if (compact) {
      await this.compact(compact[1], text);
      return undefined;
    }
    const expanded = await this.expand(text);
    if (this.refuseWhileBusy()) return undefined; // another message started while the skill loaded
    const userEntry: TranscriptEntry = { role: 'user', id: this.id('e'), text };
    this.entries.push(userEntry);
    if ('error' in expanded) {
      this.post({ type: 'entry', entry: { ...userEntry } });
      this.postError(undefined, expanded.reason, expanded.error);
      return undefined;
    }
    return this.run(userEntry.id, text, false, (signal, emit) => this.conversation.send(expanded.prompt, signal, emit));
  }

  private refuseWhileBusy(): boolean {
    if (this.turn) this.postError(undefined, 'busy', 'Reverie is still working. Press Stop first, or wait for it to finish.');
    return this.turn !== undefined;
  }

  /** The prompt for what the user typed, or why it cannot be sent. */
  private async expand(text: string): Promise<{ prompt: string } | { error: string; reason: ErrorEntry['reason'] }> {
    const remember = rememberRequest(text);
    if (remember) return { prompt: remember };
    const trimmed = text.trim();
    if (BARE_REMEMBER.test(trimmed)) return { error: 'Say what to remember after /remember, e.g. "/remember we release on Fridays".', reason: 'bad_command' };
    if (!SLASHED.test(trimmed) && this.env.composer) return { prompt: await this.env.composer.expandMentions(text) };
    if (!SLASHED.test(trimmed) || !this.env.expandSkill) return { prompt: text };
    try {
      const skill = await this.env.expandSkill(trimmed);
      if (!skill) return { prompt: text };
      return 'error' in skill ? { error: skill.error, reason: 'bad_command' } : skill;
    } catch (err) {
      this.log.error(`could not expand ${trimmed.split(/\s/, 1)[0]}: ${err instanceof Error ? err.stack : String(err)}`);
      return { error: 'That skill could not be loaded. Details are in the "Reverie" output channel.', reason: 'internal' };
    }
  }

  /**
   * Summarises the conversation now (`/compact`, or the Compact Conversation command), as a turn:
   * the panel is busy, Stop cancels it, and it ends with a divider or an error saying why not.
   * Resolves to whether it compacted.
   */
  async compact(focus?: string, typed?: string): Promise<boolean> {
    if (this.refuseWhileBusy()) return false;
    focus = focus?.trim() || undefined;
    const text = typed ?? (focus ? `/compact ${focus}` : '/compact');
    const userEntry: TranscriptEntry = { role: 'user', id: this.id('e'), text };
    this.entries.push(userEntry);
    const turnId = this.id('t');
    const abort = new AbortController();
    this.post({ type: 'turnStarted', turnId, userEntryId: userEntry.id, text, retry: false });
    const view = new TurnView(turnId, this.entries, (m) => this.post(m), () => this.id('e'));
    const done = this.conversation.compact(focus, abort.signal, (e) => view.handle(e));
    this.turn = { abort, done };
    this.env.busyChanged?.(true);
    let result: Awaited<typeof done>;
    try {
      result = await done;
    } catch (err) {
      // compact() reports its failures; a throw is a bug. Say so without a stack trace.
      this.log.error(`compaction failed unexpectedly: ${err instanceof Error ? err.stack : String(err)}`);
      result = { ok: false, reason: 'Something went wrong inside Reverie. Details are in the "Reverie" output channel.' };
    } finally {
      this.turn = undefined;
      this.env.busyChanged?.(false);
    }
    // The divider came with the `compaction` event; a failure (or Stop) leaves the history as it was.
    // Not 'aborted_*' when stopped: the panel would add "Stopped before any answer arrived".
    view.finish({ state: result.ok ? 'completed' : 'model_error' });
    if (!result.ok) this.postError(turnId, abort.signal.aborted ? 'aborted' : 'compaction_failed', result.reason);
    return result.ok;
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
    const meter = this.conversation.meter;
    this.post({
      type: 'snapshot', hasApiKey: await this.env.hasApiKey(), model: this.env.model(), busy: this.busy,
      entries: this.entries.map((e) => ({ ...e })), ...(meter ? { meter: contextFigures(meter) } : {}),
    });
    this.postCommands();
    if (this.env.composer) this.post(composerStateMessage(this.env.composer));
    for (const card of this.env.approvals?.pending() ?? []) this.post(card); // still waiting: shown again
  }

  /** Tells the panel which `/commands` it can complete (on load, and whenever the skills change). */
  postCommands(): void {
    let skills: UserSkill[] = [];
    try {
      skills = this.env.userSkills?.() ?? [];
    } catch (err) {
      this.log.warn(`could not list skills for the panel: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.post({ type: 'commands', commands: slashCommands(skills) });
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
    const done = (retry ? start : this.rewinds.withCheckpoint(userEntryId, text, start))(abort.signal, (e) => view.handle(e));
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

  /** A user message's menu: "Rewind code to here", "Fork conversation from here", or both. Resolves to whether it happened. */
  rewind(entryId: string, mode: 'code' | 'fork' | 'both'): Promise<boolean> {
    return this.rewinds.rewind(entryId, mode);
  }

  private addEntry(entry: TranscriptEntry): void {
    this.entries.push(entry);
    this.post({ type: 'entry', entry: { ...entry } });
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
