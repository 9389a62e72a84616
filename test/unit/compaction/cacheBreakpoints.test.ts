import * as assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { withCacheBreakpoints } from '../../../src/core/model/modelClient';
import { cacheAnchor } from '../../../src/core/compaction';

const marked = (messages: MessageParam[]) =>
  messages.flatMap((m, i) => (typeof m.content !== 'string' && m.content.some((b) => 'cache_control' in b && b.cache_control) ? [i] : []));

describe('prompt cache breakpoints', () => {
  const history: MessageParam[] = [
    { role: 'user', content: 'start' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'A' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'read_file', input: { path: 'b' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't2', content: 'B' }] },
    { role: 'assistant', content: [{ type: 'tool_use', id: 't3', name: 'read_file', input: { path: 'c' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't3', content: 'C' }] },
  ];

  it('marks the system prompt, the last message and the previous round, leaving the history alone', () => {
    const before = JSON.stringify(history);
    const out = withCacheBreakpoints('sys', history);
    assert.deepEqual(out.system, [{ type: 'text', text: 'sys', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(marked(out.messages), [4, 6]);
    assert.equal(JSON.stringify(history), before, 'the history is not modified');
  });

  it('a string message becomes one text block to carry its marker', () => {
    const out = withCacheBreakpoints('sys', [{ role: 'user', content: 'hello' }]);
    assert.deepEqual(out.messages, [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }]);
  });

  it('adds the cleared frontier as the 4th breakpoint, and only when it is earlier than the others', () => {
    assert.deepEqual(marked(withCacheBreakpoints('sys', history, 2).messages), [2, 4, 6]);
    assert.deepEqual(marked(withCacheBreakpoints('sys', history, 4).messages), [4, 6], 'already marked');
    assert.deepEqual(marked(withCacheBreakpoints('sys', history, 6).messages), [4, 6]);
  });

  it('the frontier is the newest user message holding a cleared result', () => {
    assert.equal(cacheAnchor(history, new Set()), undefined);
    assert.equal(cacheAnchor(history, new Set(['t1'])), 2);
    assert.equal(cacheAnchor(history, new Set(['t1', 't2'])), 4);
  });
});
