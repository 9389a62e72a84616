import * as assert from 'node:assert/strict';
import { ChatController } from '../../../src/host/chatController';
import { approvalCard } from '../../../src/host/approvals/approvalCard';
import { PanelApprovals } from '../../../src/host/approvals/panelApprovals';
import { hostToWebview, type HostToWebview } from '../../../src/shared/protocol';
import { MockAnthropicServer, reply } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from '../fakes';

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('ChatController: approval cards and fix results', () => {
  let mock: MockAnthropicServer;
  let posted: HostToWebview[];
  let log: MemoryLogger;
  let panel: PanelApprovals;
  let chat: ChatController;

  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    posted = [];
    log = new MemoryLogger();
    panel = new PanelApprovals();
    const access = fakeAccess(mock.url);
    chat = new ChatController(testConversation(access, log), {
      hasApiKey: async () => true, model: () => 'claude-test', setApiKey: async () => undefined, openSettings: async () => undefined, approvals: panel,
    }, log);
    chat.onDidPost((m) => {
      assert.ok(hostToWebview.safeParse(m).success, `invalid: ${JSON.stringify(m)}`);
      posted.push(m);
    });
  });
  afterEach(() => chat.dispose());

  it('a card reaches the panel; its answer from the webview reaches the approval, once', async () => {
    const answers: string[] = [];
    const card = panel.ask(approvalCard({ kind: 'command', tool: 'run_command', command: 'npm test', cwd: '/w' }, ['/w']), {
      answer: (d, r) => void answers.push(`${d}/${r}`),
    });
    assert.deepEqual(posted.map((m) => m.type), ['approvalRequest']);
    chat.receive({ type: 'approvalAnswer', id: card.id, decision: 'deny', reason: 'use the fast tests' });
    chat.receive({ type: 'approvalAnswer', id: card.id, decision: 'allow' });
    await tick();
    assert.deepEqual(answers, ['deny/use the fast tests']);
    assert.deepEqual(posted.at(-1), { type: 'approvalResolved', id: card.id, outcome: 'denied' });
    assert.match(log.lines.join('\n'), /warn ignored an answer to approval ap-.* it is not waiting for one/);
  });

  it('the webview cannot answer a question it was not asked', async () => {
    let called = false;
    panel.ask(approvalCard({ kind: 'read', tool: 'read_file', path: '/etc/hosts' }, []), { answer: () => void (called = true) });
    chat.receive({ type: 'approvalAnswer', id: 'ap-guess-1', decision: 'always' });
    chat.receive({ type: 'approvalAnswer', id: 'not-an-id', decision: 'allow' });
    await tick();
    assert.equal(called, false);
    assert.equal(panel.pending().length, 1);
  });

  it('a reloaded panel gets the snapshot, then the cards still waiting', async () => {
    const card = panel.ask(approvalCard({ kind: 'edit', tool: 'edit_file', path: '/w/a.ts', before: 'a\n', after: 'b\n' }, ['/w']), { answer: () => undefined });
    posted.length = 0;
    chat.receive({ type: 'ready' });
    await tick();
    const types = posted.map((m) => m.type);
    assert.ok(types.indexOf('snapshot') < types.indexOf('approvalRequest'), types.join());
    assert.equal(posted.filter((m) => m.type === 'approvalRequest').length, 1);
    chat.receive({ type: 'approvalOpenDiff', id: card.id }); // no openDiff handler: nothing happens, nothing throws
  });

  it('sendPrompt shows the short line in the panel and sends the full prompt to the model', async () => {
    mock.enqueue(reply('Done.'));
    const outcome = await chat.sendPrompt('Fix: boom (a.ts:3)', 'Fix this error in a.ts.\n<diagnostic>boom</diagnostic>');
    assert.equal(outcome?.state, 'completed');
    const started = posted.find((m) => m.type === 'turnStarted');
    assert.ok(started?.type === 'turnStarted' && started.text === 'Fix: boom (a.ts:3)');
    assert.match(JSON.stringify(mock.requests.at(-1)!.body.messages.at(-1)), /<diagnostic>boom<\/diagnostic>/);
    assert.deepEqual(chat.transcript[0], { role: 'user', id: chat.transcript[0].id, text: 'Fix: boom (a.ts:3)' });
  });

  it('a fix result with Continue runs its follow-up once; one without Continue has no button to press', async () => {
    let continued = 0;
    const still = chat.addFixResult({ fixed: false, text: 'Still there: the error at a.ts:3' }, () => void continued++);
    const fixed = chat.addFixResult({ fixed: true, text: 'Fixed: the error at a.ts:3 is gone.' });
    assert.deepEqual(posted.filter((m) => m.type === 'entry').map((m) => m.type === 'entry' && m.entry), [
      { role: 'fixResult', id: still.id, fixed: false, text: 'Still there: the error at a.ts:3', canContinue: true },
      { role: 'fixResult', id: fixed.id, fixed: true, text: 'Fixed: the error at a.ts:3 is gone.', canContinue: false },
    ]);
    chat.receive({ type: 'fixContinue', entryId: still.id });
    chat.receive({ type: 'fixContinue', entryId: still.id });
    chat.receive({ type: 'fixContinue', entryId: fixed.id });
    await tick();
    assert.equal(continued, 1);
  });
});
