/**
 * The context meter: how full the context is, how far auto-compaction is, what the session cost
 * and how well the prompt cache works. Pure arithmetic over `usage`, so the panel and the status
 * bar show the same figures.
 */
import type { Usage } from '../model/modelClient';
import { estimateCostUsd } from '../model/pricing';

export interface MeterInput {
  /** Usage of the latest request: what is in context now. */
  lastUsage: Usage;
  window: number;
  /** Auto-compaction threshold (thresholds.autoCompactThreshold). */
  threshold: number;
  /** Sum of every request's usage in the session (background calls included, if they are billed). */
  sessionUsage: Usage;
  model: string;
}

export interface Meter {
  /** Prompt (uncached + cache write + cache read) plus the answer, which is now history too. */
  contextTokens: number;
  windowTokens: number;
  /** contextTokens / window, in percent, one decimal. */
  percent: number;
  /** Tokens left before auto-compaction (0 once past it). */
  tokensToAutoCompact: number;
  /** undefined for a model with no known price. */
  costUsd: number | undefined;
  /** Session cache reads / session prompt tokens; undefined before any prompt. */
  cacheHitRatio: number | undefined;
  hoverText: string;
}

export function promptTokens(u: Usage): number {
  return u.inputTokens + u.cacheCreationInputTokens + u.cacheReadInputTokens;
}

export function contextMeter(input: MeterInput): Meter {
  const contextTokens = promptTokens(input.lastUsage) + input.lastUsage.outputTokens;
  const percent = Math.round((contextTokens / input.window) * 1000) / 10;
  const tokensToAutoCompact = Math.max(0, input.threshold - contextTokens);
  const costUsd = estimateCostUsd(input.model, input.sessionUsage);
  const prompt = promptTokens(input.sessionUsage);
  const cacheHitRatio = prompt > 0 ? input.sessionUsage.cacheReadInputTokens / prompt : undefined;
  const n = (x: number) => x.toLocaleString('en-US');
  const s = input.sessionUsage;
  const hoverText = [
    `Context: ${n(contextTokens)} of ${n(input.window)} tokens (${percent}%), from the latest request's usage.`,
    tokensToAutoCompact > 0
      ? `Auto-compaction in ${n(tokensToAutoCompact)} tokens (at ${n(input.threshold)}).`
      : `Past the auto-compaction threshold (${n(input.threshold)}): the next request compacts first.`,
    costUsd === undefined
      ? `Session cost: unknown (no price for ${input.model}).`
      : `Session cost: $${costUsd.toFixed(2)}, estimated from usage: input ${n(s.inputTokens)}, cache writes ${n(s.cacheCreationInputTokens)} (1.25x input price), cache reads ${n(s.cacheReadInputTokens)} (0.1x), output ${n(s.outputTokens)}.`,
    cacheHitRatio === undefined
      ? 'Cache hit ratio: no requests yet.'
      : `Cache hit ratio: ${Math.round(cacheHitRatio * 100)}% of prompt tokens were read from the prompt cache.`,
  ].join('\n');
  return { contextTokens, windowTokens: input.window, percent, tokensToAutoCompact, costUsd, cacheHitRatio, hoverText };
}
