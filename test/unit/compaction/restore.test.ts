import * as assert from 'node:assert/strict';
import { buildRestoration, DEFAULT_RESTORE_BUDGETS, restorationReminder } from '../../../src/core/compaction/restore';

const file = (path: string, tokens: number, readAt: number) => ({ path, content: 'f'.repeat(tokens * 4), readAt });

describe('restore after compaction', () => {
  it('restores up to 5 files, most recently read first, once each, skipping those still in the tail', () => {
    const r = buildRestoration({
      files: [file('a', 100, 1), file('b', 100, 2), file('c', 100, 3), file('a', 200, 9), file('d', 100, 4), file('e', 100, 5), file('f', 100, 6), file('g', 100, 7)],
      skills: [], todos: [], visiblePaths: new Set(['g']),
    });
    assert.deepEqual(r.files.map((f) => [f.name, f.tokens]), [['a', 200], ['f', 100], ['e', 100], ['d', 100], ['c', 100]]);
    assert.equal(r.tokens, 600);
    assert.equal(r.reReadInstructions, true);
  });

  it('cuts a file over 5,000 tokens, with a note', () => {
    const r = buildRestoration({ files: [file('big.ts', 7_500, 1)], skills: [], todos: [] });
    assert.deepEqual(r.files, [{ name: 'big.ts', tokens: 5_000, truncated: true }]);
    assert.equal(r.blocks[0], `Contents of big.ts, as last read before the conversation was compacted:\n${'f'.repeat(20_000)}\n[Cut at 5,000 of about 7,500 tokens; read the file again for the rest.]`);
  });

  it('stops at the total file budget, cutting the last file and skipping a share under 500 tokens', () => {
    const budgets = { ...DEFAULT_RESTORE_BUDGETS, fileTokensTotal: 12_400 };
    const r = buildRestoration({ files: [file('a', 5_000, 5), file('b', 5_000, 4), file('c', 2_000, 3), file('d', 300, 2)], skills: [], todos: [] }, budgets);
    assert.deepEqual(r.files, [
      { name: 'a', tokens: 5_000, truncated: false },
      { name: 'b', tokens: 5_000, truncated: false },
      { name: 'c', tokens: 2_000, truncated: false },
      { name: 'd', tokens: 300, truncated: false },
    ]);
    const tight = buildRestoration({ files: [file('a', 5_000, 5), file('b', 5_000, 4), file('c', 5_000, 3), file('d', 100, 2)], skills: [], todos: [] }, { ...budgets, fileTokensTotal: 12_000 });
    assert.deepEqual(tight.files.map((f) => [f.name, f.tokens, f.truncated]), [['a', 5_000, false], ['b', 5_000, false], ['c', 2_000, true]]);
    const none = buildRestoration({ files: [file('a', 5_000, 5), file('b', 5_000, 4)], skills: [], todos: [] }, { ...budgets, fileTokensTotal: 5_400 });
    assert.deepEqual(none.files.map((f) => f.name), ['a'], 'a 400-token share is not worth restoring');
    assert.equal(none.tokens, 5_000);
  });

  it('restores skills most recent first, 5,000 tokens each and 25,000 in all', () => {
    const skills = ['s1', 's2', 's3', 's4', 's5', 's6'].map((name) => ({ name, text: 's'.repeat(24_000) })); // 6,000 tokens each
    const r = buildRestoration({ files: [], skills, todos: [] });
    assert.deepEqual(r.skills.map((s) => [s.name, s.tokens, s.truncated]), [['s6', 5_000, true], ['s5', 5_000, true], ['s4', 5_000, true], ['s3', 5_000, true], ['s2', 5_000, true]]);
    assert.equal(r.tokens, 25_000);
  });

  it('adds the todo list and the plan, and wraps everything in one system reminder', () => {
    const r = buildRestoration({
      files: [], skills: [],
      todos: [{ content: 'Write the test', status: 'completed' }, { content: 'Fix the bug', status: 'in_progress' }, { content: 'Ship', status: 'pending' }],
      plan: '1. test\n2. fix',
    });
    assert.equal(restorationReminder(r), '<system-reminder>\nThe todo list:\n[x] Write the test\n[~] Fix the bug\n[ ] Ship\n\nThe current plan:\n1. test\n2. fix\n</system-reminder>');
    assert.equal(restorationReminder(buildRestoration({ files: [], skills: [], todos: [] })), '');
  });
});
