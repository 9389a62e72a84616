import * as assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { modelLimits } from '../../../src/core/model/contextWindow';
import { estimateBlockTokens, estimateMessageTokens, estimateMessagesTokens, estimateTextTokens } from '../../../src/core/compaction/tokens';
import {
  autoCompactThreshold, CACHE_COLD_AFTER_MS, microCompactSoftThreshold,
} from '../../../src/core/compaction/thresholds';

describe('model limits', () => {
  it('knows the context window and max output of Claude families', () => {
    assert.deepEqual(modelLimits('claude-sonnet-4-5-20250929'), { contextWindow: 200_000, maxOutputTokens: 64_000, isDefault: false });
    assert.deepEqual(modelLimits('claude-opus-4-1-20250805'), { contextWindow: 200_000, maxOutputTokens: 32_000, isDefault: false });
    assert.deepEqual(modelLimits('claude-opus-4-20250514'), { contextWindow: 200_000, maxOutputTokens: 32_000, isDefault: false });
    assert.deepEqual(modelLimits('claude-3-5-haiku-latest'), { contextWindow: 200_000, maxOutputTokens: 8_192, isDefault: false });
    assert.deepEqual(modelLimits('claude-3-haiku-20240307'), { contextWindow: 200_000, maxOutputTokens: 4_096, isDefault: false });
    assert.deepEqual(modelLimits('claude-sonnet-5-5'), { contextWindow: 200_000, maxOutputTokens: 64_000, isDefault: false });
    assert.deepEqual(modelLimits('claude-sonnet-4-5[1m]'), { contextWindow: 1_000_000, maxOutputTokens: 64_000, isDefault: false });
  });

  it('gives an unknown model 200,000 and says it is a default', () => {
    assert.deepEqual(modelLimits('gpt-4o'), { contextWindow: 200_000, maxOutputTokens: 32_000, isDefault: true });
  });
});

describe('token estimate', () => {
  it('counts about 4 characters per token, rounding up', () => {
    assert.equal(estimateTextTokens(''), 0);
    assert.equal(estimateTextTokens('abcd'), 1);
    assert.equal(estimateTextTokens('abcde'), 2);
    assert.equal(estimateBlockTokens({ type: 'tool_use', id: 't', name: 'read_file', input: { path: 'a.ts' } }), 3 + 4);
    assert.equal(estimateBlockTokens({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'x'.repeat(100_000) } }), 2_000);
    assert.equal(estimateBlockTokens({ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'x'.repeat(40) }, { type: 'text', text: 'y' }] }), 10 + 1);
  });

  it('sums a message and a list', () => {
    const a: MessageParam = { role: 'user', content: 'hello world!' };
    const b: MessageParam = { role: 'assistant', content: [{ type: 'text', text: 'x'.repeat(8) }, { type: 'text', text: 'y' }] };
    assert.equal(estimateMessageTokens(a), 3);
    assert.equal(estimateMessageTokens(b), 3);
    assert.equal(estimateMessagesTokens([a, b]), 6);
    assert.equal(estimateMessagesTokens([a, b], 1), 3);
  });

  it('estimates a message once, and again only when its content changed', () => {
    let reads = 0;
    const block = { type: 'text' as const, get text() { reads++; return 'x'.repeat(400); } };
    const m: MessageParam = { role: 'user', content: [block] };
    assert.equal(estimateMessageTokens(m), 100);
    assert.equal(estimateMessageTokens(m), 100);
    assert.equal(reads, 1);
    (m.content as Array<typeof block | { type: 'text'; text: string }>).push({ type: 'text', text: 'abcd' });
    assert.equal(estimateMessageTokens(m), 101);
    m.content = 'abcdefgh';
    assert.equal(estimateMessageTokens(m), 2);
  });
});

describe('thresholds', () => {
  it('auto-compacts at window - min(max output, 20,000) - 13,000', () => {
    assert.equal(autoCompactThreshold(200_000, 64_000), 167_000);
    assert.equal(autoCompactThreshold(200_000, 20_000), 167_000);
    assert.equal(autoCompactThreshold(200_000, 8_192), 178_808);
    assert.equal(autoCompactThreshold(1_000_000, 64_000), 967_000);
  });

  it('lets a setting lower the threshold, never raise it, and not below the floor', () => {
    assert.equal(autoCompactThreshold(200_000, 64_000, 120_000), 120_000);
    assert.equal(autoCompactThreshold(200_000, 64_000, 190_000), 167_000);
    assert.equal(autoCompactThreshold(200_000, 64_000, 10_000), 60_000);
    assert.equal(autoCompactThreshold(200_000, 64_000, 0), 167_000);
    assert.equal(autoCompactThreshold(200_000, 64_000, Number.NaN), 167_000);
  });

  it('puts the micro-compaction soft threshold at 60% of the auto threshold, and the cache TTL at 5 minutes', () => {
    assert.equal(microCompactSoftThreshold(167_000), 100_200);
    assert.equal(CACHE_COLD_AFTER_MS, 300_000);
  });
});
