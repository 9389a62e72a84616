/**
 * Micro-compaction: before a request, old results of re-runnable tools are replaced by a short
 * marker in the REQUEST PROJECTION; the history (and the transcript) keep everything.
 *
 * Cache-aware. Clearing a result rewrites the prompt from that point on, so clearing a little on
 * every turn would break the prompt cache on every turn. `MicroCompactor` clears in batches, only
 * when the batch pays for itself:
 *   - the cache is cold (idle at least the cache TTL, or no request yet): the prefix is rewritten
 *     anyway, so clearing is free; everything eligible is cleared;
 *   - context pressure: the context passed the soft threshold AND the new batch saves at least
 *     `minPressureBatchTokens` (hysteresis, so one result ageing out of the keep window does not
 *     break the cache turn after turn).
 * Between batches the same cleared set is applied, so the projected prefix stays byte-identical.
 */
import type { ContentBlockParam, MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { CACHE_COLD_AFTER_MS } from './thresholds';
import { estimateBlockTokens, estimateTextTokens } from './tokens';

/** Tools whose result the model can get back by calling the tool again. */
export const CLEARABLE_TOOLS: ReadonlySet<string> = new Set([
  'read_file', 'grep', 'glob', 'list_files', 'run_command', 'command_output', 'edit_file', 'write_file',
  'get_diagnostics', 'document_symbols', 'find_references', 'go_to_definition',
]);
/** Never cleared whatever `clearableTools` says: a skill's body is instructions, not data. */
export const NEVER_CLEARED_TOOLS: ReadonlySet<string> = new Set(['skill']);
/**
 * Results kept whole. Each batch rewrites the prompt from its first cleared result, and the kept
 * results are most of that rewrite, so fewer is cheaper: in the long-session benchmark, 3 cost
 * 0.81 of no micro-compaction against 0.91 for 5 (npm run bench:long-session; BENCHMARKS.md).
 */
export const DEFAULT_KEEP_RECENT = 3;
/** A warm-cache batch must save at least this much (see the class comment). */
export const MIN_PRESSURE_BATCH_TOKENS = 20_000;
/** The tool input shown in a marker is cut to this many characters. */
export const MARKER_INPUT_CHARS = 160;

export interface ToolCall {
  name: string;
  input: unknown;
}

/** tool_use id -> the call, from every assistant message. */
export function indexToolUses(messages: readonly MessageParam[]): Map<string, ToolCall> {
  const calls = new Map<string, ToolCall>();
  for (const m of messages) {
    if (m.role !== 'assistant' || typeof m.content === 'string') continue;
    for (const b of m.content) if (b.type === 'tool_use') calls.set(b.id, { name: b.name, input: b.input });
  }
  return calls;
}

/** `{"path":"src/a.ts"}`, with long string values shortened and the whole capped. */
export function summariseInput(input: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(input, (_k, v: unknown) => (typeof v === 'string' && v.length > 60 ? `${v.slice(0, 57)}...` : v)) ?? '';
  } catch {
    json = '';
  }
  return json.length > MARKER_INPUT_CHARS ? `${json.slice(0, MARKER_INPUT_CHARS - 3)}...` : json;
}

export function clearedMarker(call: ToolCall): string {
  const input = summariseInput(call.input);
  return `[Old result of ${call.name}${input ? ` ${input}` : ''} cleared to save context; call the tool again if you need it]`;
}

export interface EligibilityOptions {
  keepRecent?: number;
  clearableTools?: ReadonlySet<string>;
  /** true for a call whose result must stay, e.g. a read of a memory file. */
  isProtected?: (toolName: string, input: unknown) => boolean;
}

export interface Candidate {
  id: string;
  /** Tokens saved by replacing the result with its marker (always > 0). */
  saves: number;
}

function resultTokens(block: ToolResultBlockParam): number {
  return estimateBlockTokens(block);
}

/**
 * Results that may be cleared, oldest first: of a clearable, unprotected tool, not among the
 * `keepRecent` most recent such results, and bigger than their marker.
 */
export function clearableResults(history: readonly MessageParam[], options: EligibilityOptions = {}): Candidate[] {
  const keep = Math.max(0, options.keepRecent ?? DEFAULT_KEEP_RECENT);
  const tools = options.clearableTools ?? CLEARABLE_TOOLS;
  const calls = indexToolUses(history);
  const eligible: Array<{ id: string; block: ToolResultBlockParam; call: ToolCall }> = [];
  for (const m of history) {
    if (m.role !== 'user' || typeof m.content === 'string') continue;
    for (const b of m.content) {
      if (b.type !== 'tool_result') continue;
      const call = calls.get(b.tool_use_id);
      if (!call || !tools.has(call.name) || NEVER_CLEARED_TOOLS.has(call.name)) continue;
      if (options.isProtected?.(call.name, call.input)) continue;
      eligible.push({ id: b.tool_use_id, block: b, call });
    }
  }
  return eligible.slice(0, Math.max(0, eligible.length - keep)).flatMap(({ id, block, call }) => {
    const saves = resultTokens(block) - estimateTextTokens(clearedMarker(call));
    return saves > 0 ? [{ id, saves }] : [];
  });
}

export interface Applied {
  messages: MessageParam[];
  /** Cleared results found in this history. */
  applied: number;
  tokensSaved: number;
}

/**
 * The projection with every result whose id is in `cleared` replaced by its marker. Messages with
 * nothing to clear are passed through by reference; the history is never modified.
 */
export function applyClearing(history: readonly MessageParam[], cleared: ReadonlySet<string>): Applied {
  if (cleared.size === 0) return { messages: history.slice(), applied: 0, tokensSaved: 0 };
  const calls = indexToolUses(history);
  let applied = 0;
  let tokensSaved = 0;
  const messages = history.map((m) => {
    if (m.role !== 'user' || typeof m.content === 'string') return m;
    if (!m.content.some((b) => b.type === 'tool_result' && cleared.has(b.tool_use_id))) return m;
    const content = m.content.map((b): ContentBlockParam => {
      if (b.type !== 'tool_result' || !cleared.has(b.tool_use_id)) return b;
      const call = calls.get(b.tool_use_id);
      if (!call) return b;
      const marker = clearedMarker(call);
      applied++;
      tokensSaved += resultTokens(b) - estimateTextTokens(marker);
      const out: ToolResultBlockParam = { type: 'tool_result', tool_use_id: b.tool_use_id, content: marker };
      if (b.is_error !== undefined) out.is_error = b.is_error;
      return out;
    });
    return { ...m, content };
  });
  return { messages, applied, tokensSaved };
}

export interface MicroCompactorOptions extends EligibilityOptions {
  /** Context tokens above which a warm-cache batch may run (thresholds.microCompactSoftThreshold). */
  softThreshold: number;
  /** Idle time after which the cache is cold; 5 minutes (the API's default TTL) unless told. */
  idleMs?: number;
  minPressureBatchTokens?: number;
}

export interface ProjectInput {
  now: number;
  /** When the last request of this conversation was sent; undefined if none (the cache is cold). */
  lastRequestAt?: number;
  /** Tokens in context now (last usage + estimate of what was added since). */
  contextTokens: number;
}

export interface Projection {
  messages: MessageParam[];
  clearedNow: number;
  clearedTotal: number;
  tokensSaved: number;
  /** Why a batch was cleared on this call, if one was. */
  batch?: 'cold' | 'pressure';
}

export class MicroCompactor {
  private readonly cleared = new Set<string>();
  private readonly options: MicroCompactorOptions;

  constructor(options: MicroCompactorOptions) {
    this.options = options;
  }

  /** The ids cleared so far (they stay cleared in every later projection). */
  get clearedIds(): ReadonlySet<string> {
    return this.cleared;
  }

  /** Ids cleared before (a resumed session): they stay cleared, so the resumed prefix matches. */
  adopt(ids: Iterable<string>): void {
    for (const id of ids) this.cleared.add(id);
  }

  /** A new threshold (another model, a changed setting); what was cleared stays cleared. */
  setSoftThreshold(tokens: number): void {
    this.options.softThreshold = tokens;
  }

  /** Forget the cleared set, e.g. after a full compaction replaced the history. */
  reset(): void {
    this.cleared.clear();
  }

  project(history: readonly MessageParam[], input: ProjectInput): Projection {
    const batch = this.decide(history, input);
    let clearedNow = 0;
    if (batch) {
      for (const c of batch.candidates) this.cleared.add(c.id);
      clearedNow = batch.candidates.length;
    }
    const { messages, applied, tokensSaved } = applyClearing(history, this.cleared);
    return { messages, clearedNow, clearedTotal: applied, tokensSaved, ...(batch ? { batch: batch.reason } : {}) };
  }

  private decide(history: readonly MessageParam[], input: ProjectInput): { reason: 'cold' | 'pressure'; candidates: Candidate[] } | undefined {
    const idleMs = this.options.idleMs ?? CACHE_COLD_AFTER_MS;
    const cold = input.lastRequestAt === undefined || input.now - input.lastRequestAt >= idleMs;
    const pressure = input.contextTokens >= this.options.softThreshold;
    if (!cold && !pressure) return undefined;
    const candidates = clearableResults(history, this.options).filter((c) => !this.cleared.has(c.id));
    if (candidates.length === 0) return undefined;
    if (cold) return { reason: 'cold', candidates };
    const saves = candidates.reduce((s, c) => s + c.saves, 0);
    return saves >= (this.options.minPressureBatchTokens ?? MIN_PRESSURE_BATCH_TOKENS) ? { reason: 'pressure', candidates } : undefined;
  }
}

/**
 * The cleared frontier: the newest user message holding a result in `cleared`. Every request marks
 * it as a cache breakpoint, so the prompt up to there stays cached; the next batch clears only
 * results after it, so its request still reads that prefix instead of rebuilding the cache from the
 * system prompt (the API looks back only 20 blocks from a breakpoint for a cached prefix).
 */
export function cacheAnchor(history: readonly MessageParam[], cleared: ReadonlySet<string>): number | undefined {
  if (cleared.size === 0) return undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const m = history[i];
    if (m.role === 'user' && typeof m.content !== 'string' && m.content.some((b) => b.type === 'tool_result' && cleared.has(b.tool_use_id))) return i;
  }
  return undefined;
}
