import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ChatController, type ChatEnvironment } from '../../../src/host/chatController';
import type { ChatCheckpoints } from '../../../src/host/checkpoints/chatCheckpoints';
import { transcriptRecorder } from '../../../src/core/session/transcript';
import { NodeTranscriptStore } from '../../../src/node/nodeTranscripts';
import { hostToWebview, webviewToHost, type HostToWebview } from '../../../src/shared/protocol';
import { MockAnthropicServer, plainMessages, reply } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from '../fakes';

describe('ChatController: rewind and fork', () => {
  let mock: MockAnthropicServer;
  let dir: string;
  let posted: HostToWebview[];
  let log: MemoryLogger;
  let opened: Array<{ sessionId: string; label: string }>;
  let rewound: string[];
  let answer: 'apply' | 'cancel';
  let chat: ChatController;
  let conversation: ReturnType<typeof testConversation>;

  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-fork-'));
    posted = [];
    opened = [];
    rewound = [];
    answer = 'apply';
    log = new MemoryLogger();
    const store = new NodeTranscriptStore(dir);
    const record = transcriptRecorder(store, { cwd: dir, model: () => 'claude-test' });
    conversation = testConversation(fakeAccess(mock.url), log, [], { record });
    const checkpoints: ChatCheckpoints = {
      open: async (sessionId, label) => (opened.push({ sessionId, label }), `cp-${opened.length}`),
      rewind: async (id) => {
        rewound.push(id);
        return answer === 'apply' ? { restored: 2, deleted: 1, leftAlone: 0, undoId: 'cp-undo' } : undefined;
      },
      readTranscript: (id) => store.read(id),
      record,
    };
    const env: ChatEnvironment = {
      hasApiKey: async () => true, model: () => 'claude-test', setApiKey: async () => {}, openSettings: async () => {}, checkpoints,
    };
    chat = new ChatController(conversation, env, log);
    chat.onDidPost((m) => {
      assert.ok(hostToWebview.safeParse(m).success, `host posted an invalid message: ${JSON.stringify(m)}`);
      posted.push(m);
    });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const userEntry = (text: string) => chat.transcript.find((e) => e.role === 'user' && e.text === text)!.id;
  const lastRequestTexts = () => plainMessages(mock.requests.at(-1)!.body.messages).map((m: { content: unknown }) => JSON.stringify(m.content));

  it('opens a checkpoint before each prompt, labelled with it, in the running session', async () => {
    mock.enqueue(reply('one'), reply('two'));
    await chat.submit('first');
    await chat.submit('second');
    assert.deepEqual(opened, [{ sessionId: conversation.id, label: 'first' }, { sessionId: conversation.id, label: 'second' }]);
  });

  it('the rewind message validates its mode and entry id', () => {
    assert.ok(webviewToHost.safeParse({ type: 'rewind', entryId: 'e1', mode: 'both' }).success);
    assert.equal(webviewToHost.safeParse({ type: 'rewind', entryId: 'e1', mode: 'everything' }).success, false);
    assert.equal(webviewToHost.safeParse({ type: 'rewind', entryId: '', mode: 'code' }).success, false);
  });

  it('"Rewind code to here" rewinds to that message\'s checkpoint and says so in a notice; a cancelled preview adds nothing', async () => {
    mock.enqueue(reply('one'), reply('two'));
    await chat.submit('fix the test');
    await chat.submit('now the docs');
    chat.receive({ type: 'rewind', entryId: userEntry('fix the test'), mode: 'code' });
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(rewound, ['cp-1']);
    const notice = posted.at(-1)!;
    assert.ok(notice.type === 'entry' && notice.entry.role === 'notice');
    assert.equal(notice.entry.text, "Rewound 3 files to before 'fix the test'");
    const id = conversation.id;
    answer = 'cancel';
    const before = posted.length;
    assert.equal(await chat.rewind(userEntry('now the docs'), 'both'), false);
    assert.deepEqual(rewound, ['cp-1', 'cp-2']);
    assert.equal(posted.length, before, 'nothing posted after a cancelled preview');
    assert.equal(conversation.id, id, 'a cancelled "both" does not fork either');
  });

  it('"Fork conversation from here" starts a new session whose history is everything before that message', async () => {
    mock.enqueue(reply('one'), reply('two'));
    await chat.submit('first');
    await chat.submit('second');
    const oldId = conversation.id;
    assert.equal(await chat.rewind(userEntry('second'), 'fork'), true);
    assert.notEqual(conversation.id, oldId);
    assert.deepEqual(conversation.messages.map((m) => m.role), ['user', 'assistant']);
    assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'assistant', 'notice']);
    const snapshot = [...posted].reverse().find((m) => m.type === 'snapshot');
    assert.ok(snapshot?.type === 'snapshot', 'the panel redraws with the new conversation');
    assert.deepEqual(snapshot.entries.map((e) => e.role), ['user', 'assistant', 'notice']);
    assert.deepEqual(rewound, [], 'a fork alone leaves the files alone');
    // The next request carries turn 1 and the new prompt, not turn 2.
    mock.enqueue(reply('three'));
    await chat.submit('another way');
    assert.deepEqual(lastRequestTexts(), ['"first"', '[{"type":"text","text":"one"}]', '"another way"']);
    // Both sessions have their transcript; the old one still has turn 2.
    assert.deepEqual(fs.readdirSync(dir).sort(), [`${conversation.id}.jsonl`, `${oldId}.jsonl`].sort());
    assert.match(fs.readFileSync(path.join(dir, `${oldId}.jsonl`), 'utf8'), /"second"/);
    assert.doesNotMatch(fs.readFileSync(path.join(dir, `${conversation.id}.jsonl`), 'utf8'), /"second"/);
  });

  it('a fork from before a /compact restores the full earlier history from the transcript', async () => {
    mock.enqueue(reply('one'), reply('two'), reply('<summary>They asked twice.</summary>'));
    await chat.submit('first');
    await chat.submit('second');
    assert.equal(await chat.compact(), true);
    assert.equal(conversation.messages.length < 4, true, 'the live history was compacted');
    assert.equal(await chat.rewind(userEntry('second'), 'fork'), true);
    assert.deepEqual(conversation.messages.map((m) => JSON.stringify(m.content)), ['"first"', '[{"type":"text","text":"one"}]']);
  });

  it('"both" rewinds the code, then forks', async () => {
    mock.enqueue(reply('one'), reply('two'));
    await chat.submit('first');
    await chat.submit('second');
    assert.equal(await chat.rewind(userEntry('second'), 'both'), true);
    assert.deepEqual(rewound, ['cp-2']);
    assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'assistant', 'notice']);
    assert.equal(conversation.messages.length, 2);
  });

  it('refuses an unknown message and a rewind while a turn runs', async () => {
    assert.equal(await chat.rewind('e999', 'code'), false);
    const error = posted.at(-1)!;
    assert.ok(error.type === 'error' && error.reason === 'rewind_failed');
    mock.enqueue(reply('slow answer '.repeat(50), { chunkSize: 4, delayMs: 10 }));
    const turn = chat.submit('first');
    while (!chat.busy) await new Promise((r) => setTimeout(r, 2));
    assert.equal(await chat.rewind(userEntry('first'), 'code'), false);
    assert.ok(posted.some((m) => m.type === 'error' && m.reason === 'busy'));
    chat.stop();
    await turn;
  });
});
