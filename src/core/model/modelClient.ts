import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { Logger } from '../ports';
import { AnthropicStreamEnded, ModelError, toModelError } from './modelError';

export interface ApiTool {
  name: string;
  description: string;
  input_schema: { type: 'object'; [key: string]: unknown };
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: MessageParam[];
  maxTokens: number;
  /** Tool definitions, already sorted by name (a stable order keeps the prompt cache warm). */
  tools?: ApiTool[];
  /** Mark prompt-cache breakpoints (see withCacheBreakpoints). */
  cache?: boolean;
  /** One more breakpoint, on this message (after micro-compaction rewrote what follows it). */
  cacheAnchor?: number;
}

const EPHEMERAL = { type: 'ephemeral' } as const;

/**
 * The request with prompt-cache breakpoints, 3 of the API's 4 (plus `anchor`, see below): the system prompt (which, with the
 * tools before it, is the same in every session), the last message (the moving one: everything so
 * far is written to the cache for the next request), and the last message of the previous round
 * (the newest user message before the last one), so the next request still finds that prefix even
 * when a round added more than the API's 20-block lookback. The messages are copied where marked;
 * the history itself is never changed.
 */
export function withCacheBreakpoints(system: string, messages: readonly MessageParam[], anchor?: number): { system: Anthropic.TextBlockParam[]; messages: MessageParam[] } {
  const out = [...messages];
  const mark = (i: number) => {
    const m = out[i];
    const blocks = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : [...m.content];
    if (!blocks.length) return;
    const last = blocks.length - 1;
    blocks[last] = { ...blocks[last], cache_control: EPHEMERAL } as typeof blocks[number];
    out[i] = { ...m, content: blocks } as MessageParam;
  };
  if (out.length) mark(out.length - 1);
  let previous = -1;
  for (let i = out.length - 3; i >= 0; i--) {
    if (out[i].role === 'user') {
      mark((previous = i));
      break;
    }
  }
  // The 4th (the API's maximum): where a micro-compaction batch's request can still read the cache.
  if (anchor !== undefined && anchor >= 0 && anchor < previous) mark(anchor);
  return { system: [{ type: 'text', text: system, cache_control: EPHEMERAL }], messages: out };
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

/** A content block as it stood when the stream ended. */
export type StreamedBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'other'; blockType: string };

export interface StreamResult {
  blocks: StreamedBlock[];
  stopReason: string | null;
  usage: Usage;
  messageId: string;
}

/** Called as the stream arrives, so the UI can show text before the message is complete. */
export interface StreamListener {
  onText?(delta: string): void;
  onToolUseStart?(id: string, name: string): void;
  /** A content block is complete (its tool input fully parsed); lets an interrupted turn keep whole blocks. */
  onBlockComplete?(block: StreamedBlock): void;
}

export interface ModelClientOptions {
  apiKey: string;
  baseUrl?: string;
  /** The SDK's own retries for 408/409/429/5xx, honouring retry-after. */
  maxRetries?: number;
  timeoutMs?: number;
  /** A stream with no event for this long is aborted as a timeout (default 90 s). */
  idleTimeoutMs?: number;
  logger?: Logger;
}

const DEFAULT_IDLE_TIMEOUT_MS = 90_000;

/**
 * One streamed Messages API call through the official SDK. Reads the raw event stream itself so it
 * can tell a complete message (ended by `message_stop`) from a connection that closed early, and so
 * tool-use blocks are seen the moment they start.
 */
export async function streamMessage(
  options: ModelClientOptions,
  request: ModelRequest,
  signal: AbortSignal,
  listener: StreamListener = {},
): Promise<StreamResult> {
  if (options.baseUrl !== undefined && !isHttpUrl(options.baseUrl)) {
    throw new ModelError('bad_base_url', `base URL ${JSON.stringify(options.baseUrl)}`);
  }
  const client = new Anthropic({
    apiKey: options.apiKey,
    authToken: null, // never pick up ANTHROPIC_AUTH_TOKEN behind the user's back
    baseURL: options.baseUrl,
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 10 * 60_000,
    logLevel: 'warn',
    logger: options.logger && sdkLogger(options.logger),
  });
  const blocks: Array<StreamedBlock & { json?: string }> = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  let stopReason: string | null = null;
  let messageId = '';
  let stopped = false;
  // Our own controller, so a silent connection can be cut without the caller's signal firing.
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const inner = new AbortController();
  const onOuterAbort = () => inner.abort(signal.reason);
  signal.addEventListener('abort', onOuterAbort, { once: true });
  let idle: ReturnType<typeof setTimeout> | undefined;
  let idleFired = false;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      idleFired = true;
      inner.abort();
    }, idleMs);
  };
  try {
    if (signal.aborted) throw new ModelError('aborted');
    armIdle();
    const prompt = request.cache ? withCacheBreakpoints(request.system, request.messages, request.cacheAnchor) : request;
    const stream = await client.messages.create(
      {
        model: request.model,
        system: prompt.system,
        messages: prompt.messages,
        max_tokens: request.maxTokens,
        ...(request.tools?.length ? { tools: request.tools } : {}),
        stream: true,
      },
      { signal: inner.signal },
    );
    for await (const event of stream as AsyncIterable<RawMessageStreamEvent>) {
      armIdle();
      switch (event.type) {
        case 'message_start':
          messageId = event.message.id;
          addUsage(usage, event.message.usage);
          break;
        case 'content_block_start': {
          const b = event.content_block;
          if (b.type === 'text') blocks[event.index] = { type: 'text', text: b.text };
          else if (b.type === 'tool_use') {
            blocks[event.index] = { type: 'tool_use', id: b.id, name: b.name, input: {}, json: '' };
            listener.onToolUseStart?.(b.id, b.name);
          } else blocks[event.index] = { type: 'other', blockType: b.type };
          if (b.type === 'text' && b.text) listener.onText?.(b.text);
          break;
        }
        case 'content_block_delta': {
          const block = blocks[event.index];
          if (event.delta.type === 'text_delta' && block?.type === 'text') {
            block.text += event.delta.text;
            listener.onText?.(event.delta.text);
          } else if (event.delta.type === 'input_json_delta' && block?.type === 'tool_use') {
            block.json += event.delta.partial_json;
          }
          break;
        }
        case 'content_block_stop': {
          const block = blocks[event.index];
          if (block?.type === 'tool_use') block.input = parseToolInput(block.json ?? '');
          if (block) {
            const { json: _json, ...complete } = block;
            listener.onBlockComplete?.(complete as StreamedBlock);
          }
          break;
        }
        case 'message_delta':
          stopReason = event.delta.stop_reason ?? stopReason;
          addUsage(usage, event.usage);
          break;
        case 'message_stop':
          stopped = true;
          break;
      }
    }
    if (signal.aborted) throw new ModelError('aborted');
    if (!stopped) throw new AnthropicStreamEnded();
  } catch (err) {
    if (idleFired && !signal.aborted) throw new ModelError('timeout', `no data from the API for ${Math.round(idleMs / 1000)} s`);
    throw toModelError(err, signal, options.apiKey);
  } finally {
    clearTimeout(idle);
    signal.removeEventListener('abort', onOuterAbort);
  }
  return { blocks: blocks.filter(Boolean).map(({ json: _json, ...b }) => b as StreamedBlock), stopReason, usage, messageId };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Parses a tool call's streamed JSON; an unparseable input is kept as text for the tool to reject. */
function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return { __unparsed: json };
  }
}

type UsageLike = {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
};

/** message_start carries the input side; message_delta carries cumulative output counts. */
function addUsage(into: Usage, u: UsageLike | null | undefined): void {
  if (!u) return;
  if (u.input_tokens) into.inputTokens = u.input_tokens;
  if (u.output_tokens) into.outputTokens = u.output_tokens;
  if (u.cache_creation_input_tokens) into.cacheCreationInputTokens = u.cache_creation_input_tokens;
  if (u.cache_read_input_tokens) into.cacheReadInputTokens = u.cache_read_input_tokens;
}

function sdkLogger(log: Logger) {
  const fmt = (msg: string, args: unknown[]) => [msg, ...args.map((a) => (typeof a === 'string' ? a : safeJson(a)))].join(' ');
  return {
    error: (msg: string, ...args: unknown[]) => log.error(`[sdk] ${fmt(msg, args)}`),
    warn: (msg: string, ...args: unknown[]) => log.warn(`[sdk] ${fmt(msg, args)}`),
    info: (msg: string, ...args: unknown[]) => log.info(`[sdk] ${fmt(msg, args)}`),
    debug: (msg: string, ...args: unknown[]) => log.debug(`[sdk] ${fmt(msg, args)}`),
  };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (k, val) => (/api[-_]?key|authorization/i.test(k) ? '[redacted]' : val));
  } catch {
    return String(v);
  }
}
