/**
 * Running subagents: each is a Conversation of its own (fresh history and tool session, the
 * agent's system prompt, scoped tools, the parent's permission gate never widened), with caps on
 * turns and tokens. It reports progress to the parent's event stream, records its messages as
 * `<parent>-sub-<n>`, stops when the parent stops, and returns one final message.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { AgentEvent, SubagentBudget, SubagentState } from '../agent/events';
import { SUBAGENT_BASICS } from './builtins';
import type { Usage } from '../model/modelClient';
import type { PermissionContext } from '../permissions/types';
import type { Logger, ModelAccess } from '../ports';
import type { ContextSettings } from '../session/contextManager';
import { Conversation, type ConversationDeps } from '../session/conversation';
import { combineHooks, type ConversationHooks } from '../session/hooks';
import { SESSION_ID, newSessionId } from '../session/sessionStore';
import type { ToolContext, ToolDefinition } from '../tools/tool';
import { readOnlyGate, scopeTools, setSubagentScope } from './scope';
import { DEFAULT_SUBAGENT_MAX_TOKENS, DEFAULT_SUBAGENT_MAX_TURNS, MAX_SUBAGENT_DEPTH, type AgentDefinition } from './types';

export interface SubagentOptions {
  /** Default caps for every subagent; an agent's `max-turns` / `max-tokens` override them. */
  maxTurns?: number;
  maxTokens?: number;
  idleTimeoutMs?: number;
  promptCache?: boolean;
  /** Injected by tests to make retry waits instant. */
  sleep?(ms: number, signal: AbortSignal): Promise<boolean>;
}

export interface SubagentDeps {
  access: ModelAccess;
  log: Logger;
  /** The parent conversation's session id, read when a subagent starts (its transcript is `<parent>-sub-<n>`). */
  parentId(): string;
  /** The parent's tools (the `task` tool among them), read when a subagent starts. */
  tools(): readonly ToolDefinition[];
  /** The agent types (built-ins and custom: see `discoverAgents`), read when a subagent starts and for the listing. */
  agents(): readonly AgentDefinition[];
  /** The parent's permission context, read fresh: a read-only subagent's plan-mode gate uses its rules, roots and trust. */
  permissions(): PermissionContext;
  /** The parent's transcript recorder: subagents record under their own session id. */
  record?: ConversationDeps['record'];
  finalizeResult?: ConversationDeps['finalizeResult'];
  sessionDir(sessionId: string): string;
  /** Context for the subagent's first message and its tool results (e.g. the memory hooks' instruction files). */
  hooks?: Pick<ConversationHooks, 'startReminder' | 'afterTool'>;
  compaction?(): ContextSettings;
  storage?: ConversationDeps['storage'];
  /** True when a transcript with this id exists (a resumed parent then does not reuse `-sub-1`). */
  transcriptExists?(sessionId: string): Promise<boolean>;
  options?: SubagentOptions;
}

export interface SubagentTask {
  /** A few words for the panel card and the transcript header. */
  description: string;
  prompt: string;
  /** A model for this run only (a forked skill's `model`); else the agent's, else the parent's. */
  model?: string;
}

export interface SubagentResult {
  /** Its session id: `<parent>-sub-<n>`. */
  id: string;
  state: SubagentState;
  turns: number;
  /** Input (cache reads and writes included) plus output tokens, summed over its responses. */
  tokens: number;
  /** Its last assistant text. */
  text: string;
  /** The one message the parent gets: the text and a footer line. */
  content: string;
  isError: boolean;
}

/** Events of a subagent the parent hears about (never text deltas). */
const FORWARDED = new Set<AgentEvent['type']>(['tool_call', 'tool_result', 'usage', 'retry_wait', 'notice', 'subagent_start', 'subagent_event', 'subagent_end']);

export const responseTokens = (u: Usage) => u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens + u.outputTokens;

/** Starts subagents for one conversation (and, when an agent allows it, for its subagents). */
export class Subagents {
  private constructor(
    private readonly deps: SubagentDeps,
    private readonly level: { depth: number; parentId: () => string; tools: () => readonly ToolDefinition[] },
    private readonly counters: Map<string, number>,
    /** Running subagents (nested ones included) by id: what stop() aborts. */
    private readonly running: Map<string, AbortController> = new Map(),
  ) {}

  static create(deps: SubagentDeps): Subagents {
    return new Subagents(deps, { depth: 0, parentId: deps.parentId, tools: deps.tools }, new Map());
  }

  /**
   * Stops one running subagent (the panel card's Stop): it ends as `aborted` and the parent gets
   * what it had so far; the parent's turn goes on. False when no subagent with that id is running.
   */
  stop(id: string): boolean {
    const stop = this.running.get(id);
    if (!stop) return false;
    stop.abort();
    return true;
  }

  agents(): readonly AgentDefinition[] {
    return this.deps.agents();
  }

  find(name: string): AgentDefinition | undefined {
    return this.deps.agents().find((a) => a.name === name);
  }

  /**
   * Runs `agent` on `task` to its end. `ctx` is the parent's tool context: its signal stops the
   * subagent, its authorizer is the subagent's (narrowed for read-only agents), its `emit` hears
   * the subagent's progress. Never throws for model failures.
   */
  async run(agent: AgentDefinition, task: SubagentTask, ctx: ToolContext): Promise<SubagentResult> {
    const { deps } = this;
    const id = await this.nextId();
    const depth = this.level.depth + 1;
    const canNest = depth < MAX_SUBAGENT_DEPTH;
    const tools = scopeTools(this.level.tools(), agent, canNest);
    const budget: SubagentBudget = {
      maxTurns: agent.maxTurns ?? deps.options?.maxTurns ?? DEFAULT_SUBAGENT_MAX_TURNS,
      maxTokens: agent.maxTokens ?? deps.options?.maxTokens ?? DEFAULT_SUBAGENT_MAX_TOKENS,
    };
    const authorize = agent.readOnly ? readOnlyGate(ctx.authorize, deps.permissions) : ctx.authorize;
    const model = task.model ?? agent.model;
    const parentId = this.level.parentId();
    const header = `<system-reminder>\nSubagent "${agent.name}" started by session ${parentId} for: ${task.description}\n</system-reminder>`;
    const conversation = new Conversation({
      access: { apiKey: () => deps.access.apiKey(), baseUrl: () => deps.access.baseUrl(), model: () => model ?? deps.access.model() },
      log: deps.log,
      tools,
      hooks: combineHooks([{ systemAddendum: `${SUBAGENT_BASICS}\n\n${agent.prompt}`, startReminder: async () => header }, contextOnly(deps.hooks)], (err) =>
        deps.log.error(`subagent ${id}: context hook failed: ${err instanceof Error ? err.message : String(err)}`)),
      record: deps.record,
      toolContext: (signal, progress, session) => ({
        cwd: ctx.cwd, roots: ctx.roots, fs: ctx.fs, search: ctx.search, commands: ctx.commands, diagnostics: ctx.diagnostics,
        language: ctx.language, log: ctx.log, signal, progress, session, authorize,
      }),
      finalizeResult: deps.finalizeResult,
      sessionDir: deps.sessionDir,
      // No background model calls (session notes) outside the budget.
      compaction: () => ({ ...deps.compaction?.(), sessionNotes: false }),
      storage: deps.storage,
      options: { maxTurns: budget.maxTurns, idleTimeoutMs: deps.options?.idleTimeoutMs, promptCache: deps.options?.promptCache, sleep: deps.options?.sleep },
    }, id);
    const nested = canNest && tools.some((t) => t.name === 'task') ? new Subagents(deps, { depth, parentId: () => conversation.id, tools: () => tools }, this.counters, this.running) : undefined;
    setSubagentScope(conversation.session, { depth, nested });

    // Stopped by the parent's signal, by stop(id), or by its own budget right after the response that reached it.
    const stop = new AbortController();
    this.running.set(id, stop);
    const onParentAbort = () => stop.abort();
    if (ctx.signal.aborted) stop.abort();
    else ctx.signal.addEventListener('abort', onParentAbort, { once: true });
    let tokens = 0;
    let overTokens = false;
    const emit = ctx.emit ?? (() => {});
    emit({ type: 'subagent_start', id, agent: agent.name, description: task.description, toolUseId: ctx.toolUseId, readOnly: agent.readOnly, budget });
    deps.log.info(`subagent ${id} (${agent.name}) started: ${tools.map((t) => t.name).join(', ')}; caps ${budget.maxTurns} turns, ${budget.maxTokens} tokens`);
    let outcome;
    try {
      outcome = await conversation.send(task.prompt, stop.signal, (e) => {
        if (e.type === 'usage') {
          tokens += responseTokens(e.usage);
          if (tokens >= budget.maxTokens && !overTokens) {
            overTokens = true;
            stop.abort(); // the loop answers any tool calls as interrupted and sends nothing more
          }
        }
        if (FORWARDED.has(e.type)) emit({ type: 'subagent_event', id, event: e });
      });
    } finally {
      ctx.signal.removeEventListener('abort', onParentAbort);
      this.running.delete(id);
    }
    const state: SubagentState = outcome.state === 'completed' ? 'completed'
      : ctx.signal.aborted ? 'aborted'
      : overTokens ? 'budget_tokens'
      : outcome.state === 'max_turns' ? 'budget_turns'
      : outcome.state === 'aborted_streaming' || outcome.state === 'aborted_tools' ? 'aborted'
      : 'failed';
    const text = lastText(conversation.messages);
    emit({ type: 'subagent_end', id, state, turns: outcome.turns, tokens });
    deps.log.info(`subagent ${id} ended: ${state} after ${outcome.turns} turns, ${tokens} tokens`);
    const why = outcome.error?.message ?? outcome.state;
    return { id, state, turns: outcome.turns, tokens, text, ...message(agent.name, state, text, outcome.turns, tokens, budget, why) };
  }

  /** `<parent>-sub-<n>`, n counting per parent and skipping transcripts that exist (a resumed parent). */
  private async nextId(): Promise<string> {
    const parent = this.level.parentId();
    for (;;) {
      const n = (this.counters.get(parent) ?? 0) + 1;
      this.counters.set(parent, n);
      const id = `${parent}-sub-${n}`;
      if (!SESSION_ID.test(id)) return `sub-${newSessionId()}`;
      if (!(await this.deps.transcriptExists?.(id).catch(() => false))) return id;
    }
  }
}

/** The parent's reminders and tool-result additions, never its system-prompt addendum (the agent's prompt stands alone). */
function contextOnly(hooks: SubagentDeps['hooks']): ConversationHooks | undefined {
  if (!hooks) return undefined;
  return {
    startReminder: hooks.startReminder && ((session) => hooks.startReminder!(session)),
    afterTool: hooks.afterTool && ((name, input, result, session) => hooks.afterTool!(name, input, result, session)),
  };
}

/** The last assistant text of a history (a stopped subagent's "what it got so far"). */
function lastText(history: readonly MessageParam[]): string {
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (m.role !== 'assistant') continue;
    const text = typeof m.content === 'string' ? m.content : m.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    if (text.trim()) return text.trim();
  }
  return '';
}

const n = (x: number) => x.toLocaleString('en-US');

function message(agent: string, state: SubagentState, text: string, turns: number, tokens: number, budget: SubagentBudget, why: string): { content: string; isError: boolean } {
  const used = `${n(turns)} turn${turns === 1 ? '' : 's'} / ${n(tokens)} tokens`;
  switch (state) {
    case 'completed':
      return { content: `${text || '(The subagent ended without a final message.)'}\n\n[${agent} subagent: ${used}]`, isError: false };
    case 'budget_turns':
    case 'budget_tokens':
      return {
        content: `${text || '(The subagent had no findings in text yet.)'}\n\n[${agent} subagent] Stopped at its budget: ${used} ` +
          `(caps: ${n(budget.maxTurns)} turns, ${n(budget.maxTokens)} tokens). What is above may be incomplete.`,
        isError: false,
      };
    case 'aborted':
      return { content: `Stopped by the user before the ${agent} subagent finished (${used}).${text ? `\n\nIts last text:\n${text}` : ''}`, isError: true };
    case 'failed':
      return { content: `The ${agent} subagent failed: ${why} (${used}).${text ? `\n\nIts last text:\n${text}` : ''}`, isError: true };
  }
}
