import * as assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { chooseTail, DEFAULT_TAIL, splitForCompaction } from '../../../src/core/compaction/boundary';
import { flatten, groupByRound, unpairedToolIds, type Group } from '../../../src/core/compaction/groups';
import { assistant, generateHistory, results, round, user } from './histories';

const tokens = (gs: readonly Group[]) => gs.reduce((s, g) => s + g.tokens, 0);
const texts = (gs: readonly Group[]) => gs.reduce((s, g) => s + g.textMessages, 0);

describe('grouping by API round', () => {
  it('keeps an assistant message with the results of its calls; a plain user message starts a group', () => {
    const history: MessageParam[] = [
      user('hi'),
      assistant('reading', [{ id: 'a', name: 'read_file' }, { id: 'b', name: 'grep' }]),
      results({ id: 'a', text: 'A' }, { id: 'b', text: 'B' }),
      assistant('done'),
      user('thanks'),
      ...round('c', 'run_command', {}, 'ok'),
    ];
    const groups = groupByRound(history);
    assert.deepEqual(groups.map((g) => [g.start, g.end]), [[0, 1], [1, 3], [3, 4], [4, 5], [5, 7]]);
    assert.deepEqual(groups.map((g) => g.textMessages), [1, 1, 1, 1, 0]);
    assert.deepEqual(flatten(groups), history);
  });
});

describe('choosing the verbatim tail', () => {
  const msg = (chars: number): MessageParam => user('x'.repeat(chars));

  it('grows until both minimums are met', () => {
    // Six plain user messages of 1,000 tokens each: 5 text messages are needed, tokens are not the limit.
    const groups = groupByRound(Array.from({ length: 8 }, () => msg(4_000)));
    assert.equal(chooseTail(groups, { minTokens: 2_000, minTextMessages: 5, maxTokens: 40_000 }), 3);
    assert.equal(chooseTail(groups, { minTokens: 7_000, minTextMessages: 1, maxTokens: 40_000 }), 1);
  });

  it('stops before maxTokens even if a minimum is unmet', () => {
    const groups = groupByRound(Array.from({ length: 8 }, () => msg(40_000))); // 10,000 tokens each
    assert.equal(chooseTail(groups, { minTokens: 100_000, minTextMessages: 5, maxTokens: 35_000 }), 5);
  });

  it('keeps the newest group whole even when it alone passes maxTokens, and nothing more', () => {
    const groups = groupByRound([msg(400), msg(400), ...round('big', 'read_file', {}, 'y'.repeat(200_000))]);
    const start = chooseTail(groups, DEFAULT_TAIL);
    assert.equal(start, 2);
    assert.equal(tokens(groups.slice(start)), 50_004); // 4 for the call, 50,000 for its result
  });

  it('takes nothing when both minimums are zero, and everything when the history is small', () => {
    const groups = groupByRound([msg(400), msg(400)]);
    assert.equal(chooseTail(groups, { minTokens: 0, minTextMessages: 0, maxTokens: 40_000 }), 2);
    assert.equal(chooseTail(groups, DEFAULT_TAIL), 0);
  });

  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
    it(`never splits a tool pair and respects the bounds (generated history, seed ${seed})`, () => {
      const history = generateHistory(seed, 10 + seed * 3);
      const split = splitForCompaction(history, DEFAULT_TAIL);
      assert.deepEqual([...split.toSummarise, ...split.tail], history);
      assert.deepEqual(unpairedToolIds(split.toSummarise), { uses: [], results: [] });
      assert.deepEqual(unpairedToolIds(split.tail), { uses: [], results: [] });
      const tail = split.groups.slice(split.tailGroup);
      const tailTokens = tokens(tail);
      if (tail.length > 1) assert.ok(tailTokens <= DEFAULT_TAIL.maxTokens, `tail of ${tailTokens} tokens`);
      // Either the tail met both minimums, or the next older group would not have fitted, or nothing is left.
      const met = tailTokens >= DEFAULT_TAIL.minTokens && texts(tail) >= DEFAULT_TAIL.minTextMessages;
      const blocked = split.tailGroup === 0 || tailTokens + split.groups[split.tailGroup - 1].tokens > DEFAULT_TAIL.maxTokens || tailTokens > DEFAULT_TAIL.maxTokens;
      assert.ok(met || blocked, `tail stopped early: ${tailTokens} tokens, ${texts(tail)} text messages`);
      // Minimal: without its oldest group, the tail would miss a minimum.
      if (tail.length > 1) {
        const shorter = tail.slice(1);
        assert.ok(tokens(shorter) < DEFAULT_TAIL.minTokens || texts(shorter) < DEFAULT_TAIL.minTextMessages, 'tail larger than needed');
      }
    });
  }
});
