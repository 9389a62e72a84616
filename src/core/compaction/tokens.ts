/**
 * A deterministic token estimate: about 4 characters per token, images and documents at a flat
 * 2,000. It is rough on purpose. The exact count of what was sent comes from the API's `usage`;
 * this fills the gap for messages added since (and sizes groups, tails and budgets), so it must be
 * cheap and stable, not exact: the same message always gives the same number.
 */
import type { ContentBlockParam, MessageParam } from '@anthropic-ai/sdk/resources/messages';

export const CHARS_PER_TOKEN = 4;
/** An image or PDF page costs about this much whatever its bytes (the harness's figure). */
export const MEDIA_BLOCK_TOKENS = 2_000;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** Characters that fit in `tokens` by this estimate (the inverse, for cutting text to a budget). */
export function charsForTokens(tokens: number): number {
  return Math.max(0, Math.floor(tokens)) * CHARS_PER_TOKEN;
}

type ResultPart = Exclude<Extract<ContentBlockParam, { type: 'tool_result' }>['content'], string | undefined>[number];

export function estimateBlockTokens(block: ContentBlockParam | ResultPart): number {
  switch (block.type) {
    case 'text':
      return estimateTextTokens(block.text);
    case 'image':
    case 'document':
      return MEDIA_BLOCK_TOKENS;
    case 'thinking':
      return estimateTextTokens(block.thinking);
    case 'redacted_thinking':
      return estimateTextTokens(block.data);
    case 'tool_use':
      return estimateTextTokens(block.name) + estimateTextTokens(JSON.stringify(block.input ?? {}));
    case 'tool_result': {
      const c = block.content;
      if (c === undefined) return 0;
      if (typeof c === 'string') return estimateTextTokens(c);
      return c.reduce((sum, part) => sum + estimateBlockTokens(part), 0);
    }
    default:
      // Server tool blocks and anything newer: their JSON is a fair proxy for their size.
      return estimateTextTokens(JSON.stringify(block));
  }
}

interface Cached {
  content: MessageParam['content'];
  blocks: number;
  tokens: number;
}

/**
 * Per message object. A message whose `content` was replaced, or whose block array grew or shrank,
 * is re-estimated; one edited in place inside a block is not (history messages are treated as
 * immutable once appended, which is how the loop and the conversation use them).
 */
const cache = new WeakMap<MessageParam, Cached>();

export function estimateMessageTokens(message: MessageParam): number {
  const content = message.content;
  const blocks = typeof content === 'string' ? -1 : content.length;
  const hit = cache.get(message);
  if (hit && hit.content === content && hit.blocks === blocks) return hit.tokens;
  const tokens = typeof content === 'string'
    ? estimateTextTokens(content)
    : content.reduce((sum, b) => sum + estimateBlockTokens(b), 0);
  cache.set(message, { content, blocks, tokens });
  return tokens;
}

export function estimateMessagesTokens(messages: readonly MessageParam[], from = 0): number {
  let sum = 0;
  for (let i = from; i < messages.length; i++) sum += estimateMessageTokens(messages[i]);
  return sum;
}
