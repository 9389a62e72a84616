/**
 * A circuit breaker for auto-compaction: after 3 failures in a row it stops trying (each failure
 * is a model call over a near-full context) and says so once; a success, including a manual
 * /compact, closes it again.
 */
export const MAX_CONSECUTIVE_FAILURES = 3;

export class CompactionBreaker {
  private failures = 0;

  constructor(private readonly limit = MAX_CONSECUTIVE_FAILURES) {}

  /** Whether auto-compaction may run. Manual compaction is always allowed. */
  get allowsAuto(): boolean {
    return this.failures < this.limit;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /**
   * Count a failure. Returns the message for the user on the failure that opens the breaker
   * (once), undefined otherwise.
   */
  recordFailure(reason?: string): string | undefined {
    this.failures++;
    if (this.failures !== this.limit) return undefined;
    return `Automatic compaction failed ${this.limit} times in a row${reason ? ` (last: ${reason})` : ''}, so it is off for this session. ` +
      'Run /compact to try again by hand, or start a new conversation.';
  }

  recordSuccess(): void {
    this.failures = 0;
  }
}
