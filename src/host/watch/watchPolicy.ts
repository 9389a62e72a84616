/**
 * The watch's decisions, with no `vscode` and an injected clock: which errors a save brought in,
 * whether an offer may be made now (one per file per minute, none while a turn runs), and the
 * hourly token budget for the turns the watch starts when an offer is accepted. Offers are free.
 */
import { newErrors, type DiagnosticKey } from '../fixThis/verification';

export const OFFER_INTERVAL_MS = 60_000;
export const BUDGET_WINDOW_MS = 60 * 60_000;
export const DEFAULT_TOKENS_PER_HOUR = 50_000;

/** What a save can lead to: errors that were not there before it, or a failing test command. */
export type Trigger =
  | { kind: 'errors'; file: string; before: readonly DiagnosticKey[]; after: readonly DiagnosticKey[] }
  | { kind: 'tests'; file: string; command: string; exitCode: number | undefined; output: string };

export type Decision =
  | { offer: true; errors: DiagnosticKey[] }
  | { offer: false; why: 'no_new_errors' | 'busy' | 'rate_limited' };

export type BudgetCheck =
  | { ok: true; used: number; limit: number }
  | { ok: false; used: number; limit: number; freeInMs: number };

export class WatchPolicy {
  /** file -> when the last offer about it was made. */
  private readonly offered = new Map<string, number>();
  /** Tokens spent by watch-started turns, with when. */
  private readonly spent: { at: number; tokens: number }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly tokensPerHour: () => number = () => DEFAULT_TOKENS_PER_HOUR,
  ) {}

  /** Whether to offer help for a trigger; an offer it allows is recorded against the file's rate limit. */
  decide(trigger: Trigger, busy: boolean): Decision {
    const errors = trigger.kind === 'errors' ? newErrors(trigger.before, trigger.after) : [];
    if (trigger.kind === 'errors' && errors.length === 0) return { offer: false, why: 'no_new_errors' };
    if (busy) return { offer: false, why: 'busy' };
    const now = this.now();
    const last = this.offered.get(trigger.file);
    if (last !== undefined && now - last < OFFER_INTERVAL_MS) return { offer: false, why: 'rate_limited' };
    this.offered.set(trigger.file, now);
    return { offer: true, errors };
  }

  /** Checked before a watch-started fix: tokens spent in the last hour against the limit. */
  budget(): BudgetCheck {
    const now = this.now();
    while (this.spent.length && now - this.spent[0].at >= BUDGET_WINDOW_MS) this.spent.shift();
    const limit = Math.max(0, this.tokensPerHour());
    const used = this.spent.reduce((n, s) => n + s.tokens, 0);
    if (used < limit) return { ok: true, used, limit };
    // Free again when enough of the oldest spending leaves the window to bring `used` under the limit.
    let over = used - limit;
    let freeAt = now;
    for (const s of this.spent) {
      freeAt = s.at + BUDGET_WINDOW_MS;
      over -= s.tokens;
      if (over < 0) break;
    }
    return { ok: false, used, limit, freeInMs: Math.max(0, freeAt - now) };
  }

  /** Records what a watch-started turn used (input, cache and output tokens summed). */
  spend(tokens: number): void {
    if (tokens > 0) this.spent.push({ at: this.now(), tokens });
  }
}

/** The notification's text: one line, naming the file and the first new error. */
export function offerText(trigger: Trigger, errors: readonly DiagnosticKey[]): string {
  if (trigger.kind === 'tests') {
    const code = trigger.exitCode === undefined ? 'no exit code' : `exit code ${trigger.exitCode}`;
    return `Reverie: \`${trigger.command}\` failed after you saved ${trigger.file} (${code}).`;
  }
  const n = errors.length;
  const first = errors[0].message.replace(/\s+/g, ' ').trim();
  const shown = first.length > 120 ? `${first.slice(0, 119)}…` : first;
  return `Reverie: ${n} new ${n === 1 ? 'error' : 'errors'} in ${trigger.file} after the save ("${shown}").`;
}

/** What to say when the budget is spent. */
export function budgetSpentText(check: Extract<BudgetCheck, { ok: false }>): string {
  const minutes = Math.max(1, Math.ceil(check.freeInMs / 60_000));
  return `Reverie: the watch's token budget for this hour is spent (${check.used.toLocaleString('en-US')} of ${check.limit.toLocaleString('en-US')} tokens); ` +
    `it frees up in about ${minutes} min. Raise \`reverie.watch.tokensPerHour\`, or ask in the chat panel.`;
}

const TAIL_CHARS = 3_000;

/** The focused turn for a failing test command: what failed and the end of its output. */
export function testFailurePrompt(trigger: Extract<Trigger, { kind: 'tests' }>): { display: string; prompt: string } {
  const out = trigger.output.length <= TAIL_CHARS ? trigger.output : `…${trigger.output.slice(-TAIL_CHARS)}`;
  const code = trigger.exitCode === undefined ? 'no exit code' : `exit code ${trigger.exitCode}`;
  const longest = Math.max(0, ...[...out.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return {
    display: `Fix the failing tests (\`${trigger.command}\`)`,
    prompt: `After I saved ${trigger.file}, \`${trigger.command}\` failed (${code}). Its output ends with:\n${fence}\n${out}\n${fence}\n` +
      `Find the cause, fix it with the smallest change, then run \`${trigger.command}\` again to check.`,
  };
}
