import * as assert from 'node:assert/strict';
import { approvalCard, compactDiff, displayPath } from '../../../src/host/approvals/approvalCard';
import { PanelApprovals } from '../../../src/host/approvals/panelApprovals';
import { APPROVAL_LIMITS } from '../../../src/shared/approvalProtocol';
import { hostToWebview, webviewToHost, type HostToWebview } from '../../../src/shared/protocol';

const command = { kind: 'command', tool: 'run_command', command: 'rm -rf build && npm run build', cwd: '/w/project' } as const;

describe('approval cards in the panel', () => {
  let panel: PanelApprovals;
  let posted: HostToWebview[];
  beforeEach(() => {
    panel = new PanelApprovals();
    posted = [];
    panel.onDidPost((m) => {
      assert.ok(hostToWebview.safeParse(m).success, JSON.stringify(m));
      posted.push(m);
    });
  });

  it('a card is posted with an id; the first answer wins, once, and the card is resolved', () => {
    const answers: string[] = [];
    const card = panel.ask(approvalCard(command, ['/w/project']), { answer: (d, r) => void answers.push(`${d}:${r ?? ''}`) });
    assert.equal(posted[0].type, 'approvalRequest');
    assert.equal((posted[0] as { id: string }).id, card.id);
    assert.equal(panel.answer(card.id, 'deny', '  not now  '), true);
    assert.equal(panel.answer(card.id, 'allow'), false, 'a second answer is not taken');
    assert.deepEqual(answers, ['deny:not now']);
    assert.deepEqual(posted[1], { type: 'approvalResolved', id: card.id, outcome: 'denied' });
    assert.deepEqual(panel.pending(), []);
  });

  it('an id that was never asked, or already closed elsewhere, answers nothing', () => {
    let called = 0;
    const card = panel.ask(approvalCard(command, []), { answer: () => void called++ });
    assert.equal(panel.answer('ap-forged-1', 'allow'), false);
    card.close('allowed'); // answered in the notification first
    card.close('allowed');
    assert.equal(panel.answer(card.id, 'allow'), false);
    assert.equal(called, 0);
    assert.equal(posted.filter((m) => m.type === 'approvalResolved').length, 1, 'closing twice posts once');
  });

  it('an edit card offers Accept / Reject only: "always" is refused; Open diff reaches the editor', () => {
    let opened = 0;
    const decisions: string[] = [];
    const card = panel.ask(approvalCard({ kind: 'edit', tool: 'edit_file', path: '/w/a.ts', before: 'a\n', after: 'b\n' }, ['/w']), {
      answer: (d) => void decisions.push(d), openDiff: () => void opened++,
    });
    assert.equal(panel.answer(card.id, 'always'), false);
    assert.equal(panel.openDiff(card.id), true);
    assert.equal(opened, 1);
    assert.equal(panel.pending().length, 1, 'Open diff does not answer');
    assert.equal(panel.answer(card.id, 'allow', 'ignored reason'), true);
    assert.deepEqual(decisions, ['allow']);
  });

  it('pending cards are listed for a reloaded panel, oldest first', () => {
    const a = panel.ask(approvalCard(command, []), { answer: () => undefined });
    const b = panel.ask(approvalCard({ kind: 'read', tool: 'read_file', path: '/etc/hosts' }, []), { answer: () => undefined });
    assert.deepEqual(panel.pending().map((c) => c.id), [a.id, b.id]);
    assert.notEqual(a.id, b.id);
  });
});

describe('approval card content', () => {
  it('an edit shows the path relative to the workspace and a compact diff with counts', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const after = before.replace('line 3\n', 'line three\n').replace('line 25\n', '');
    const card = approvalCard({ kind: 'edit', tool: 'edit_file', path: '/w/src/a.ts', before, after }, ['/other', '/w']);
    assert.ok(card.kind === 'edit');
    assert.equal(card.path, 'src/a.ts');
    assert.equal(card.isNew, false);
    assert.deepEqual([card.added, card.removed, card.truncated], [1, 2, false]);
    assert.deepEqual(card.lines.filter((l) => l.kind !== 'ctx'), [
      { kind: 'del', text: 'line 3' },
      { kind: 'add', text: 'line three' },
      { kind: 'gap', text: 'line 23' },
      { kind: 'del', text: 'line 25' },
    ]);
  });

  it('a big change is capped with truncated set, and the counts still cover all of it', () => {
    const after = Array.from({ length: 500 }, (_, i) => `new ${i} ${'x'.repeat(i === 0 ? 1_000 : 1)}`).join('\n');
    const d = compactDiff('', after);
    assert.equal(d.lines.length, APPROVAL_LIMITS.diffLines);
    assert.equal(d.truncated, true);
    assert.equal(d.added, 500);
    assert.ok(d.lines[0].text.length <= APPROVAL_LIMITS.lineText);
  });

  it('a path outside the workspace stays absolute; a command keeps its exact text and folder', () => {
    assert.equal(displayPath('/etc/hosts', ['/w']), '/etc/hosts');
    assert.equal(displayPath('/w2/a.ts', ['/w']), '/w2/a.ts');
    assert.deepEqual(approvalCard(command, ['/w/project']), { kind: 'command', tool: 'run_command', command: command.command, cwd: '/w/project' });
  });
});

describe('approval and fix messages in the protocol', () => {
  it('accepts well-formed cards and answers, and refuses forged or malformed ones', () => {
    assert.ok(hostToWebview.safeParse({ type: 'approvalRequest', id: 'ap-x-1', kind: 'command', tool: 'run_command', command: 'ls', cwd: '/w' }).success);
    assert.ok(!hostToWebview.safeParse({ type: 'approvalRequest', id: 'ap-x-1', kind: 'command', tool: 'run_command', path: '/w' }).success, 'fields of another kind');
    assert.ok(!hostToWebview.safeParse({ type: 'approvalRequest', id: 'ap-x-1', kind: 'edit', tool: 'e', path: 'a', isNew: false, added: 0, removed: 0, truncated: false, lines: [{ kind: 'add', text: 'x'.repeat(401) }] }).success);
    assert.ok(webviewToHost.safeParse({ type: 'approvalAnswer', id: 'ap-x-1', decision: 'always' }).success);
    assert.ok(webviewToHost.safeParse({ type: 'approvalAnswer', id: 'ap-x-1', decision: 'deny', reason: 'no' }).success);
    for (const bad of [
      { type: 'approvalAnswer', id: 'ap-x-1', decision: 'yes' },
      { type: 'approvalAnswer', id: '../../etc', decision: 'allow' },
      { type: 'approvalAnswer', id: 'ap-x-1', decision: 'deny', reason: 'x'.repeat(APPROVAL_LIMITS.reason + 1) },
      { type: 'approvalOpenDiff' },
      { type: 'fixContinue' },
    ]) assert.ok(!webviewToHost.safeParse(bad).success, JSON.stringify(bad));
    assert.ok(hostToWebview.safeParse({ type: 'entry', entry: { role: 'fixResult', id: 'e1', fixed: false, text: 'Still there', canContinue: true } }).success);
  });
});
