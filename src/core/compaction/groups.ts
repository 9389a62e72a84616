/**
 * The history grouped by API round, the unit compaction cuts at. A group starts at each assistant
 * message (with the user message that carries its tool results) and at each plain user message
 * (one without tool results). A tool_use and its tool_result therefore always share a group, and
 * any cut between groups leaves both sides valid for the API.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { estimateMessageTokens } from './tokens';

export interface Group {
  /** Index of the group's first message in the history. */
  start: number;
  /** Index one past its last message. */
  end: number;
  messages: MessageParam[];
  tokens: number;
  /** Messages with at least one non-empty text block (what the tail's minimum counts). */
  textMessages: number;
}

export function hasToolResults(m: MessageParam): boolean {
  return m.role === 'user' && typeof m.content !== 'string' && m.content.some((b) => b.type === 'tool_result');
}

export function hasText(m: MessageParam): boolean {
  if (typeof m.content === 'string') return m.content.trim().length > 0;
  return m.content.some((b) => b.type === 'text' && b.text.trim().length > 0);
}

export function groupByRound(history: readonly MessageParam[]): Group[] {
  const groups: Group[] = [];
  let current: Group | undefined;
  history.forEach((m, i) => {
    const joins = current !== undefined && hasToolResults(m);
    if (!joins) {
      current = { start: i, end: i, messages: [], tokens: 0, textMessages: 0 };
      groups.push(current);
    }
    const g = current!;
    g.messages.push(m);
    g.end = i + 1;
    g.tokens += estimateMessageTokens(m);
    if (hasText(m)) g.textMessages++;
  });
  return groups;
}

/** The messages of `groups`, in order. */
export function flatten(groups: readonly Group[]): MessageParam[] {
  return groups.flatMap((g) => g.messages);
}

/**
 * tool_use ids with no tool_result in `messages`, and tool_result ids with no tool_use: both must
 * be empty for any list sent to the API. For checks and tests.
 */
export function unpairedToolIds(messages: readonly MessageParam[]): { uses: string[]; results: string[] } {
  const uses = new Set<string>();
  const results = new Set<string>();
  for (const m of messages) {
    if (typeof m.content === 'string') continue;
    for (const b of m.content) {
      if (b.type === 'tool_use') uses.add(b.id);
      else if (b.type === 'tool_result') results.add(b.tool_use_id);
    }
  }
  return { uses: [...uses].filter((id) => !results.has(id)), results: [...results].filter((id) => !uses.has(id)) };
}
