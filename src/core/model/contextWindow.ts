/**
 * Context window and maximum output per model id. The API does not tell us either, so this is a
 * table by model family; an id we cannot place gets the 200,000-token default and says so
 * (`isDefault`), so the UI can show the figure as an assumption rather than a fact.
 */

export interface ModelLimits {
  /** Tokens the model can take in one request (prompt + output). */
  contextWindow: number;
  /** The largest `max_tokens` the model accepts. */
  maxOutputTokens: number;
  /** true when the id matched no known family and both numbers are defaults. */
  isDefault: boolean;
}

export const DEFAULT_CONTEXT_WINDOW = 200_000;
/** Output default for an unknown model: conservative, what most current Claude models accept at least. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 32_000;
/** Sonnet with the 1M-context beta, written `claude-sonnet-4-5[1m]` (Claude Code's convention) or `...-1m`. */
export const LONG_CONTEXT_WINDOW = 1_000_000;

/** First match wins: specific versions before the family catch-alls. */
const TABLE: Array<[RegExp, number]> = [
  [/claude-3-haiku|claude-3-opus|claude-3-sonnet/, 4_096],
  [/claude-3-5-(sonnet|haiku)/, 8_192],
  [/claude-3-7-sonnet/, 64_000],
  // Opus 4 and 4.1 (claude-opus-4-20250514, claude-opus-4-1, claude-opus-4-0).
  [/opus-4(-[01])?(-\d{8})?$/, 32_000],
  // Newer Opus, Sonnet and Haiku (4.5 onwards) and any later version of those families.
  [/opus|sonnet|haiku/, 64_000],
];

export function modelLimits(model: string): ModelLimits {
  const id = model.toLowerCase().trim();
  const longContext = /\[1m\]$|-1m$/.test(id);
  const base = id.replace(/\[1m\]$|-1m$/, '');
  const maxOutput = TABLE.find(([re]) => re.test(base))?.[1];
  if (maxOutput === undefined) {
    return { contextWindow: DEFAULT_CONTEXT_WINDOW, maxOutputTokens: DEFAULT_MAX_OUTPUT_TOKENS, isDefault: true };
  }
  return { contextWindow: longContext ? LONG_CONTEXT_WINDOW : DEFAULT_CONTEXT_WINDOW, maxOutputTokens: maxOutput, isDefault: false };
}
