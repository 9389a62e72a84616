/**
 * Prompt-cache break detection: after a request, compare its cache reads with the previous one's.
 * A break is cache reads falling by more than 5% AND by at least 2,000 tokens (small jitter is
 * normal) with no compaction to explain it. The cause names what changed, when known.
 */
import type { Usage } from '../model/modelClient';
import { CACHE_COLD_AFTER_MS } from './thresholds';

export const BREAK_MIN_DROP_RATIO = 0.05;
export const BREAK_MIN_DROP_TOKENS = 2_000;

export interface BreakContext {
  /**
   * A full compaction OR a micro-compaction batch happened between the two requests: both
   * rewrite the prefix on purpose, so the drop is expected.
   */
  compactedSince: boolean;
  changed?: { system?: boolean; tools?: boolean; model?: boolean };
  /** Time between the two requests, when known. */
  idleMs?: number;
}

export interface CacheBreak {
  cause: string;
  dropTokens: number;
}

type CacheReads = Pick<Usage, 'cacheReadInputTokens'>;

export function detectCacheBreak(previous: CacheReads, current: CacheReads, context: BreakContext): CacheBreak | undefined {
  const dropTokens = previous.cacheReadInputTokens - current.cacheReadInputTokens;
  if (context.compactedSince) return undefined;
  if (dropTokens < BREAK_MIN_DROP_TOKENS || dropTokens <= previous.cacheReadInputTokens * BREAK_MIN_DROP_RATIO) return undefined;
  const changed = context.changed ?? {};
  const named = [changed.system && 'system prompt changed', changed.tools && 'tools changed', changed.model && 'model changed'].filter(Boolean);
  if (named.length) return { cause: named.join(', '), dropTokens };
  if (context.idleMs !== undefined) {
    const idle = formatIdle(context.idleMs);
    if (context.idleMs >= CACHE_COLD_AFTER_MS) return { cause: `TTL expired (idle ${idle})`, dropTokens };
    return { cause: `prefix changed (idle only ${idle}, under the cache TTL)`, dropTokens };
  }
  return { cause: 'prefix changed / TTL expired', dropTokens };
}

function formatIdle(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
