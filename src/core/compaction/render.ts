/**
 * Messages as plain text for a background call (summary, session notes), with tool results and
 * long inputs capped so the request stays small. The model writing a summary needs to know what
 * was read and run, not every byte of it.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { indexToolUses } from './microcompact';

export const RENDER_RESULT_CHARS = 2_000;
export const RENDER_INPUT_CHARS = 2_000;

export function isReminder(text: string): boolean {
  return text.trimStart().startsWith('<system-reminder>');
}

/** `text` cut to `max` characters, saying how much was cut. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n[... ${text.length - max} more characters cut]`;
}

export interface RenderOptions {
  resultChars?: number;
  inputChars?: number;
}

export function renderTranscript(messages: readonly MessageParam[], options: RenderOptions = {}): string {
  const resultChars = options.resultChars ?? RENDER_RESULT_CHARS;
  const inputChars = options.inputChars ?? RENDER_INPUT_CHARS;
  const calls = indexToolUses(messages);
  const out: string[] = [];
  for (const m of messages) {
    const speaker = m.role === 'user' ? 'User' : 'Assistant';
    if (typeof m.content === 'string') {
      out.push(`${speaker}:\n${m.content}`);
      continue;
    }
    const parts: string[] = [];
    for (const b of m.content) {
      if (b.type === 'text') parts.push(isReminder(b.text) ? capText(b.text, resultChars) : b.text);
      else if (b.type === 'tool_use') parts.push(`[tool call ${b.name} ${b.id}: ${capText(JSON.stringify(b.input ?? {}), inputChars)}]`);
      else if (b.type === 'tool_result') {
        const name = calls.get(b.tool_use_id)?.name ?? 'unknown tool';
        const body = typeof b.content === 'string' || b.content === undefined
          ? b.content ?? ''
          : b.content.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('\n');
        parts.push(`[tool result ${name} ${b.tool_use_id}${b.is_error ? ' (error)' : ''}]\n${capText(body, resultChars)}`);
      } else if (b.type === 'image' || b.type === 'document') parts.push(`[${b.type}]`);
      // thinking blocks are the model's scratch work: left out.
    }
    if (parts.length) out.push(`${speaker}:\n${parts.join('\n')}`);
  }
  return out.join('\n\n');
}
