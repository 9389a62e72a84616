import * as path from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { SYSTEM_PROMPT } from '../context/systemPrompt';
import type { AgentEvent, AgentOutcome } from '../agent/events';
import { runAgentLoop } from '../agent/loop';
import { ModelError } from '../model/modelError';
import { newSessionId } from './sessionStore';
import type { FileSystem, Logger, ModelAccess } from '../ports';
import { ResultBudget } from '../tools/output';
import { newToolSession, type ToolContext, type ToolDefinition, type ToolResult, type ToolSession } from '../tools/tool';
import type { ConversationHooks } from './hooks';
import { ContextManager, type CompactionSummary, type ContextSettings } from './contextManager';
import type { TranscriptEvent } from './transcript';
import { streamMessage, type Usage } from '../model/modelClient';
import type { Meter } from '../compaction/meter';

export interface ConversationOptions {
  maxTokens?: number;
  maxTurns?: number;
  idleTimeoutMs?: number;
  /** Mark prompt-cache breakpoints (default true). */
  promptCache?: boolean;
  /** Injected by tests to make retry waits instant. */
  sleep?(ms: number, signal: AbortSignal): Promise<boolean>;
}

export interface ConversationDeps {
  access: ModelAccess;
  log: Logger;
  tools: ToolDefinition[];
  /** Builds a tool context for one call (ports, authorize, cwd) around this conversation's tool session. */
  toolContext(signal: AbortSignal, progress: (text: string) => void, session: ToolSession): ToolContext;
  /** Output caps and spilling, applied to every tool result. */
  finalizeResult?(result: ToolResult, toolName: string, session: ToolSession): Promise<ToolResult>;
  /**
   * What features (memory, skills) add: reminders in user messages and tool results, and a static
   * system-prompt addendum. Combine several with `combineHooks`.
   */
  hooks?: ConversationHooks;
  /** Receives every message added to the history, as the loop goes, and each compaction (transcripts). */
  record?(sessionId: string, messages: MessageParam[], event?: TranscriptEvent): Promise<void>;
  /** Compaction settings, read fresh before each request (micro-compaction, auto, threshold, notes). */
  compaction?(): ContextSettings;
  /** Reverie's own files: recently read files restored after a compaction, the session notes. */
  storage?: { readText(path: string): Promise<string | undefined>; writeText(path: string, text: string): Promise<void> };
  /** Results never cleared from the request besides skills (memory reads). */
  keepResult?(toolName: string, input: unknown): boolean;
  /** The transcript file of a session, named in a compaction summary. */
  transcriptPath?(sessionId: string): string | undefined;
  /** Where a session's spilled outputs go. */
  sessionDir(sessionId: string): string;
  options?: ConversationOptions;
}

/**
 * One conversation: the history and the tools' shared state, and one agent run at a time.
 * Every end state leaves the history valid, so the next message continues the same conversation.
 */
export class Conversation {
  private readonly history: MessageParam[] = [];
  private toolSession!: ToolSession;
  /** This conversation's session id (transcript file name); a new one after clear(). */
  id!: string;

  private readonly context: ContextManager;

  constructor(private readonly deps: ConversationDeps, id?: string) {
    this.startSession(id);
    this.context = new ContextManager({
      log: deps.log,
      model: () => deps.access.model(),
      settings: () => deps.compaction?.() ?? {},
      complete: (request, signal) => this.complete(request, signal),
      readText: (p) => deps.storage?.readText(p) ?? Promise.resolve(undefined),
      reminder: (session) => deps.hooks?.startReminder?.(session) ?? Promise.resolve(undefined),
      isProtected: deps.keepResult,
      transcriptPath: () => deps.transcriptPath?.(this.id),
      beforeCompact: () => this.flushRecord(),
      prefix: () => ({ system: this.systemPrompt(), tools: this.deps.tools.map((t) => `${t.name}\n${t.description}`).sort().join('\n') }),
      afterCompact: (r) => this.recordCompaction(r),
      notes: deps.storage && {
        read: () => deps.storage!.readText(this.notesPath()),
        write: (text) => deps.storage!.writeText(this.notesPath(), text),
      },
    });
  }

  private systemPrompt(): string {
    return this.deps.hooks?.systemAddendum ? `${SYSTEM_PROMPT}\n\n${this.deps.hooks.systemAddendum}` : SYSTEM_PROMPT;
  }

  private notesPath(): string {
    return path.join(this.deps.sessionDir(this.id), 'notes.md');
  }

  /** The context meter after the latest response (undefined before the first). */
  get meter(): Meter | undefined {
    return this.context.meter();
  }

  /** Background work (session notes) settled: for tests and shutdown. */
  settled(): Promise<void> {
    return this.context.settled();
  }

  /**
   * `/compact [focus]`: summarises the conversation now (the transcript keeps everything). Never
   * throws: says why when there is nothing to compact or the summary failed.
   */
  async compact(focus: string | undefined, signal: AbortSignal, emit: (e: AgentEvent) => void = () => {}): Promise<{ ok: true; result: CompactionSummary } | { ok: false; reason: string }> {
    if (this.history.length === 0) return { ok: false, reason: 'There is nothing to compact yet.' };
    if (this.awaitingAnswer) return { ok: false, reason: 'The last message has no answer yet; send or retry it first.' };
    try {
      const result = await this.context.compact(this.history, this.toolSession, 'manual', signal, emit, focus?.trim() || undefined);
      return { ok: true, result };
    } catch (err) {
      if (signal.aborted) return { ok: false, reason: 'Compaction stopped.' };
      const reason = err instanceof ModelError ? err.message : err instanceof Error ? err.message : String(err);
      this.deps.log.warn(`manual compaction failed: ${reason}`);
      return { ok: false, reason: `Could not compact: ${reason}` };
    }
  }

  /** A model call without tools (summaries, notes), on the same key and endpoint. */
  private async complete(request: { system: string; messages: MessageParam[]; maxTokens: number }, signal: AbortSignal): Promise<{ text: string; usage: Usage }> {
    const apiKey = await this.deps.access.apiKey();
    if (!apiKey) throw new ModelError('no_api_key');
    const result = await streamMessage(
      { apiKey, baseUrl: this.deps.access.baseUrl(), maxRetries: 2, idleTimeoutMs: this.deps.options?.idleTimeoutMs, logger: this.deps.log },
      { model: this.deps.access.model(), system: request.system, messages: request.messages, maxTokens: request.maxTokens },
      signal,
    );
    return { text: result.blocks.map((b) => (b.type === 'text' ? b.text : '')).join(''), usage: result.usage };
  }

  /** Records a transcript event after the messages already queued; a failure is logged, never fatal. */
  private recordEvent(event: TranscriptEvent): Promise<void> {
    if (!this.deps.record) return Promise.resolve();
    this.recording = this.recording.then(async () => {
      try {
        await this.deps.record!(this.id, [], event);
      } catch (err) {
        this.deps.log.error(`could not save to the transcript: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return this.recording;
  }

  private async recordCompaction(r: CompactionSummary): Promise<void> {
    this.recorded = this.history.length;
    await this.recordEvent({
      type: 'compaction', trigger: r.trigger, summarisedMessages: r.summarisedMessages, tokensBefore: r.tokensBefore,
      tokensAfter: r.tokensAfter, head: r.head, kept: r.kept, appended: r.appended,
    });
  }

  get messages(): readonly MessageParam[] {
    return this.history;
  }

  /** The tools' shared state for this conversation (read files, todos, loaded skills, turn rules). */
  get session(): ToolSession {
    return this.toolSession;
  }

  /** Continues a saved conversation (the CLI's --resume). */
  restore(messages: MessageParam[], id?: string, state: { lastActivityAt?: number; cleared?: readonly string[] } = {}): void {
    if (id) this.startSession(id);
    this.history.splice(0, this.history.length, ...messages);
    this.recorded = messages.length; // already saved
    // The prompt as it was last sent: the same results cleared, and a cache that may still be warm.
    this.context.resume({ lastRequestAt: state.lastActivityAt, cleared: state.cleared });
  }

  clear(): void {
    this.history.length = 0;
    this.context?.reset();
    this.startSession();
  }

  private startSession(id = newSessionId()): void {
    this.id = id;
    this.recorded = 0;
    this.toolSession = newToolSession(this.deps.sessionDir(id));
  }

  /** Sends a user message and runs the agent until it ends. Never throws for model failures. */
  async send(text: string, signal: AbortSignal, emit: (e: AgentEvent) => void = () => {}): Promise<AgentOutcome> {
    const hooks = this.deps.hooks;
    const session = this.toolSession;
    session.turnRules = []; // a skill's pre-approvals last for the turn that loaded it
    const reminder = await (this.history.length === 0 ? hooks?.startReminder?.(session) : hooks?.nextReminder?.(session));
    this.history.push({ role: 'user', content: reminder ? [{ type: 'text', text: reminder }, { type: 'text', text }] : text });
    return this.run(signal, emit);
  }

  /** Runs again after a failure, without repeating the user's message. */
  async retry(signal: AbortSignal, emit: (e: AgentEvent) => void = () => {}): Promise<AgentOutcome> {
    if (!this.awaitingAnswer) throw new Error('retry() needs a conversation whose last message awaits an answer');
    return this.run(signal, emit);
  }

  /** True when the last message is the user's (a failure, or a stop before any answer). */
  get awaitingAnswer(): boolean {
    return this.history.at(-1)?.role === 'user';
  }

  private async run(signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<AgentOutcome> {
    const apiKey = await this.deps.access.apiKey();
    const empty = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
    if (!apiKey) return { state: 'model_error', turns: 0, usage: empty, error: new ModelError('no_api_key'), finalText: '' };
    const model = this.deps.access.model();
    const session = this.toolSession;
    this.deps.log.info(`run: model=${model} messages=${this.history.length}`);
    // At most 200,000 characters of tool results per API round, whatever the tools return.
    let budget = new ResultBudget();
    const finalize = async (result: ToolResult, name: string, input: unknown) => {
      let out = this.deps.finalizeResult ? await this.deps.finalizeResult(result, name, session) : result;
      const extra = await this.deps.hooks?.afterTool?.(name, input, out, session);
      if (extra) out = { ...out, content: `${out.content}\n\n${extra}` };
      return budget.take(out);
    };
    const flush = () => this.flushRecord();
    let toolCalls = 0;
    const emitAll = (e: AgentEvent) => {
      if (e.type === 'request_start') {
        budget = new ResultBudget();
        void flush();
      } else if (e.type === 'usage') {
        // The answer is appended right after this event: the anchor covers it.
        this.context.observe(e.usage, this.history.length + 1, emit);
      } else if (e.type === 'tool_result') {
        toolCalls++;
      } else if (e.type === 'micro_compaction') {
        this.recordEvent({ type: 'cleared', ids: e.clearedIds });
      } else if (e.type === 'continue' && e.reason === 'next_turn') {
        this.context.afterRound(this.history, toolCalls);
        toolCalls = 0;
      }
      emit(e);
    };
    const outcome = await runAgentLoop({
      apiKey,
      baseUrl: this.deps.access.baseUrl(),
      model,
      system: this.systemPrompt(),
      tools: this.deps.tools,
      history: this.history,
      runner: { context: (s, progress) => this.deps.toolContext(s, progress, session), finalize },
      emit: emitAll,
      signal,
      log: this.deps.log,
      ...this.deps.options,
      promptCache: this.deps.options?.promptCache ?? true,
      prepare: (s) => this.context.prepare(this.history, session, s, emitAll),
      // The answer asking for tools is saved before they run: a kill mid-command keeps the calls.
      beforeTools: flush,
      compactForRetry: async (error, s) => {
        try {
          await this.context.compact(this.history, session, 'reactive', s, emitAll);
          return true;
        } catch (err) {
          this.deps.log.warn(`reactive compaction failed after "${error.detail}": ${err instanceof Error ? err.message : String(err)}`);
          return false;
        }
      },
    });
    await flush();
    const u = outcome.usage;
    const level = outcome.state === 'model_error' ? 'warn' : 'info';
    this.deps.log[level](
      `run ended: ${outcome.state} after ${outcome.turns} turns; in=${u.inputTokens} out=${u.outputTokens} cache_write=${u.cacheCreationInputTokens} cache_read=${u.cacheReadInputTokens}` +
        (outcome.error ? `; ${outcome.error.reason} ${outcome.error.detail}` : ''),
    );
    return outcome;
  }

  /** Messages already handed to `record`. */
  private recorded = 0;
  private recording: Promise<void> = Promise.resolve();

  /** Hands new history messages to `record`, in order, one batch at a time; a failure is logged, never fatal. */
  private flushRecord(): Promise<void> {
    if (!this.deps.record) return Promise.resolve();
    this.recording = this.recording.then(async () => {
      const fresh = this.history.slice(this.recorded);
      if (!fresh.length) return;
      this.recorded += fresh.length;
      try {
        await this.deps.record!(this.id, fresh);
      } catch (err) {
        this.deps.log.error(`could not save the transcript: ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return this.recording;
  }

}

/** `ConversationDeps.storage` on a FileSystem port: a missing or unreadable file reads as undefined. */
export function textStorage(fs: Pick<FileSystem, 'readFile' | 'writeFile'>): NonNullable<ConversationDeps['storage']> {
  return {
    readText: async (p) => {
      try {
        return new TextDecoder().decode(await fs.readFile(p));
      } catch {
        return undefined;
      }
    },
    writeText: (p, text) => fs.writeFile(p, text),
  };
}
