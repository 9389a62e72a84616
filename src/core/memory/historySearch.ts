/**
 * Searching past sessions (memory tier 3): the options, the result, and the pure parts every
 * implementation shares — which text of a message is searched, how a query matches it, and how a
 * snippet is cut. The fast file scan lives in `src/node/nodeTranscripts.ts`.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';

export const DEFAULT_HISTORY_LIMIT = 20;
export const DEFAULT_CONTEXT_CHARS = 120;

export interface HistorySearchOptions {
  /** The transcripts folder. */
  root: string;
  /** Keywords separated by spaces (all must occur in one message), or a regular expression when `regex`. */
  query: string;
  regex?: boolean;
  /** Default false. */
  caseSensitive?: boolean;
  /** At most this many results (default 20). */
  limit?: number;
  /** Characters of context on each side of the match in the snippet (default 120). */
  contextChars?: number;
  signal: AbortSignal;
}

export type HistoryRole = 'user' | 'assistant' | 'tool';

export interface HistoryHit {
  sessionId: string;
  /** ISO time of the message. */
  time: string;
  /** `tool` for a tool result. */
  role: HistoryRole;
  snippet: string;
}

export type HistorySearch = (options: HistorySearchOptions) => Promise<HistoryHit[]>;

/** A searchable piece of a message: its text, or one tool result. Tool calls, images and thinking are not searched. */
export interface Segment {
  role: HistoryRole;
  text: string;
}

export function messageSegments(message: MessageParam): Segment[] {
  const role: HistoryRole = message.role === 'assistant' ? 'assistant' : 'user';
  if (typeof message.content === 'string') return [{ role, text: message.content }];
  const out: Segment[] = [];
  for (const block of message.content) {
    if (block.type === 'text') out.push({ role, text: block.text });
    else if (block.type === 'tool_result') {
      const c = block.content;
      const text = typeof c === 'string' ? c : Array.isArray(c) ? c.map((b) => (b.type === 'text' ? b.text : '')).filter(Boolean).join('\n') : '';
      if (text) out.push({ role: 'tool', text });
    }
  }
  return out;
}

/** Finds where a query matches a text: the span of the first keyword (or the regex match), or undefined. */
export type TextMatcher = (text: string) => { index: number; length: number } | undefined;

export function keywords(query: string): string[] {
  return [...new Set(query.split(/\s+/).filter(Boolean))];
}

/** Throws a SyntaxError for an invalid regular expression. */
export function textMatcher(query: string, opts: { regex?: boolean; caseSensitive?: boolean }): TextMatcher {
  if (opts.regex) {
    const re = new RegExp(query, opts.caseSensitive ? '' : 'i');
    return (text) => {
      const m = re.exec(text);
      return m ? { index: m.index, length: m[0].length } : undefined;
    };
  }
  const words = keywords(query);
  const fold = (s: string) => (opts.caseSensitive ? s : s.toLowerCase());
  const folded = words.map(fold);
  return (text) => {
    const t = fold(text);
    // toLowerCase can change lengths for a few characters (e.g. "İ"); the snippet is then a little off, never wrong about the match.
    if (!folded.every((w) => t.includes(w))) return undefined;
    return folded.length ? { index: t.indexOf(folded[0]), length: folded[0].length } : undefined;
  };
}

/** The match with up to `context` characters either side, whitespace collapsed, `…` where cut. */
export function snippet(text: string, at: { index: number; length: number }, context: number): string {
  const start = Math.max(0, at.index - context);
  const end = Math.min(text.length, at.index + at.length + context);
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
