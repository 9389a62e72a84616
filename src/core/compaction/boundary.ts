/**
 * Where the verbatim tail starts. Compaction summarises the groups before the tail and keeps the
 * tail word for word, so the model still sees the last exchanges exactly.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { flatten, groupByRound, type Group } from './groups';

export interface TailBounds {
  /** The tail grows until it holds at least this many tokens... */
  minTokens: number;
  /** ...and at least this many messages with text (user or assistant)... */
  minTextMessages: number;
  /** ...but never more than this many tokens (see chooseTail for the one exception). */
  maxTokens: number;
}

export const DEFAULT_TAIL: TailBounds = { minTokens: 10_000, minTextMessages: 5, maxTokens: 40_000 };

/**
 * The index of the first group of the verbatim tail (`groups.length`: no tail; 0: everything is
 * tail, nothing to summarise). The tail is made of whole groups, taken from the newest backwards
 * while either minimum is unmet and the next group still fits under `maxTokens`.
 *
 * The one exception to `maxTokens`: when the newest group alone is bigger, the tail is that one
 * group. A round is never split, and the newest round (typically the tool results the model is
 * about to act on) is what the continuation needs most. With both minimums at 0 the tail is empty.
 */
export function chooseTail(groups: readonly Group[], bounds: TailBounds = DEFAULT_TAIL): number {
  let start = groups.length;
  let tokens = 0;
  let text = 0;
  while (start > 0) {
    if (tokens >= bounds.minTokens && text >= bounds.minTextMessages) break;
    const next = groups[start - 1];
    if (tokens + next.tokens > bounds.maxTokens && start < groups.length) break;
    start--;
    tokens += next.tokens;
    text += next.textMessages;
    if (tokens > bounds.maxTokens) break; // the oversized newest group: nothing more fits
  }
  return start;
}

export interface Split {
  groups: Group[];
  /** Index into `groups` of the first tail group. */
  tailGroup: number;
  /** Index into the history of the first tail message. */
  tailStart: number;
  toSummarise: MessageParam[];
  tail: MessageParam[];
}

/** Groups the history, chooses the tail, and returns both halves. */
export function splitForCompaction(history: readonly MessageParam[], bounds: TailBounds = DEFAULT_TAIL): Split {
  const groups = groupByRound(history);
  const tailGroup = chooseTail(groups, bounds);
  const tailStart = tailGroup < groups.length ? groups[tailGroup].start : history.length;
  return {
    groups,
    tailGroup,
    tailStart,
    toSummarise: flatten(groups.slice(0, tailGroup)),
    tail: flatten(groups.slice(tailGroup)),
  };
}
