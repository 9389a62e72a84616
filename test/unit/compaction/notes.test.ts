import * as assert from 'node:assert/strict';
import { groupByRound } from '../../../src/core/compaction/groups';
import {
  hasContent, isFresh, NOTES_TEMPLATE, NotesSchedule, notesTail, notesUpdatePrompt, parseNotesReply,
} from '../../../src/core/compaction/notes';
import { assistant, round, user } from './histories';

describe('session notes', () => {
  it('has a template with the six sections, which counts as empty', () => {
    assert.deepEqual(NOTES_TEMPLATE.split('\n').filter((l) => l.startsWith('# ')),
      ['# Current state', '# Task', '# Files and functions', '# Errors and corrections', '# Learnings', '# Work log']);
    assert.equal(hasContent(NOTES_TEMPLATE), false);
    assert.equal(hasContent(NOTES_TEMPLATE.replace('# Task\n', '# Task\nFix the parser\n')), true);
  });

  it('updates first at 10,000 tokens, then after 5,000 more tokens and 3 tool calls', () => {
    const s = new NotesSchedule();
    assert.equal(s.shouldUpdate(9_999), false);
    assert.equal(s.shouldUpdate(10_000), true);
    s.started();
    assert.equal(s.shouldUpdate(50_000), false, 'never two at once');
    s.finished(true, 10_000);
    assert.equal(s.shouldUpdate(15_000), false, 'no tool calls yet');
    s.recordToolCalls(2);
    assert.equal(s.shouldUpdate(30_000), false, 'two tool calls are not enough');
    s.recordToolCalls();
    assert.equal(s.shouldUpdate(14_999), false);
    assert.equal(s.shouldUpdate(15_000), true);
    s.started();
    s.finished(false, 15_000);
    assert.equal(s.shouldUpdate(15_000), true, 'a failed update leaves the counters');
    s.compacted(3_000);
    assert.equal(s.shouldUpdate(7_999), false);
    assert.equal(s.shouldUpdate(8_000), true);
  });

  it('builds the update prompt from the current notes (or the template) and the recent messages', () => {
    const p = notesUpdatePrompt('', [user('Fix the parser'), ...round('t1', 'read_file', { path: 'p.ts' }, 'code')]);
    assert.ok(p.includes(`<notes>\n${NOTES_TEMPLATE}\n</notes>`));
    assert.ok(p.includes('<transcript>\nUser:\nFix the parser\n\nAssistant:\n[tool call read_file t1: {"path":"p.ts"}]\n\nUser:\n[tool result read_file t1]\ncode\n</transcript>'));
    assert.ok(p.includes('about 2,000 tokens per section and 12,000 in all'));
    assert.ok(notesUpdatePrompt('# Task\nX\n', []).includes('<notes>\n# Task\nX\n\n</notes>'));
  });

  it('reads the notes back from the reply', () => {
    assert.equal(parseNotesReply('Sure.\n<notes>\n# Task\nFix it\n</notes>'), '# Task\nFix it\n');
    assert.equal(parseNotesReply(`<notes>\n${NOTES_TEMPLATE}</notes>`), undefined, 'an empty template is no update');
    assert.equal(parseNotesReply('no notes here'), undefined);
  });

  describe('freshness', () => {
    const notes = { text: '# Task\nFix the parser\n', updatedAt: 1_000, historyLengthAtUpdate: 40 };

    it('is fresh when the notes cover all but the last few messages, and those stay verbatim', () => {
      assert.equal(isFresh(notes, { historyLength: 48, now: 2_000 }), true);
      assert.equal(isFresh(notes, { historyLength: 49, now: 2_000 }), false, 'nine uncovered messages');
      assert.equal(isFresh(notes, { historyLength: 44, now: 2_000, tailStart: 40 }), true);
      assert.equal(isFresh(notes, { historyLength: 44, now: 2_000, tailStart: 41 }), false, 'message 40 would be lost');
      assert.equal(isFresh(notes, { historyLength: 44, now: 2_000, maxAgeMs: 999 }), false);
      assert.equal(isFresh(notes, { historyLength: 30, now: 2_000 }), false, 'the history shrank: the notes describe another one');
      assert.equal(isFresh({ ...notes, text: NOTES_TEMPLATE }, { historyLength: 40, now: 2_000 }), false);
      assert.equal(isFresh({ ...notes, text: 'x'.repeat(72_004) }, { historyLength: 40, now: 2_000 }), false, 'over 1.5x the cap');
      assert.equal(isFresh(undefined, { historyLength: 40, now: 2_000 }), false);
    });

    it('widens the tail back to the first message the notes have not seen', () => {
      const history = [user('a'), assistant('b'), user('c'), assistant('d'), user('e'), assistant('f'), user('g'), assistant('h')];
      const groups = groupByRound(history);
      const bounds = { minTokens: 0, minTextMessages: 2, maxTokens: 40_000 };
      assert.equal(notesTail(groups, 8, bounds), 6);
      assert.equal(notesTail(groups, 3, bounds), 3);
      assert.equal(notesTail(groups, 3, { ...bounds, maxTokens: 3 }), undefined, 'five messages do not fit in 3 tokens');
    });
  });
});
