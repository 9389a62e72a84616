/**
 * When compaction runs. Figures from the harness this design learns from (see issue 6):
 *
 *   auto threshold = window - min(maxOutput, 20,000) - 13,000      (167,000 of 200,000)
 *
 * 20,000 is held back for the summary's own output (the harness measured its p99.99 summary at
 * about 17,400 tokens); 13,000 is headroom for the turn in flight between two checks.
 */

/** Kept free for the summary the compaction call writes. */
export const SUMMARY_OUTPUT_RESERVE = 20_000;
/** Headroom below the effective window: the turn that crosses the threshold still fits. */
export const AUTO_COMPACT_BUFFER = 13_000;
/**
 * The lowest threshold a setting may ask for. A compaction leaves a summary (up to ~20,000),
 * the verbatim tail (up to 40,000) and restored files and skills behind it; a threshold below that
 * would compact again on the very next turn.
 */
export const MIN_AUTO_COMPACT_THRESHOLD = 60_000;

/**
 * Tokens in context at which auto-compaction runs. `override` (from a setting, in tokens) can only
 * lower it, never raise it, and is clamped to MIN_AUTO_COMPACT_THRESHOLD; zero, negative or
 * non-finite overrides are ignored.
 */
export function autoCompactThreshold(contextWindow: number, maxOutputTokens: number, override?: number): number {
  const computed = contextWindow - Math.min(maxOutputTokens, SUMMARY_OUTPUT_RESERVE) - AUTO_COMPACT_BUFFER;
  if (override === undefined || !Number.isFinite(override) || override <= 0) return computed;
  return Math.min(computed, Math.max(Math.floor(override), MIN_AUTO_COMPACT_THRESHOLD));
}

/**
 * Context pressure at which micro-compaction may clear a batch of old tool results even though
 * the prompt cache is warm: 60% of the auto threshold (100,200 of a 200,000 window).
 *
 * Why 60%. A warm batch rewrites the cache from the first cleared result on: a one-off cost of
 * about (1.25 - 0.1) x the tokens after it. Each later request then reads the cleared tokens no
 * more (saving 0.1 x them). Early in a session the context is small and mostly recent, so there is
 * little to clear and the rewrite does not pay back; by 60% the old re-runnable results are most
 * of the context and clearing them both pays back within a few requests and pushes the far more
 * expensive full compaction (a model call over the whole context plus a cold cache) further away.
 * Lower than 60% clears while there is little to gain; much higher leaves too few turns before
 * full compaction for a batch to matter.
 */
export const MICRO_COMPACT_SOFT_RATIO = 0.6;

export function microCompactSoftThreshold(autoThreshold: number): number {
  return Math.floor(autoThreshold * MICRO_COMPACT_SOFT_RATIO);
}

/**
 * The API's prompt cache lives 5 minutes after its last use (the default TTL). After this much
 * idle time the cached prefix is gone, and rewriting it costs nothing extra.
 */
export const CACHE_COLD_AFTER_MS = 5 * 60 * 1000;
