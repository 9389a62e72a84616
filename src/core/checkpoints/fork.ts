/**
 * "Fork conversation from here": the history up to (not including) one user message, for a new
 * session. The transcript keeps every message and each compaction, so a fork from before a
 * compaction gets the full earlier history back; without a transcript the live history serves,
 * as long as that message is still in it.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { resumeMessages, type ParsedTranscript, type TranscriptEvent } from '../session/transcript';

/** Where a user message sat when it was sent; the chat controller keeps one per user entry. */
export interface ForkPoint {
  sessionId: string;
  /** Its index in the history when it was sent. */
  historyIndex: number;
  /** The message as sent (with any reminder), when the run got as far as adding it. */
  message?: MessageParam;
  /** How many equal messages were sent after it in the same session (to pick the right one in the transcript). */
  laterDuplicates: number;
}

export interface Fork {
  /** The new conversation's history. */
  messages: MessageParam[];
  /** The new transcript, as `record(id, messages, event)` calls in order (compactions kept). */
  records: Array<{ messages: MessageParam[]; event?: TranscriptEvent }>;
  /** Tool results micro-compaction had cleared in that prefix. */
  cleared: string[];
  /** Whether it came from the transcript (the live history had been compacted past it, or not). */
  fromTranscript: boolean;
}

export function forkHistory(
  point: ForkPoint,
  current: { id: string; messages: readonly MessageParam[] },
  transcript?: Pick<ParsedTranscript, 'messages' | 'compactions' | 'cleared'>,
): Fork | undefined {
  const k = transcript && point.message ? transcriptIndex(transcript, point.message, point.laterDuplicates) : undefined;
  if (transcript && k !== undefined) {
    const prefix = transcript.messages.slice(0, k);
    const compactions = transcript.compactions.filter((c) => c.at <= k);
    const records: Fork['records'] = [];
    let next = 0;
    for (const { at, record } of compactions) {
      if (at > next) records.push({ messages: prefix.slice(next, at).map((r) => r.message) });
      next = at;
      const { time: _time, ...event } = record;
      records.push({ messages: [], event });
    }
    if (next < prefix.length) records.push({ messages: prefix.slice(next).map((r) => r.message) });
    const messages = resumeMessages({ messages: prefix, compactions });
    const ids = toolUseIds(messages);
    const cleared = transcript.cleared.filter((id) => ids.has(id));
    if (cleared.length) records.push({ messages: [], event: { type: 'cleared', ids: cleared } });
    return { messages, records, cleared, fromTranscript: true };
  }
  if (current.id !== point.sessionId) return undefined;
  const at = current.messages[point.historyIndex];
  const same = point.message ? at === point.message : at?.role === 'user';
  if (!same) return undefined;
  const messages = current.messages.slice(0, point.historyIndex);
  return { messages, records: messages.length ? [{ messages }] : [], cleared: [], fromTranscript: false };
}

/** The transcript position of `message`, counting equal messages from the end. */
function transcriptIndex(t: Pick<ParsedTranscript, 'messages'>, message: MessageParam, laterDuplicates: number): number | undefined {
  const wanted = JSON.stringify(message);
  const matches: number[] = [];
  t.messages.forEach((r, i) => {
    if (r.message.role === 'user' && JSON.stringify(r.message) === wanted) matches.push(i);
  });
  return matches[matches.length - 1 - laterDuplicates];
}

function toolUseIds(messages: readonly MessageParam[]): Set<string> {
  const ids = new Set<string>();
  for (const m of messages) {
    if (typeof m.content === 'string') continue;
    for (const b of m.content) if (b.type === 'tool_use') ids.add(b.id);
  }
  return ids;
}
