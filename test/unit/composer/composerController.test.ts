import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { messageRecord, sessionHeader } from '../../../src/core/session/transcript';
import type { PermissionMode } from '../../../src/core/permissions/types';
import { NodeTranscriptStore } from '../../../src/node/nodeTranscripts';
import { ChatController } from '../../../src/host/chatController';
import { modelChoices, type ComposerEnvironment } from '../../../src/host/composerEnvironment';
import { SessionService } from '../../../src/host/sessions/sessionService';
import { hostToWebview, type HostToWebview } from '../../../src/shared/protocol';
import { MockAnthropicServer, plainMessages, reply } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from '../fakes';

let chatForSettle: ChatController | undefined;
/** The controller's handlers finished (sessions are files: a loaded machine takes a while), then a tick. */
const settle = async () => {
  await chatForSettle?.handled();
  await new Promise((r) => setTimeout(r, 20));
};

describe('ChatController with the composer: mentions, mode, model, sessions', () => {
  let mock: MockAnthropicServer;
  let dir: string;
  let posted: HostToWebview[];
  let chat: ChatController;
  let mode: PermissionMode;
  let confirmAnswer: boolean;
  let listeners: Array<() => void>;
  let setModes: PermissionMode[];

  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());
  beforeEach(async () => {
    mock.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-composer-'));
    const store = new NodeTranscriptStore(dir);
    const msgs: MessageParam[] = [
      { role: 'user', content: 'where is the parser?' },
      { role: 'assistant', content: [{ type: 'text', text: 'In src/parse.ts.' }] },
    ];
    await store.writer('saved-000001').append([sessionHeader('saved-000001', '/w'), ...msgs.map((m) => messageRecord(m))]);
    posted = [];
    mode = 'ask';
    confirmAnswer = true;
    listeners = [];
    setModes = [];
    const composer: ComposerEnvironment = {
      mentionItems: async (q) => [{ kind: 'file', label: `src/${q}.js`, insert: `src/${q}.js` }],
      expandMentions: async (text) => `${text}\n\n[expanded]`,
      state: () => ({ mode, model: 'claude-test', models: modelChoices('claude-test') }),
      setMode: async (m) => {
        setModes.push(m);
        if (m === 'bypass') return false; // the user declined the confirmation
        mode = m;
        listeners.forEach((l) => l());
        return true;
      },
      setModel: async () => undefined,
      onStateChanged: (l) => (listeners.push(l), { dispose: () => undefined }),
      sessions: new SessionService({ dir: () => dir }),
      confirm: async () => confirmAnswer,
      dreamNow: async () => undefined,
    };
    const log = new MemoryLogger();
    chat = new ChatController(testConversation(fakeAccess(mock.url), log), {
      hasApiKey: async () => true, model: () => 'claude-test', setApiKey: async () => undefined, openSettings: async () => undefined,
      userSkills: () => [{ name: 'explain-file', description: 'Explain a file', source: 'project' }],
      composer,
    }, log);
    chatForSettle = chat;
    chat.onDidPost((m) => {
      assert.ok(hostToWebview.safeParse(m).success, `invalid: ${JSON.stringify(m)}`);
      posted.push(m);
    });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const last = <T extends HostToWebview['type']>(type: T) => posted.filter((m) => m.type === type).at(-1) as Extract<HostToWebview, { type: T }> | undefined;

  it('answers a mention query with the same requestId, and sends the expanded prompt while the panel shows what was typed', async () => {
    chat.receive({ type: 'mentionQuery', requestId: 7, query: 'math' });
    await settle();
    assert.deepEqual(last('mentionItems'), { type: 'mentionItems', requestId: 7, items: [{ kind: 'file', label: 'src/math.js', insert: 'src/math.js' }] });
    mock.enqueue(reply('ok'));
    await chat.submit('look at @src/math.js');
    assert.equal(plainMessages(mock.requests.at(-1)!.body.messages).at(-1).content, 'look at @src/math.js\n\n[expanded]');
    assert.equal(last('turnStarted')!.text, 'look at @src/math.js');
  });

  it('posts the mode and model after the snapshot and when the mode changes; a declined bypass puts the switch back', async () => {
    chat.receive({ type: 'ready' });
    await settle();
    const types = posted.map((m) => m.type);
    assert.ok(types.indexOf('composerState') > types.indexOf('snapshot'));
    assert.deepEqual(last('composerState'), { type: 'composerState', mode: 'ask', model: 'claude-test', models: ['claude-test', ...modelChoices('x').slice(1)] });
    chat.receive({ type: 'setMode', mode: 'plan' });
    await settle();
    assert.equal(last('composerState')!.mode, 'plan');
    posted = [];
    chat.receive({ type: 'setMode', mode: 'bypass' });
    await settle();
    assert.deepEqual(setModes, ['plan', 'bypass']);
    assert.equal(last('composerState')!.mode, 'plan', 'the panel is told the mode in force');
  });

  it('/skills lists the skills, /dream and /skills are offered by the completion', async () => {
    await chat.submit('/skills');
    const notice = chat.transcript.at(-1)!;
    assert.ok(notice.role === 'notice' && /\/explain-file \(project\): Explain a file/.test(notice.text));
    chat.postCommands();
    const names = last('commands')!.commands.map((c) => c.name);
    assert.ok(names.includes('dream') && names.includes('skills'), names.join());
    assert.equal(mock.requests.length, 0, 'no model call');
  });

  it('resumes a saved session: the model continues its history and the panel shows its messages', async () => {
    chat.receive({ type: 'listSessions', requestId: 3, query: '' });
    await settle();
    assert.deepEqual(last('sessions')!.sessions.map((s) => [s.id, s.title]), [['saved-000001', 'where is the parser?']]);
    chat.receive({ type: 'resumeSession', id: 'saved-000001' });
    await settle();
    assert.deepEqual(last('snapshot')!.entries.map((e) => [e.role, 'text' in e ? e.text : '']), [['user', 'where is the parser?'], ['assistant', 'In src/parse.ts.']]);
    mock.enqueue(reply('Its tests are in test/.'));
    await chat.submit('and its tests?');
    const sent = plainMessages(mock.requests.at(-1)!.body.messages);
    assert.equal(sent.length, 3);
    assert.equal(sent[0].content, 'where is the parser?');
    const file = fs.readFileSync(path.join(dir, 'saved-000001.jsonl'), 'utf8');
    assert.equal(file.split('\n').filter(Boolean).length, 3, 'the saved file is not rewritten (no conversation recorder in this test)');
  });

  it('resuming a transcript with an unreadable line says so in the panel, and leaves the file as it is', async () => {
    const file = path.join(dir, 'saved-000001.jsonl');
    fs.appendFileSync(file, '{"type":"message","message":{"role":"assistant","content":[{"ty\n');
    const before = fs.readFileSync(file, 'utf8');
    chat.receive({ type: 'resumeSession', id: 'saved-000001' });
    await settle();
    const entries = last('snapshot')!.entries;
    assert.deepEqual(entries.slice(0, 2).map((e) => e.role), ['user', 'assistant'], 'the readable messages are restored');
    const notice = entries.at(-1)!;
    assert.ok(notice.role === 'notice' && /^1 unreadable line was skipped in this session's transcript/.test(notice.text), JSON.stringify(notice));
    assert.equal(fs.readFileSync(file, 'utf8'), before);
  });

  it('deletes only after the confirmation; deleting the session on screen starts a new one', async () => {
    confirmAnswer = false;
    chat.receive({ type: 'deleteSession', id: 'saved-000001' });
    await settle();
    assert.ok(fs.existsSync(path.join(dir, 'saved-000001.jsonl')), 'declined: kept');
    chat.receive({ type: 'resumeSession', id: 'saved-000001' });
    await settle();
    confirmAnswer = true;
    chat.receive({ type: 'listSessions', requestId: 4, query: '' });
    chat.receive({ type: 'deleteSession', id: 'saved-000001' });
    await settle();
    assert.ok(!fs.existsSync(path.join(dir, 'saved-000001.jsonl')));
    assert.equal(posted.at(-1)!.type, 'sessions', 'the view gets the new list');
    assert.deepEqual(last('sessions')!.sessions, []);
    assert.ok(posted.some((m) => m.type === 'cleared'), 'the panel starts over');
    assert.equal(chat.transcript.length, 0);
  });

  it('renames and answers with the updated list', async () => {
    chat.receive({ type: 'listSessions', requestId: 5, query: '' });
    chat.receive({ type: 'renameSession', id: 'saved-000001', title: 'Parser hunt' });
    await settle();
    assert.deepEqual(last('sessions'), { type: 'sessions', requestId: 5, query: '', sessions: [{ ...last('sessions')!.sessions[0], title: 'Parser hunt' }] });
    assert.equal(last('sessions')!.sessions[0].title, 'Parser hunt');
  });
});
