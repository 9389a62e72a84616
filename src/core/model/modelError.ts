import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  NotFoundError,
  OverloadedError,
  PermissionDeniedError,
  RateLimitError,
} from '@anthropic-ai/sdk';

/** Why a model call failed, as something the UI can branch on and a test can assert. */
export type ModelErrorReason =
  | 'no_api_key'
  | 'bad_base_url'
  | 'auth'
  | 'permission'
  | 'rate_limit'
  | 'overloaded'
  | 'server'
  | 'network'
  | 'timeout'
  | 'prompt_too_long'
  | 'model_not_found'
  | 'bad_request'
  | 'aborted';

/** What the user can do about it; the panel turns it into a button. */
export type ModelErrorAction = 'setApiKey' | 'retry' | 'openSettings' | 'newConversation';

const USER_TEXT: Record<ModelErrorReason, { text: string; action?: ModelErrorAction }> = {
  no_api_key: {
    text: 'No Anthropic API key is set. Set one with "Reverie: Set API Key", or start VS Code with ANTHROPIC_API_KEY in its environment.',
    action: 'setApiKey',
  },
  bad_base_url: {
    text: 'The API base URL is not a valid http(s) address. Fix the "reverie.baseUrl" setting (or ANTHROPIC_BASE_URL), or leave it empty for Anthropic\'s API.',
    action: 'openSettings',
  },
  auth: { text: 'The API key was rejected (401). Check that it is correct and active, then set it again.', action: 'setApiKey' },
  permission: { text: 'This API key is not allowed to use this model or endpoint (403).', action: 'openSettings' },
  rate_limit: { text: 'Rate limited by the API (429). Wait a moment, then retry.', action: 'retry' },
  overloaded: { text: 'The API is overloaded right now (529). Retry in a little while.', action: 'retry' },
  server: { text: 'The API had an internal error. Retry; if it keeps happening, check the service status.', action: 'retry' },
  network: { text: 'Could not reach the API: the connection failed or dropped. Check your network or the base URL setting, then retry.', action: 'retry' },
  timeout: { text: 'The API stopped responding, so the request was cut off. Retry.', action: 'retry' },
  prompt_too_long: { text: 'The conversation is too long for the model\'s context window. Start a new conversation.', action: 'newConversation' },
  model_not_found: { text: 'The model was not found. Check the "reverie.model" setting.', action: 'openSettings' },
  bad_request: { text: 'The API rejected the request as invalid.', action: 'openSettings' },
  aborted: { text: 'Stopped.' },
};

/** A failed model call, classified. `message` is safe to show; `detail` goes to the log only. */
export class ModelError extends Error {
  readonly action: ModelErrorAction | undefined;
  /** How long the server asked us to wait (retry-after / retry-after-ms), when it said. */
  retryAfterMs?: number;
  /** For a 400 "input length and max_tokens exceed context limit": the numbers it gave. */
  contextOverflow?: { inputTokens: number; maxTokens: number; limit: number };
  /** For "prompt is too long: N tokens > M maximum": both numbers, so compaction knows how much to shed. */
  tooLong?: { tokens: number; limit: number };

  /** For the log only; anything shaped like an Anthropic key in it is cut out (see withoutSecrets). */
  readonly detail: string;

  constructor(
    readonly reason: ModelErrorReason,
    detail = '',
    readonly status?: number,
  ) {
    super(USER_TEXT[reason].text);
    this.detail = withoutSecrets(detail);
    this.name = 'ModelError';
    this.action = USER_TEXT[reason].action;
  }
}

/** An Anthropic API key (`sk-ant-...`), wherever it appears in a text. */
const KEY_SHAPE = /sk-ant-[A-Za-z0-9_-]+/g;

/**
 * `text` without API keys: any `sk-ant-...` and, when given, the key in use (which may have another
 * shape behind a proxy). A server or proxy can quote the key back in its error body, and the
 * detail of an error is logged.
 */
export function withoutSecrets(text: string, secret?: string): string {
  const out = secret && secret.length >= 8 ? text.split(secret).join('[API key]') : text;
  return out.replace(KEY_SHAPE, '[API key]');
}

/**
 * Classifies anything a model call threw, branching on the SDK's error classes, not on message text.
 * `secret`: the API key the call used, cut out of the detail whatever its shape.
 */
export function toModelError(err: unknown, signal?: AbortSignal, secret?: string): ModelError {
  const e = classify(err, signal);
  if (!secret || !e.detail.includes(secret)) return e;
  const clean = new ModelError(e.reason, withoutSecrets(e.detail, secret), e.status);
  if (e.retryAfterMs !== undefined) clean.retryAfterMs = e.retryAfterMs;
  if (e.contextOverflow) clean.contextOverflow = e.contextOverflow;
  if (e.tooLong) clean.tooLong = e.tooLong;
  return clean;
}

function classify(err: unknown, signal?: AbortSignal): ModelError {
  if (err instanceof ModelError) return err;
  if (signal?.aborted || err instanceof APIUserAbortError || isAbortError(err)) {
    return new ModelError('aborted');
  }
  if (err instanceof APIConnectionTimeoutError) return new ModelError('timeout', err.message);
  if (err instanceof APIConnectionError) return new ModelError('network', describeCause(err));
  if (err instanceof AuthenticationError) return new ModelError('auth', apiDetail(err), 401);
  if (err instanceof PermissionDeniedError) return new ModelError('permission', apiDetail(err), 403);
  if (err instanceof RateLimitError) return withRetryAfter(new ModelError('rate_limit', apiDetail(err), 429), err);
  if (err instanceof OverloadedError) return withRetryAfter(new ModelError('overloaded', apiDetail(err), 529), err);
  if (err instanceof NotFoundError) return new ModelError('model_not_found', apiDetail(err), 404);
  if (err instanceof BadRequestError) {
    // The API names these cases only in its message; the SDK offers no class or code for them.
    const message = err.apiMessage ?? '';
    const overflow = /input length and `?max_tokens`? exceed context limit:\s*(\d+)\s*\+\s*(\d+)\s*>\s*(\d+)/i.exec(message);
    if (overflow) {
      const e = new ModelError('prompt_too_long', apiDetail(err), 400);
      e.contextOverflow = { inputTokens: Number(overflow[1]), maxTokens: Number(overflow[2]), limit: Number(overflow[3]) };
      return e;
    }
    const tooLong = /prompt is too long|exceed.*context/i.test(message);
    const e = new ModelError(tooLong ? 'prompt_too_long' : 'bad_request', apiDetail(err), 400);
    const counts = /prompt is too long:\s*(\d+)\s*tokens\s*>\s*(\d+)/i.exec(message);
    if (counts) e.tooLong = { tokens: Number(counts[1]), limit: Number(counts[2]) };
    return e;
  }
  if (err instanceof APIError && err.status === 408) return withRetryAfter(new ModelError('timeout', apiDetail(err), 408), err);
  if (err instanceof APIError) {
    if (err.type === 'overloaded_error') return withRetryAfter(new ModelError('overloaded', apiDetail(err), err.status), err);
    if (err.status !== undefined && err.status >= 500) return withRetryAfter(new ModelError('server', apiDetail(err), err.status), err);
    if (err.status === undefined) return new ModelError('network', describeCause(err));
    return new ModelError('bad_request', apiDetail(err), err.status);
  }
  // Errors thrown while a stream is read (socket reset, premature close) are not APIErrors.
  if (err instanceof Error && isNetworkFailure(err)) return new ModelError('network', describeCause(err));
  throw err; // anything else is a bug in Reverie, not a model failure
}

/** Reads retry-after-ms, or retry-after in seconds or as an HTTP date. */
function withRetryAfter(e: ModelError, err: APIError): ModelError {
  const headers = err.headers;
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) e.retryAfterMs = ms;
  else {
    const value = headers?.get('retry-after');
    if (value) {
      const seconds = Number(value);
      const when = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
      if (Number.isFinite(when)) e.retryAfterMs = Math.max(0, when);
    }
  }
  return e;
}

function apiDetail(err: APIError): string {
  const id = err.requestID ? ` (request ${err.requestID})` : '';
  return `${err.status ?? ''} ${err.type ?? ''}: ${err.apiMessage ?? err.message}${id}`.trim();
}

function describeCause(err: Error): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

function isNetworkFailure(err: Error): boolean {
  for (let e: unknown = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e.name === 'TypeError' && /terminated|fetch failed|network/i.test(e.message)) return true;
    if (e instanceof AnthropicStreamEnded) return true;
  }
  return false;
}

/** Thrown when a stream ends without `message_stop`: the connection closed early. */
export class AnthropicStreamEnded extends Error {
  constructor() {
    super('the response stream ended before the message was complete');
    this.name = 'AnthropicStreamEnded';
  }
}
