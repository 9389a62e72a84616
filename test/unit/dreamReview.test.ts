import * as assert from 'node:assert/strict';
import type { DreamOutcome, DreamProposal } from '../../src/core/dream/types';
import {
  DreamReview, changeDescription, changeTooltipLines, countsText, outcomeNotice, proposedMessage, readDreamSettings, type DreamerApi,
} from '../../src/host/dream/dreamReview';

const usage = { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function proposal(over: Partial<DreamProposal> = {}): DreamProposal {
  return {
    id: 'p1', memoryDir: '/mem', stagingDir: '/stage', summary: 'Merged the testing notes; dropped the old port.', sessions: ['s1'], usage,
    counts: { merged: 1, updated: 1, pruned: 2, created: 0 },
    changes: [
      { file: 'testing.md', kind: 'modified', before: 'a', after: 'b', reason: { file: 'testing.md', action: 'merged', reason: 'two files said the same', mergedFrom: ['tests.md'], sessions: ['s1'] } },
      { file: 'tests.md', kind: 'deleted', before: 'a', reason: { file: 'tests.md', action: 'deleted', reason: 'merged into testing.md' } },
      { file: 'port.md', kind: 'deleted', before: 'port 3000' },
      { file: 'MEMORY.md', kind: 'modified', before: 'x', after: 'y' },
    ],
    ...over,
  };
}

/** Records what the review asks of the core. */
function fakeDreamer(opts: { failApply?: boolean } = {}) {
  const calls: string[] = [];
  let n = 0;
  const dreamer: Pick<DreamerApi, 'apply' | 'discard'> = {
    apply: async (_p, files) => {
      if (opts.failApply) throw new Error('the memory file changed since the dream');
      calls.push(`apply ${files?.join(',')}`);
      return { applied: files ?? [], snapshotId: `snap${++n}` };
    },
    discard: async (p) => void calls.push(`discard ${p.id}`),
  };
  return { dreamer, calls };
}

describe('dream review (editor side, no VS Code)', () => {
  it('the notification counts what changed, leaving zeros out, and offers Review, or Undo when applied directly', () => {
    assert.deepEqual(proposedMessage(proposal(), false), { text: 'Reverie dreamed: 1 merged, 2 pruned, 1 updated.', action: 'Review' });
    assert.deepEqual(proposedMessage(proposal(), true), { text: 'Reverie dreamed: 1 merged, 2 pruned, 1 updated (applied).', action: 'Undo' });
    assert.equal(countsText(proposal({ counts: { merged: 0, updated: 0, pruned: 0, created: 0 } })), '4 files changed');
    assert.equal(countsText(proposal({ counts: { merged: 0, updated: 0, pruned: 0, created: 1 }, changes: [proposal().changes[0]] })), '1 created');
  });

  it('says each ending the right way: quiet after a turn, spoken for Dream Now, nothing when cancelled', () => {
    const nothing: DreamOutcome = { status: 'nothing', summary: 'all tidy', usage };
    assert.equal(outcomeNotice(nothing, false)?.kind, 'status');
    assert.deepEqual(outcomeNotice(nothing, true), { kind: 'info', text: 'Reverie dreamed: nothing needed to change.' });
    const busy: DreamOutcome = { status: 'busy', reason: 'held by process 4242' };
    assert.equal(outcomeNotice(busy, false), undefined);
    assert.match((outcomeNotice(busy, true) as { text: string }).text, /another window is dreaming/);
    assert.deepEqual(outcomeNotice({ status: 'failed', reason: 'API key missing' }, false), { kind: 'error', text: 'Reverie could not dream: API key missing' });
    assert.equal(outcomeNotice({ status: 'cancelled' }, true), undefined);
    assert.equal(outcomeNotice({ status: 'proposed', proposal: proposal() }, false)?.kind, 'proposed');
  });

  it('a file shows its kind and the agent\'s reason on one line; the tooltip adds merges and sessions', () => {
    const [merged, deleted, unexplained] = proposal().changes;
    assert.equal(changeDescription(merged), 'modified · two files said the same');
    assert.equal(changeDescription({ ...deleted, reason: { ...deleted.reason!, reason: 'merged\ninto   testing.md' } }), 'deleted · merged into testing.md');
    assert.equal(changeDescription(unexplained), 'deleted');
    assert.deepEqual(changeTooltipLines(merged), ['testing.md (modified, merged)', 'two files said the same', 'Merged from: tests.md', 'From sessions: s1']);
    assert.match(changeTooltipLines(unexplained).join('\n'), /no reason/);
  });

  it('settings: defaults, and hours and sessions never below 1', () => {
    assert.deepEqual(readDreamSettings((_k, fallback) => fallback), { enabled: true, minHours: 24, minSessions: 5, applyDirectly: false });
    const values: Record<string, unknown> = { enabled: false, minHours: 0, minSessions: 2.5, applyDirectly: true };
    assert.deepEqual(readDreamSettings(<T>(k: string) => values[k] as T), { enabled: false, minHours: 1, minSessions: 3, applyDirectly: true });
    assert.deepEqual(readDreamSettings(<T>(k: string) => ({ minHours: 'soon', minSessions: Number.NaN } as Record<string, unknown>)[k] as T), { enabled: true, minHours: 24, minSessions: 5, applyDirectly: false });
  });

  it('accepting one file applies only that file; the proposal stays until every file is decided, then is discarded', async () => {
    const { dreamer, calls } = fakeDreamer();
    const review = new DreamReview(proposal(), dreamer);
    assert.deepEqual(await review.accept(['tests.md']), ['tests.md']);
    assert.deepEqual(review.pending.map((c) => c.file), ['testing.md', 'port.md', 'MEMORY.md']);
    await review.reject(['port.md']);
    assert.equal(review.decision('port.md'), 'rejected');
    assert.equal(review.done, false);
    await review.accept(['testing.md', 'tests.md']); // tests.md was already applied: not applied twice
    assert.deepEqual(calls, ['apply tests.md', 'apply testing.md']);
    await review.reject();
    assert.equal(review.done, true);
    assert.deepEqual(review.pending.map((c) => c.file), []);
    assert.deepEqual(calls, ['apply tests.md', 'apply testing.md', 'discard p1']);
    // Each apply took a snapshot; undo walks them back newest first.
    assert.deepEqual(review.snapshots, ['snap1', 'snap2']);
    assert.deepEqual(await review.accept(), [], 'a finished review applies nothing');
  });

  it('accept all applies every pending file in one call; reject all writes nothing', async () => {
    const all = fakeDreamer();
    const review = new DreamReview(proposal(), all.dreamer);
    await review.accept();
    assert.deepEqual(all.calls, ['apply testing.md,tests.md,port.md,MEMORY.md', 'discard p1']);
    assert.equal(review.done, true);

    const none = fakeDreamer();
    const rejected = new DreamReview(proposal(), none.dreamer);
    await rejected.reject();
    assert.deepEqual(none.calls, ['discard p1']);
    assert.deepEqual(rejected.snapshots, []);
  });

  it('a failed apply leaves the file pending, so the user can try again or reject it', async () => {
    const { dreamer, calls } = fakeDreamer({ failApply: true });
    const review = new DreamReview(proposal(), dreamer);
    await assert.rejects(review.accept(['testing.md']), /changed since the dream/);
    assert.equal(review.pending.length, 4);
    assert.equal(review.done, false);
    assert.deepEqual(calls, []);
  });
});
