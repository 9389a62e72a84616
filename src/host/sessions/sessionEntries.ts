/**
 * The panel's entries for a saved session, rebuilt from its transcript: what the user typed, the
 * answers, a tool card per tool_use (status and output from its tool_result), and a divider where
 * the conversation was compacted. Reminders the host added to a user message (memory, skills) and
 * the attachments of `@` mentions are not shown: the panel shows what the user typed.
 */
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { INTERRUPTED_RESULT } from '../../core/agent/toolRunner';
import type { ParsedTranscript } from '../../core/session/transcript';
import type { TranscriptEntry } from '../../shared/protocol';
import { clipSummary, summarize } from '../turnView';

type Entry<R extends TranscriptEntry['role']> = Extract<TranscriptEntry, { role: R }>;

const CARD_OUTPUT_CHARS = 4_000;
const REMINDER = /^\s*<system-reminder>[\s\S]*?<\/system-reminder>\s*/;
/** Where the host's mention attachments begin: a blank line, then `[@token]` for a token in the text before it. */
const ATTACHMENT = /\n\n\[@([^\]\n]+)\]/g;

export function entriesFromTranscript(parsed: Pick<ParsedTranscript, 'messages' | 'compactions'>, newId: () => string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  const cards = new Map<string, Entry<'tool'>>();
  let next = 0;
  const addMessage = (message: MessageParam) => {
    if (message.role === 'user') userMessage(message, entries, cards, newId);
    else assistantMessage(message, entries, cards, newId);
  };
  for (const { at, record } of parsed.compactions) {
    for (; next < at; next++) addMessage(parsed.messages[next].message);
    entries.push({
      role: 'compaction', id: newId(), trigger: record.trigger, summarisedMessages: record.summarisedMessages, keptMessages: record.kept,
      tokensBefore: record.tokensBefore, tokensAfter: record.tokensAfter, fromNotes: false,
      summary: clipSummary(record.head.map((m) => textOf(m.content)).join('\n\n')),
    });
  }
  for (; next < parsed.messages.length; next++) addMessage(parsed.messages[next].message);
  // A tool call whose result never arrived (the window closed mid-run).
  for (const card of cards.values()) if (card.status === 'running') card.status = 'interrupted';
  return entries;
}

/** What the user typed: reminders taken off the front, mention attachments off the end. */
export function typedText(text: string): string {
  let t = text;
  while (REMINDER.test(t)) t = t.replace(REMINDER, '');
  for (const m of t.matchAll(ATTACHMENT)) {
    if (t.slice(0, m.index).includes(`@${m[1]}`) || t.slice(0, m.index).includes(`@"${m[1]}"`)) return t.slice(0, m.index);
  }
  return t;
}

function userMessage(message: MessageParam, entries: TranscriptEntry[], cards: Map<string, Entry<'tool'>>, newId: () => string): void {
  const blocks: ContentBlockParam[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  const texts: string[] = [];
  for (const block of blocks) {
    if (block.type === 'text') {
      const typed = typedText(block.text).trim();
      if (typed) texts.push(typed);
    } else if (block.type === 'tool_result') {
      const card = cards.get(block.tool_use_id);
      if (!card) continue;
      const output = textOf(block.content ?? '');
      card.output = output.slice(0, CARD_OUTPUT_CHARS);
      card.status = block.is_error ? (output.startsWith(INTERRUPTED_RESULT.slice(0, 25)) ? 'interrupted' : 'error') : 'done';
    }
  }
  if (texts.length) entries.push({ role: 'user', id: newId(), text: texts.join('\n\n') });
}

function assistantMessage(message: MessageParam, entries: TranscriptEntry[], cards: Map<string, Entry<'tool'>>, newId: () => string): void {
  const blocks: ContentBlockParam[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
  let text: Entry<'assistant'> | undefined;
  for (const block of blocks) {
    if (block.type === 'text') {
      if (!block.text) continue;
      if (!text) {
        text = { role: 'assistant', id: newId(), text: '', status: 'done' };
        entries.push(text);
      }
      text.text += block.text;
    } else if (block.type === 'tool_use') {
      text = undefined;
      if (cards.has(block.id)) continue;
      const card: Entry<'tool'> = { role: 'tool', id: block.id, name: block.name, summary: summarize(block.input), status: 'running', output: '' };
      cards.set(block.id, card);
      entries.push(card);
    }
  }
}

function textOf(content: string | ReadonlyArray<{ type: string; text?: string }>): string {
  if (typeof content === 'string') return content;
  return content.map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : '')).filter(Boolean).join('\n');
}
