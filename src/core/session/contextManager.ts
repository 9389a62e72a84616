/**
 * Keeps one conversation inside its context window and its prompt cache warm: micro-compaction of
 * the request projection before every call, session notes in the background, full compaction at
 * the threshold (or when asked, or when the API says the prompt is too long), the restore that
 * follows it, cache-break detection and the context meter. The building blocks are the pure
 * functions in `core/compaction`; this class holds the state and does the model calls.
 */
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages';
import {
  applyClearing, autoCompactThreshold, buildRestoration, buildSummaryRequest, cacheAnchor, CompactionBreaker, contextMeter, DEFAULT_TAIL,
  detectCacheBreak, estimateMessagesTokens, formatSummary, groupByRound, groupsToDrop, MAX_SUMMARY_RETRIES, MicroCompactor,
  microCompactSoftThreshold, restorationReminder, splitForCompaction, summaryMessage, userMessagesOf, type Meter, type TailBounds,
} from '../compaction';
import type { AgentEvent, CompactionInfo } from '../agent/events';
import { modelLimits } from '../model/contextWindow';
import type { Usage } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import type { Logger } from '../ports';
import type { ToolSession } from '../tools/tool';
import { SessionNotes } from './sessionNotes';

export type CompactionTrigger = CompactionInfo['trigger'];

export interface ContextSettings {
  /** Clear old re-runnable tool results in the request (default on). */
  microCompaction?: boolean;
  /** Compact automatically at the threshold (default on). */
  autoCompact?: boolean;
  /** A lower auto-compaction threshold in tokens (never higher than the computed one). */
  autoCompactAt?: number;
  /** Keep running session notes in the background and use them as the summary when fresh (default on). */
  sessionNotes?: boolean;
}

export interface CompactionSummary extends CompactionInfo {
  /** For the transcript: the new history is `head`, the last `kept` old messages, then `appended`. */
  head: MessageParam[];
  kept: number;
  appended: MessageParam[];
}

export interface ContextManagerDeps {
  log: Logger;
  model(): string;
  settings(): ContextSettings;
  /** One model call without tools (summaries, notes); throws ModelError. */
  complete(request: { system: string; messages: MessageParam[]; maxTokens: number }, signal: AbortSignal): Promise<{ text: string; usage: Usage }>;
  /** A file's current text, to restore recently read files after a compaction; undefined if unreadable. */
  readText(path: string): Promise<string | undefined>;
  /** Context to load again after a compaction: instruction files, memory indexes, the skill listing. */
  reminder(session: ToolSession): Promise<string | undefined>;
  /** Tool results never cleared by micro-compaction besides skills (memory reads). */
  isProtected?(toolName: string, input: unknown): boolean;
  /** Where the full transcript is, named in the summary so the model can look things up. */
  transcriptPath?(): string | undefined;
  /** Before the history is replaced (the transcript must have every message first). */
  beforeCompact?(): Promise<void>;
  /** After it was replaced (the transcript records the compaction). */
  afterCompact?(result: CompactionSummary): Promise<void>;
  /** What the cached prefix is made of (system prompt, tool definitions), to name a cache break's cause. */
  prefix?(): { system: string; tools: string };
  /** Session notes storage (a file in the session folder). */
  notes?: { read(): Promise<string | undefined>; write(text: string): Promise<void> };
  now?(): number;
}

/** How much room a summary answer may take. */
const SUMMARY_MAX_TOKENS = 20_000;
/** A manual `/compact` summarises almost everything: only the latest round stays verbatim. */
const MANUAL_TAIL: TailBounds = { minTokens: 0, minTextMessages: 1, maxTokens: 20_000 };

export class ContextManager {
  private micro: MicroCompactor | undefined;
  private breaker = new CompactionBreaker();
  private readonly notes: SessionNotes | undefined;
  /** Usage of the latest main request and the history length it covered: the anchor for estimates. */
  private anchor: { historyLength: number; tokens: number } | undefined;
  private lastUsage: Usage | undefined;
  private lastRequestAt: number | undefined;
  private compactedSinceLastUsage = false;
  private readonly sessionUsage: Usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

  constructor(private readonly deps: ContextManagerDeps) {
    this.notes = deps.notes && new SessionNotes({
      log: deps.log, store: deps.notes, complete: deps.complete, spent: (u) => this.add(u), now: () => this.now(),
    });
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  private limits() {
    const model = this.deps.model();
    const { contextWindow, maxOutputTokens } = modelLimits(model);
    const threshold = autoCompactThreshold(contextWindow, maxOutputTokens, this.deps.settings().autoCompactAt);
    return { model, contextWindow, threshold };
  }

  /**
   * Tokens the next request would carry: the last usage plus an estimate of what was added since;
   * with no usage yet (a new or resumed session), an estimate of the history as projected.
   */
  contextTokens(history: readonly MessageParam[]): number {
    const a = this.anchor;
    if (a && a.historyLength <= history.length) return a.tokens + estimateMessagesTokens(history, a.historyLength);
    const cleared = this.micro?.clearedIds;
    return estimateMessagesTokens(cleared?.size ? applyClearing(history, cleared).messages : history);
  }

  /** A resumed session: when its last request went out, and which results were already cleared. */
  resume(state: { lastRequestAt?: number; cleared?: readonly string[] }): void {
    this.lastRequestAt = state.lastRequestAt;
    if (state.cleared?.length) this.microCompactor(this.limits().threshold).adopt(state.cleared);
  }

  /**
   * Before every request: compact when past the threshold (unless the breaker tripped), then
   * project the history for the request (micro-compaction). The history itself changes only
   * through a full compaction.
   */
  async prepare(history: MessageParam[], session: ToolSession, signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<{ messages: MessageParam[]; cacheAnchor?: number }> {
    const settings = this.deps.settings();
    const { threshold } = this.limits();
    let tokens = this.contextTokens(history);
    if (settings.autoCompact !== false && tokens >= threshold) {
      if (!this.breaker.allowsAuto) {
        this.deps.log.debug(`context at ${tokens} tokens, past ${threshold}; auto-compaction is off after repeated failures`);
      } else {
        try {
          await this.compact(history, session, 'auto', signal, emit);
          tokens = this.contextTokens(history);
        } catch (err) {
          if (signal.aborted) throw err;
          this.reportAutoFailure(err, emit);
        }
      }
    }
    this.lastRequestAtBefore = this.lastRequestAt;
    this.previousPrefix = this.currentPrefix;
    this.currentPrefix = { ...(this.deps.prefix?.() ?? { system: '', tools: '' }), model: this.deps.model() };
    const now = this.now();
    this.lastRequestAt = now;
    if (settings.microCompaction === false) return { messages: history };
    const micro = this.microCompactor(threshold);
    const before = new Set(micro.clearedIds);
    const savedBefore = this.savedByClearing;
    const projection = micro.project(history, { now, lastRequestAt: this.lastRequestAtBefore, contextTokens: tokens });
    this.savedByClearing = projection.tokensSaved;
    // Before this call's clearing: in a batch, the prompt is unchanged up to there, and cached.
    const anchor = cacheAnchor(history, before);
    if (!projection.batch) return { messages: projection.messages, cacheAnchor: anchor };
    this.compactedSinceLastUsage = true;
    const clearedIds = [...micro.clearedIds].filter((id) => !before.has(id));
    const saved = projection.tokensSaved - savedBefore;
    this.deps.log.info(`micro-compaction (${projection.batch}): cleared ${projection.clearedNow} old tool results, about ${saved} tokens; ${projection.clearedTotal} cleared in all`);
    emit({ type: 'micro_compaction', reason: projection.batch, cleared: projection.clearedNow, tokensSaved: saved, clearedIds });
    return { messages: projection.messages, cacheAnchor: anchor };
  }

  /** Tokens the current cleared set saves (to report what one batch saved). */
  private savedByClearing = 0;

  private lastRequestAtBefore: number | undefined;
  private previousPrefix: { system: string; tools: string; model: string } | undefined;
  private currentPrefix: { system: string; tools: string; model: string } | undefined;

  private microCompactor(threshold: number): MicroCompactor {
    const soft = microCompactSoftThreshold(threshold);
    if (!this.micro) this.micro = new MicroCompactor({ softThreshold: soft, isProtected: this.deps.isProtected });
    else this.micro.setSoftThreshold(soft);
    return this.micro;
  }

  private reportAutoFailure(err: unknown, emit: (e: AgentEvent) => void): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.deps.log.warn(`auto-compaction failed: ${reason}`);
    const message = this.breaker.recordFailure(reason);
    if (message) emit({ type: 'notice', text: message });
  }

  /** After each main response: the anchor for estimates, cache-break detection, the session's usage. */
  observe(usage: Usage, historyLength: number, emit: (e: AgentEvent) => void): void {
    const previous = this.lastUsage;
    if (previous) {
      const broke = detectCacheBreak(
        previous,
        usage,
        {
          compactedSince: this.compactedSinceLastUsage,
          idleMs: this.lastRequestAtBefore !== undefined && this.lastRequestAt !== undefined ? this.lastRequestAt - this.lastRequestAtBefore : undefined,
          changed: this.previousPrefix && this.currentPrefix && {
            system: this.previousPrefix.system !== this.currentPrefix.system,
            tools: this.previousPrefix.tools !== this.currentPrefix.tools,
            model: this.previousPrefix.model !== this.currentPrefix.model,
          },
        },
      );
      if (broke) this.deps.log.warn(`prompt cache break: cache reads fell by ${broke.dropTokens} tokens; cause: ${broke.cause}`);
    }
    this.compactedSinceLastUsage = false;
    this.compactedTo = undefined;
    this.lastUsage = usage;
    this.anchor = { historyLength, tokens: usage.inputTokens + usage.cacheCreationInputTokens + usage.cacheReadInputTokens + usage.outputTokens };
    this.add(usage);
    emit({ type: 'context', meter: this.meter()! });
  }

  private add(u: Usage): void {
    this.sessionUsage.inputTokens += u.inputTokens;
    this.sessionUsage.outputTokens += u.outputTokens;
    this.sessionUsage.cacheCreationInputTokens += u.cacheCreationInputTokens;
    this.sessionUsage.cacheReadInputTokens += u.cacheReadInputTokens;
  }

  /** The context meter (undefined before the first response). */
  meter(): Meter | undefined {
    if (!this.lastUsage) return undefined;
    const { model, contextWindow, threshold } = this.limits();
    // Right after a compaction the last usage describes the old context: use the estimate instead.
    const lastUsage = this.compactedTo === undefined
      ? this.lastUsage
      : { inputTokens: this.compactedTo, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
    return contextMeter({ lastUsage, window: contextWindow, threshold, sessionUsage: this.sessionUsage, model });
  }

  /** Estimated context right after a compaction, until the next response gives real usage. */
  private compactedTo: number | undefined;

  /** Counts tool calls for the notes schedule, and starts a notes update in the background when due. */
  afterRound(history: readonly MessageParam[], toolCalls: number): void {
    if (this.deps.settings().sessionNotes === false) return;
    this.notes?.afterRound(history, toolCalls, this.contextTokens(history));
  }

  /** Waits for a background notes update (tests, and shutdown). */
  settled(): Promise<void> {
    return this.notes?.settled() ?? Promise.resolve();
  }

  /**
   * Full compaction: the older part of the history becomes one summary message (the session notes
   * when they are fresh, otherwise a model call with no tools), a recent tail stays verbatim, and
   * recently read files, loaded skills, the todo list, instruction files and memory are loaded
   * again. Replaces `history` in place; throws when it cannot compact (nothing to summarise, the
   * summary call failed); the history is then unchanged.
   */
  async compact(
    history: MessageParam[],
    session: ToolSession,
    trigger: CompactionTrigger,
    signal: AbortSignal,
    emit: (e: AgentEvent) => void,
    focus?: string,
  ): Promise<CompactionSummary> {
    const tokensBefore = this.contextTokens(history);
    emit({ type: 'compaction_start', trigger });
    const bounds = trigger === 'manual' ? MANUAL_TAIL : DEFAULT_TAIL;
    let split = splitForCompaction(history, bounds);
    let summary: string | undefined;
    let fromNotes = false;

    // The session notes stand in for a summary when they cover everything that is not kept verbatim.
    const fromNotesSummary = this.deps.settings().sessionNotes !== false && !focus ? this.notes?.asSummary(history, bounds) : undefined;
    if (fromNotesSummary) {
      split = fromNotesSummary.split;
      summary = fromNotesSummary.summary;
      fromNotes = true;
    }
    if (!split.toSummarise.length && trigger !== 'manual') {
      // A few huge rounds: the usual tail would be everything. Keep only the latest round (minTokens 1 takes one group).
      split = splitForCompaction(history, { minTokens: 1, minTextMessages: 0, maxTokens: 0 });
    }
    if (!split.toSummarise.length) throw new Error('there is nothing old enough to summarise yet');
    if (!summary) summary = await this.summarise(split.toSummarise, signal, focus);

    const userMessages = userMessagesOf(split.toSummarise);
    const body = summaryMessage(summary, { tailKept: split.tail.length > 0, transcriptPath: this.deps.transcriptPath?.(), userMessages, auto: trigger !== 'manual' });
    // What was in context before and is gone with the summarised part: loaded again, within budgets.
    session.listedSkills.clear();
    const reminder = await this.deps.reminder(session);
    const restoration = buildRestoration({
      files: await this.recentFiles(session, split.tail),
      skills: [...session.loadedSkills].filter(([, text]) => text).map(([name, text]) => ({ name, text })),
      todos: session.todos,
      plan: session.plan,
    });
    for (const name of [...session.loadedSkills.keys()]) if (!restoration.skills.some((s) => s.name === name)) session.loadedSkills.delete(name);
    const blocks: TextBlockParam[] = [];
    if (reminder) blocks.push({ type: 'text', text: reminder });
    blocks.push({ type: 'text', text: body.content as string });
    const restored = restorationReminder(restoration);
    if (restored) blocks.push({ type: 'text', text: restored });

    const tail = split.tail;
    let head: MessageParam;
    let kept: MessageParam[];
    if (tail[0]?.role === 'user') {
      // Two user messages in a row would be merged by the API anyway; merge them here, visibly.
      const first = typeof tail[0].content === 'string' ? [{ type: 'text' as const, text: tail[0].content }] : tail[0].content;
      head = { role: 'user', content: [...blocks, ...(first as TextBlockParam[])] };
      kept = tail.slice(1);
    } else {
      head = { role: 'user', content: blocks };
      kept = tail;
    }
    const appended: MessageParam[] = [];
    if ((kept.at(-1) ?? head).role === 'user' && trigger === 'manual') {
      // A manual compaction between turns: the next user message must not follow a user message.
      appended.push({ role: 'assistant', content: [{ type: 'text', text: 'Compacted: I have the summary above and will continue from it.' }] });
    }
    await this.deps.beforeCompact?.();
    history.splice(0, history.length, head, ...kept, ...appended);
    this.micro?.reset();
    this.savedByClearing = 0;
    this.anchor = undefined;
    this.compactedSinceLastUsage = true;
    this.notes?.compacted(this.contextTokens(history));
    this.breaker.recordSuccess();
    const result: CompactionSummary = {
      trigger,
      summarisedMessages: split.toSummarise.length,
      keptMessages: tail.length,
      tokensBefore,
      tokensAfter: this.contextTokens(history),
      fromNotes,
      summary,
      head: [head],
      kept: kept.length,
      appended,
    };
    await this.deps.afterCompact?.(result);
    this.deps.log.info(`compaction (${trigger}${fromNotes ? ', from session notes' : ''}): ${result.summarisedMessages} messages summarised, ${result.keptMessages} kept; about ${tokensBefore} -> ${result.tokensAfter} tokens`);
    const { head: _h, kept: _k, appended: _a, ...info } = result;
    emit({ type: 'compaction', ...info });
    this.compactedTo = result.tokensAfter;
    const meter = this.meter();
    if (meter) emit({ type: 'context', meter });
    return result;
  }

  /** The summary call; when it is itself too long, the oldest rounds are dropped (3 retries at most). */
  private async summarise(toSummarise: MessageParam[], signal: AbortSignal, focus?: string): Promise<string> {
    const groups = groupByRound(toSummarise);
    let dropped = 0;
    for (let attempt = 0; ; attempt++) {
      const request = buildSummaryRequest(toSummarise, { focus, dropOldestGroups: dropped });
      try {
        const reply = await this.deps.complete({ ...request, maxTokens: SUMMARY_MAX_TOKENS }, signal);
        this.add(reply.usage);
        const summary = formatSummary(reply.text);
        if (!summary) throw new Error('the model returned no summary');
        return summary;
      } catch (err) {
        if (!(err instanceof ModelError) || err.reason !== 'prompt_too_long' || attempt >= MAX_SUMMARY_RETRIES) throw err;
        const over = err.tooLong ? err.tooLong.tokens - err.tooLong.limit : err.contextOverflow ? err.contextOverflow.inputTokens + err.contextOverflow.maxTokens - err.contextOverflow.limit : undefined;
        dropped += groupsToDrop(groups.slice(dropped), over);
        if (dropped >= groups.length) throw err;
        this.deps.log.warn(`the summary request was too long; leaving out the ${dropped} oldest rounds (retry ${attempt + 1}/${MAX_SUMMARY_RETRIES})`);
      }
    }
  }

  /** The most recently read files whose reads are not in the verbatim tail, with their current text. */
  private async recentFiles(session: ToolSession, tail: readonly MessageParam[]) {
    const readInTail = tail.flatMap((m) => (typeof m.content === 'string' ? [] : m.content))
      .flatMap((b) => (b.type === 'tool_use' && b.name === 'read_file' && typeof (b.input as { path?: unknown })?.path === 'string' ? [(b.input as { path: string }).path.replace(/^\.\//, '')] : []));
    const visible = (abs: string) => readInTail.some((p) => abs === p || abs.endsWith(`/${p}`));
    const paths = [...session.readFiles.keys()].reverse().filter((p) => !visible(p)).slice(0, 5);
    const now = this.now();
    const files = await Promise.all(paths.map(async (path, i) => {
      const content = await this.deps.readText(path);
      return content === undefined ? undefined : { path, content, readAt: now - i };
    }));
    return files.filter((f): f is NonNullable<typeof f> => f !== undefined);
  }

  /** A new conversation: forget everything. */
  reset(): void {
    this.notes?.reset();
    this.micro = undefined;
    this.savedByClearing = 0;
    this.breaker = new CompactionBreaker();
    this.anchor = undefined;
    this.lastUsage = undefined;
    this.compactedTo = undefined;
    this.lastRequestAt = undefined;
    this.lastRequestAtBefore = undefined;
    Object.assign(this.sessionUsage, { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 });
  }
}
