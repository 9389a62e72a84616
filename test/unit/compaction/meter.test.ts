import * as assert from 'node:assert/strict';
import { CompactionBreaker } from '../../../src/core/compaction/breaker';
import { detectCacheBreak } from '../../../src/core/compaction/cacheBreak';
import { contextMeter } from '../../../src/core/compaction/meter';

const reads = (n: number) => ({ cacheReadInputTokens: n });

describe('cache break detection', () => {
  const quiet = { compactedSince: false };

  it('flags a fall of more than 5% and at least 2,000 tokens', () => {
    assert.equal(detectCacheBreak(reads(100_000), reads(96_000), quiet), undefined, '4%');
    assert.equal(detectCacheBreak(reads(100_000), reads(95_000), quiet), undefined, 'exactly 5%');
    assert.deepEqual(detectCacheBreak(reads(100_000), reads(94_000), quiet), { cause: 'prefix changed / TTL expired', dropTokens: 6_000 });
    assert.deepEqual(detectCacheBreak(reads(30_000), reads(28_000), quiet), { cause: 'prefix changed / TTL expired', dropTokens: 2_000 });
    assert.equal(detectCacheBreak(reads(30_000), reads(28_001), quiet), undefined, '1,999 tokens');
    assert.equal(detectCacheBreak(reads(30_000), reads(40_000), quiet), undefined, 'reads grew');
  });

  it('does not flag a drop a compaction explains', () => {
    assert.equal(detectCacheBreak(reads(150_000), reads(0), { compactedSince: true }), undefined);
  });

  it('names the cause', () => {
    assert.equal(detectCacheBreak(reads(50_000), reads(0), { compactedSince: false, changed: { system: true, tools: true } })?.cause, 'system prompt changed, tools changed');
    assert.equal(detectCacheBreak(reads(50_000), reads(0), { compactedSince: false, changed: { model: true } })?.cause, 'model changed');
    assert.equal(detectCacheBreak(reads(50_000), reads(0), { compactedSince: false, idleMs: 301_000 })?.cause, 'TTL expired (idle 5 min 1 s)');
    assert.equal(detectCacheBreak(reads(50_000), reads(0), { compactedSince: false, idleMs: 30_000 })?.cause, 'prefix changed (idle only 30 s, under the cache TTL)');
  });
});

describe('context meter', () => {
  const lastUsage = { inputTokens: 2_000, cacheCreationInputTokens: 5_000, cacheReadInputTokens: 90_000, outputTokens: 1_000 };
  const sessionUsage = { inputTokens: 10_000, cacheCreationInputTokens: 100_000, cacheReadInputTokens: 900_000, outputTokens: 20_000 };

  it('computes context, distance to compaction, cost and cache hit ratio', () => {
    const m = contextMeter({ lastUsage, window: 200_000, threshold: 167_000, sessionUsage, model: 'claude-sonnet-4-5' });
    assert.equal(m.contextTokens, 98_000);
    assert.equal(m.windowTokens, 200_000);
    assert.equal(m.percent, 49);
    assert.equal(m.tokensToAutoCompact, 69_000);
    // 10,000 x $3/M + 100,000 x $3.75/M + 900,000 x $0.30/M + 20,000 x $15/M
    assert.equal(Math.round(m.costUsd! * 1e9), 975_000_000);
    assert.equal(m.cacheHitRatio, 900_000 / 1_010_000);
    assert.equal(m.hoverText, [
      'Context: 98,000 of 200,000 tokens (49%), from the latest request\'s usage.',
      'Auto-compaction in 69,000 tokens (at 167,000).',
      'Session cost: $0.98, estimated from usage: input 10,000, cache writes 100,000 (1.25x input price), cache reads 900,000 (0.1x), output 20,000.',
      'Cache hit ratio: 89% of prompt tokens were read from the prompt cache.',
    ].join('\n'));
  });

  it('says when the threshold is passed, the price unknown, or nothing sent yet', () => {
    const zero = { inputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, outputTokens: 0 };
    const m = contextMeter({ lastUsage: { ...lastUsage, cacheReadInputTokens: 170_000 }, window: 200_000, threshold: 167_000, sessionUsage: zero, model: 'gpt-4o' });
    assert.equal(m.contextTokens, 178_000);
    assert.equal(m.percent, 89);
    assert.equal(m.tokensToAutoCompact, 0);
    assert.equal(m.costUsd, undefined);
    assert.equal(m.cacheHitRatio, undefined);
    assert.match(m.hoverText, /Past the auto-compaction threshold \(167,000\)/);
    assert.match(m.hoverText, /Session cost: unknown \(no price for gpt-4o\)/);
  });

  it('rounds the percentage to one decimal', () => {
    const m = contextMeter({ lastUsage: { inputTokens: 12_345, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, outputTokens: 0 }, window: 200_000, threshold: 167_000, sessionUsage, model: 'claude-haiku-4-5' });
    assert.equal(m.percent, 6.2);
  });
});

describe('compaction circuit breaker', () => {
  it('stops auto-compaction after 3 failures in a row and says so once', () => {
    const b = new CompactionBreaker();
    assert.equal(b.recordFailure('timeout'), undefined);
    assert.equal(b.recordFailure('timeout'), undefined);
    assert.equal(b.allowsAuto, true);
    assert.equal(b.recordFailure('prompt too long'),
      'Automatic compaction failed 3 times in a row (last: prompt too long), so it is off for this session. Run /compact to try again by hand, or start a new conversation.');
    assert.equal(b.allowsAuto, false);
    assert.equal(b.recordFailure(), undefined, 'the message comes once');
    b.recordSuccess();
    assert.equal(b.allowsAuto, true);
    assert.equal(b.consecutiveFailures, 0);
  });

  it('counts only failures in a row', () => {
    const b = new CompactionBreaker();
    b.recordFailure();
    b.recordFailure();
    b.recordSuccess();
    b.recordFailure();
    assert.equal(b.recordFailure(), undefined);
    assert.equal(b.allowsAuto, true);
  });
});
