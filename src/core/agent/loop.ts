import type { ContentBlockParam, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import { streamMessage, type ApiTool, type StreamedBlock, type Usage } from '../model/modelClient';
import { ModelError } from '../model/modelError';
import type { Logger } from '../ports';
import type { ToolDefinition } from '../tools/tool';
import type { AgentEvent, AgentOutcome, EndState } from './events';
import { MAX_RETRIES, isRetryable, retryDelayMs, sleep as defaultSleep } from './retryPolicy';
import { INTERRUPTED_RESULT, runToolCalls, type ToolCall, type ToolRunnerDeps } from './toolRunner';

export const DEFAULT_MAX_TOKENS = 16_000;
/** The one retry with a higher limit after an answer is cut off at max_tokens. */
export const ESCALATED_MAX_TOKENS = 64_000;
/** Then at most this many "continue" nudges. */
export const MAX_CONTINUE_NUDGES = 3;
/** Never shrink max_tokens below this to squeeze into the context window. */
export const MIN_MAX_TOKENS = 3_000;
export const DEFAULT_MAX_TURNS = 100;
export const CONTINUE_NUDGE = 'Output token limit hit. Resume directly from where you stopped, with no apology and no recap of what you already wrote.';

export interface AgentLoopOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
  system: string;
  tools: ToolDefinition[];
  /** The conversation; the loop appends to it, and leaves it valid however it ends. */
  history: MessageParam[];
  runner: Omit<ToolRunnerDeps, 'emit' | 'tools' | 'log'>;
  emit(event: AgentEvent): void;
  signal: AbortSignal;
  log: Logger;
  maxTokens?: number;
  maxTurns?: number;
  idleTimeoutMs?: number;
  /** Injected in tests to make retries instant and jitter fixed. */
  sleep?(ms: number, signal: AbortSignal): Promise<boolean>;
  random?(): number;
  /**
   * Before each request: may compact the history (in place), and returns the messages to send (the
   * request projection, e.g. with old tool results cleared). Default: the history as it is.
   */
  prepare?(signal: AbortSignal): Promise<{ messages: MessageParam[]; cacheAnchor?: number }>;
  /** The prompt is too long: compact and say whether it worked. Tried once per run. */
  compactForRetry?(error: ModelError, signal: AbortSignal): Promise<boolean>;
  /** Mark prompt-cache breakpoints in each request. */
  promptCache?: boolean;
  /** After an answer asking for tools is in the history, before they run (the transcript saves it). */
  beforeTools?(): Promise<void>;
}

/**
 * The agent loop as a state machine. Each pass builds a request, streams the model, runs the tools
 * it asked for, and then either continues for a named reason or ends in a named state.
 */
export async function runAgentLoop(o: AgentLoopOptions): Promise<AgentOutcome> {
  const tools = new Map(o.tools.map((t) => [t.name, t]));
  const apiTools = toApiTools(o.tools);
  const wait = o.sleep ?? defaultSleep;
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  const maxTurns = o.maxTurns ?? DEFAULT_MAX_TURNS;
  let maxTokens = o.maxTokens ?? DEFAULT_MAX_TOKENS;
  let turns = 0;
  let attempt = 0; // retries of the current request
  let escalated = false;
  let nudges = 0;
  let reactiveTried = false;
  let finalText = '';
  const end = (state: EndState, error?: ModelError): AgentOutcome => ({ state, turns, usage, error, finalText });

  for (;;) {
    if (o.signal.aborted) return end('aborted_streaming');
    o.emit({ type: 'request_start', turn: turns + 1, attempt, maxTokens });
    let messages = o.history;
    let cacheAnchor: number | undefined;
    if (o.prepare) {
      try {
        ({ messages, cacheAnchor } = await o.prepare(o.signal));
      } catch (err) {
        if (o.signal.aborted) return end('aborted_streaming');
        throw err;
      }
    }
    if (o.signal.aborted) return end('aborted_streaming');
    const complete: StreamedBlock[] = [];
    let partialText = '';
    let streamed = false;

    let result;
    try {
      result = await streamMessage(
        { apiKey: o.apiKey, baseUrl: o.baseUrl, maxRetries: 0, idleTimeoutMs: o.idleTimeoutMs, logger: o.log },
        { model: o.model, system: o.system, messages, maxTokens, tools: apiTools, cache: o.promptCache, cacheAnchor },
        o.signal,
        {
          onText: (text) => {
            streamed = true;
            partialText += text;
            o.emit({ type: 'text', text });
          },
          onToolUseStart: (id, name) => o.emit({ type: 'tool_use_start', id, name }),
          onBlockComplete: (block) => {
            complete.push(block);
            if (block.type === 'text') partialText = '';
          },
        },
      );
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      if (err.reason === 'aborted') {
        // Keep what the user saw: whole blocks plus the text of the block cut off, and answer
        // every complete tool call as interrupted so the history stays valid.
        const kept = partialText ? [...complete, { type: 'text' as const, text: partialText }] : complete;
        appendAssistant(o.history, kept);
        answerAll(o.history, kept, INTERRUPTED_RESULT);
        return end('aborted_streaming');
      }
      if (streamed) o.emit({ type: 'discard_text' });
      if (err.contextOverflow) {
        const fits = err.contextOverflow.limit - err.contextOverflow.inputTokens - 1_000;
        if (fits >= MIN_MAX_TOKENS && fits < maxTokens) {
          maxTokens = fits;
          o.emit({ type: 'continue', reason: 'context_overflow_retry', detail: `max_tokens reduced to ${fits}` });
          continue;
        }
      }
      if (err.reason === 'prompt_too_long') {
        // Reactive compaction: once per run, then the same request again on the smaller history.
        if (!reactiveTried && o.compactForRetry) {
          reactiveTried = true;
          if (await o.compactForRetry(err, o.signal)) {
            o.emit({ type: 'continue', reason: 'reactive_compact' });
            continue;
          }
        }
        if (o.signal.aborted) return end('aborted_streaming');
        return end('prompt_too_long', err);
      }
      const delay = isRetryable(err) && attempt < MAX_RETRIES ? retryDelayMs(attempt + 1, err, o.random) : undefined;
      if (delay === undefined) return end('model_error', err);
      attempt++;
      o.log.warn(`request failed (${err.reason}${err.status ? ` ${err.status}` : ''}); retry ${attempt}/${MAX_RETRIES} in ${delay} ms`);
      o.emit({ type: 'retry_wait', reason: err.reason, attempt, delayMs: delay, discardedText: streamed });
      if (!(await wait(delay, o.signal))) return end('aborted_streaming');
      o.emit({ type: 'continue', reason: 'retry', detail: `attempt ${attempt}` });
      continue;
    }

    attempt = 0;
    turns++;
    addUsage(usage, result.usage);
    o.emit({ type: 'usage', usage: result.usage });
    const toolUses = result.blocks.filter((b): b is Extract<StreamedBlock, { type: 'tool_use' }> => b.type === 'tool_use');
    const text = result.blocks.map((b) => (b.type === 'text' ? b.text : '')).join('');

    if (result.stopReason === 'max_tokens' && toolUses.length === 0) {
      if (!escalated) {
        escalated = true;
        maxTokens = Math.max(maxTokens, ESCALATED_MAX_TOKENS);
        o.emit({ type: 'discard_text' });
        o.emit({ type: 'continue', reason: 'max_tokens_escalate', detail: `max_tokens raised to ${maxTokens}` });
        continue;
      }
      appendAssistant(o.history, result.blocks);
      finalText += text;
      if (nudges >= MAX_CONTINUE_NUDGES) return end('max_tokens');
      nudges++;
      o.history.push({ role: 'user', content: CONTINUE_NUDGE });
      o.emit({ type: 'continue', reason: 'max_tokens_continue', detail: `nudge ${nudges}/${MAX_CONTINUE_NUDGES}` });
      continue;
    }

    appendAssistant(o.history, result.blocks);
    finalText = nudges > 0 ? finalText + text : text;
    // A tool-use block is what continues the loop; stop_reason alone is not trusted.
    if (toolUses.length === 0) return end('completed');
    if (turns >= maxTurns) {
      answerAll(o.history, toolUses, `Not run: the limit of ${maxTurns} turns was reached.`);
      return end('max_turns');
    }
    nudges = 0;
    await o.beforeTools?.();
    const calls: ToolCall[] = toolUses.map((b) => ({ id: b.id, name: b.name, input: b.input }));
    const results = await runToolCalls(calls, { ...o.runner, tools, emit: o.emit, log: o.log }, o.signal);
    o.history.push({
      role: 'user',
      content: results.map((r): ToolResultBlockParam => ({ type: 'tool_result', tool_use_id: r.id, content: r.content, is_error: r.isError || undefined })),
    });
    if (o.signal.aborted) return end('aborted_tools');
    o.emit({ type: 'continue', reason: 'next_turn' });
  }
}

/** Tool definitions as the API takes them, sorted by name so the request prefix stays stable. */
export function toApiTools(tools: ToolDefinition[]): ApiTool[] {
  return [...tools]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => {
      const { $schema: _s, ...schema } = z.toJSONSchema(t.input) as Record<string, unknown>;
      return { name: t.name, description: t.description, input_schema: { ...schema, type: 'object' } };
    });
}

function appendAssistant(history: MessageParam[], blocks: StreamedBlock[]): void {
  const content: ContentBlockParam[] = [];
  for (const b of blocks) {
    if (b.type === 'text' && b.text) content.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_use') content.push({ type: 'tool_use', id: b.id, name: b.name, input: b.input ?? {} });
  }
  if (content.length) history.push({ role: 'assistant', content });
}

/** Gives every tool call in `blocks` the same result, so no tool_use is left unanswered. */
function answerAll(history: MessageParam[], blocks: StreamedBlock[], content: string): void {
  const ids = blocks.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
  if (ids.length) history.push({ role: 'user', content: ids.map((id) => ({ type: 'tool_result' as const, tool_use_id: id, content, is_error: true })) });
}

function addUsage(into: Usage, u: Usage): void {
  into.inputTokens += u.inputTokens;
  into.outputTokens += u.outputTokens;
  into.cacheCreationInputTokens += u.cacheCreationInputTokens;
  into.cacheReadInputTokens += u.cacheReadInputTokens;
}
