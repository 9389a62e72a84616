import type { ModelError } from '../model/modelError';

/** Retries for one request before the turn ends in model_error. */
export const MAX_RETRIES = 10;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 32_000;
/** A server asking for more than this is not waited for: the turn ends and the user can retry. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** Failures worth the same request again: rate limits, overload, 5xx, 408, dropped or silent connections. */
export function isRetryable(err: ModelError): boolean {
  return ['rate_limit', 'overloaded', 'server', 'network', 'timeout'].includes(err.reason);
}

/**
 * Delay before retry `attempt` (1-based): 500 ms doubling to a 32 s cap, plus up to 25% jitter so
 * that many clients do not retry in step; a server's retry-after wins when it gave one.
 */
export function retryDelayMs(attempt: number, err: ModelError, random: () => number = Math.random): number | undefined {
  if (err.retryAfterMs !== undefined) return err.retryAfterMs <= MAX_RETRY_AFTER_MS ? err.retryAfterMs : undefined;
  const base = Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
  return Math.round(base + base * 0.25 * random());
}

/** Waits, unless the signal fires first (then resolves false). */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
