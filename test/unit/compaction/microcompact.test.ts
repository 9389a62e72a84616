import * as assert from 'node:assert/strict';
import type { MessageParam, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { clearedMarker, MicroCompactor, summariseInput } from '../../../src/core/compaction/microcompact';
import { assistant, generateHistory, round, user } from './histories';

const MIN = 60_000;
const BIG = 'x'.repeat(8_000); // 2,000 tokens; its marker is 27, so clearing saves 1,973

/** A prompt, then read_file rounds t0..t(n-1) reading src/f<i>.ts. */
function reads(n: number, from = 0): MessageParam[] {
  return Array.from({ length: n }, (_, k) => round(`t${from + k}`, 'read_file', { path: `src/f${from + k}.ts` }, BIG)).flat();
}

function resultText(messages: MessageParam[], id: string): string {
  for (const m of messages) {
    if (typeof m.content === 'string') continue;
    for (const b of m.content) if (b.type === 'tool_result' && b.tool_use_id === id) return (b as ToolResultBlockParam).content as string;
  }
  throw new Error(`no result ${id}`);
}

const marker = (i: number) => `[Old result of read_file {"path":"src/f${i}.ts"} cleared to save context; call the tool again if you need it]`;

describe('micro-compaction', () => {
  it('turns a cleared result into a marker with the tool name and what was asked, input capped', () => {
    assert.equal(clearedMarker({ name: 'read_file', input: { path: 'src/a.ts' } }),
      '[Old result of read_file {"path":"src/a.ts"} cleared to save context; call the tool again if you need it]');
    const long = summariseInput({ path: 'a.ts', old_string: 'o'.repeat(500), new_string: 'n'.repeat(500), note: 'z'.repeat(100) });
    assert.equal(long.length, 160);
    assert.equal(long, `{"path":"a.ts","old_string":"${'o'.repeat(57)}...","new_string":"${'n'.repeat(52)}...`);
  });

  it('clears a batch when the cache is cold, keeping the 5 most recent results whole', () => {
    const history = [user('fix it'), ...reads(8)];
    const mc = new MicroCompactor({ softThreshold: 100_000, keepRecent: 5 });
    const p = mc.project(history, { now: 10 * MIN, lastRequestAt: undefined, contextTokens: 16_000 });
    assert.equal(p.batch, 'cold');
    assert.equal(p.clearedNow, 3);
    assert.equal(p.clearedTotal, 3);
    assert.equal(p.tokensSaved, 3 * 1_973);
    assert.deepEqual([0, 1, 2].map((i) => resultText(p.messages, `t${i}`)), [marker(0), marker(1), marker(2)]);
    for (const i of [3, 4, 5, 6, 7]) assert.equal(resultText(p.messages, `t${i}`), BIG);
  });

  it('applies the same cleared set between batches, so the projected prefix stays identical', () => {
    const history = [user('fix it'), ...reads(8)];
    const mc = new MicroCompactor({ softThreshold: 100_000, keepRecent: 5 });
    const first = mc.project(history, { now: 10 * MIN, contextTokens: 16_000 });
    history.push(...reads(2, 8)); // t3 and t4 have now left the keep window
    const second = mc.project(history, { now: 10 * MIN + 30_000, lastRequestAt: 10 * MIN, contextTokens: 20_000 });
    assert.equal(second.batch, undefined);
    assert.equal(second.clearedNow, 0);
    assert.equal(second.clearedTotal, 3);
    assert.deepEqual(second.messages.slice(0, first.messages.length), first.messages);
    assert.equal(JSON.stringify(second.messages.slice(0, first.messages.length)), JSON.stringify(first.messages));
    assert.equal(resultText(second.messages, 't3'), BIG, 'not cleared without a batch, even though it is now eligible');
  });

  it('treats exactly the cache TTL of idle time as cold, and a millisecond less as warm', () => {
    const history = [user('fix it'), ...reads(7)];
    const warm = new MicroCompactor({ softThreshold: 100_000, keepRecent: 5 });
    assert.equal(warm.project(history, { now: 10 * MIN + 299_999, lastRequestAt: 10 * MIN, contextTokens: 14_000 }).clearedNow, 0);
    const cold = new MicroCompactor({ softThreshold: 100_000, keepRecent: 5 });
    const p = cold.project(history, { now: 10 * MIN + 300_000, lastRequestAt: 10 * MIN, contextTokens: 14_000 });
    assert.equal(p.batch, 'cold');
    assert.equal(p.clearedNow, 2);
  });

  it('clears on pressure with a warm cache only when the batch saves enough', () => {
    const history = [user('fix it'), ...reads(6)];
    const mc = new MicroCompactor({ softThreshold: 10_000, minPressureBatchTokens: 3_000, keepRecent: 5 });
    const warm = { now: 10 * MIN, lastRequestAt: 10 * MIN - 1_000 };
    // One result beyond the keep window saves 1,973 < 3,000: not worth breaking the cache.
    const small = mc.project(history, { ...warm, contextTokens: 12_000 });
    assert.equal(small.clearedNow, 0);
    history.push(...reads(1, 6));
    // Below the soft threshold nothing happens even though two results (3,946) could go.
    assert.equal(mc.project(history, { ...warm, contextTokens: 9_999 }).clearedNow, 0);
    const p = mc.project(history, { ...warm, contextTokens: 14_000 });
    assert.equal(p.batch, 'pressure');
    assert.equal(p.clearedNow, 2);
    assert.equal(p.tokensSaved, 3_946);
  });

  it('never clears skill results, protected results, or results smaller than their marker', () => {
    const history: MessageParam[] = [
      user('go'),
      ...round('s1', 'skill', { name: 'deploy' }, BIG),
      ...round('m1', 'read_file', { path: '/home/u/.reverie/memory/MEMORY.md' }, BIG),
      ...round('tiny', 'grep', { pattern: 'x' }, 'no matches'),
      ...round('todo', 'todo_write', { todos: [] }, BIG),
      ...reads(6),
    ];
    const mc = new MicroCompactor({
      softThreshold: 100_000,
      keepRecent: 5,
      isProtected: (name, input) => name === 'read_file' && String((input as { path: string }).path).includes('/.reverie/memory/'),
    });
    const p = mc.project(history, { now: 0, contextTokens: 20_000 });
    assert.equal(p.clearedNow, 1);
    assert.equal(resultText(p.messages, 't0'), marker(0));
    assert.equal(resultText(p.messages, 's1'), BIG);
    assert.equal(resultText(p.messages, 'm1'), BIG);
    assert.equal(resultText(p.messages, 'tiny'), 'no matches');
    assert.equal(resultText(p.messages, 'todo'), BIG, 'todo_write is not a re-runnable tool');
  });

  it('never modifies the history, and passes untouched messages through by reference', () => {
    const history = [user('fix it'), ...reads(8), assistant('done')];
    const before = structuredClone(history);
    const p = new MicroCompactor({ softThreshold: 100_000, keepRecent: 5 }).project(history, { now: 0, contextTokens: 16_000 });
    assert.equal(p.clearedNow, 3);
    assert.deepEqual(history, before);
    assert.equal(p.messages[0], history[0]);
    assert.equal(p.messages[1], history[1], 'the assistant message of a cleared round is unchanged');
    assert.notEqual(p.messages[2], history[2]);
    assert.equal(p.messages[history.length - 1], history[history.length - 1]);
  });

  it('projects 2,000 messages quickly (timing printed, not asserted)', () => {
    const history = generateHistory(7, 300).slice(0, 2_000);
    const mc = new MicroCompactor({ softThreshold: 100_000, keepRecent: 5 });
    let t = performance.now();
    const first = mc.project(history, { now: 0, contextTokens: 150_000 });
    const cold = performance.now() - t;
    t = performance.now();
    const again = mc.project(history, { now: 1_000, lastRequestAt: 0, contextTokens: 50_000 });
    const warm = performance.now() - t;
    console.log(`      micro-compaction of ${history.length} messages: batch ${cold.toFixed(1)} ms, reapply ${warm.toFixed(1)} ms, ${first.clearedTotal} results cleared`);
    assert.equal(history.length, 2_000);
    assert.equal(again.clearedNow, 0);
    assert.equal(again.clearedTotal, first.clearedTotal);
    assert.ok(first.clearedTotal > 100, `expected many cleared results, got ${first.clearedTotal}`);
  });
});
