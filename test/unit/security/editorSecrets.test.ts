/**
 * Proves: on the editor side, the API key never appears in what the chat panel is sent (every
 * host->webview message, snapshots included), what the controller stores as workspace state (the
 * memento behind `openSession`), the log (the Output channel's lines), the panel's error entries,
 * the transcript files, or the errors a model call throws. Turns run through the real SDK against
 * the mock server: a working turn with a tool call, a 401 (the key is not one the server accepts),
 * a 401 from a proxy that quotes the key back in its error body, and a network error (the server
 * is gone). The key and its last 8 characters are looked for everywhere. A static check of
 * src/host/modelAccess.ts adds: the key goes only to SecretStorage, never to a log, a setting,
 * the webview, or a message.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { z } from 'zod';
import { streamMessage } from '../../../src/core/model/modelClient';
import { transcriptRecorder } from '../../../src/core/session/transcript';
import { defineTool } from '../../../src/core/tools/tool';
import { ChatController } from '../../../src/host/chatController';
import { modelChoices, type ComposerEnvironment } from '../../../src/host/composerEnvironment';
import { SessionService } from '../../../src/host/sessions/sessionService';
import { NodeTranscriptStore } from '../../../src/node/nodeTranscripts';
import { hostToWebview, type HostToWebview } from '../../../src/shared/protocol';
import { MockAnthropicServer, apiError, reply, requestKey, toolCall } from '../../fixtures/mockAnthropic';
import { MemoryLogger, testConversation } from '../fakes';
import { count } from './figures';

const KEY = 'sk-ant-api03-REVERIE-TEST-SECRET-0123456789abcdef';
const TAIL = KEY.slice(-8);

/** Fails if `text` holds the key or its last 8 characters. */
function assertNoKey(text: string, where: string): void {
  count('secrets', 'checks');
  assert.ok(!text.includes(KEY), `${where} holds the API key`);
  assert.ok(!text.includes(TAIL), `${where} holds the key's last 8 characters`);
}

const echoTool = defineTool({
  name: 'echo_back', description: 'echoes', readOnly: true, input: z.object({ path: z.string() }),
  run: async (i) => ({ content: `contents of ${i.path}` }),
});

describe('security: the API key never leaks on the editor side (panel, state, log, errors)', function () {
  this.timeout(60_000);
  let mock: MockAnthropicServer;
  let other: MockAnthropicServer;
  let dir: string;
  let baseUrl: string;
  let posted: HostToWebview[];
  let memento: Map<string, unknown>;
  let log: MemoryLogger;
  let chat: ChatController;

  before(async () => {
    mock = await MockAnthropicServer.start({ apiKeys: [KEY] });
    other = await MockAnthropicServer.start({ apiKeys: ['sk-ant-api03-some-other-key'] });
  });
  after(async () => {
    await mock.close();
    await other.close();
  });
  beforeEach(() => {
    mock.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-editor-secrets-'));
    baseUrl = mock.url;
    posted = [];
    memento = new Map();
    log = new MemoryLogger();
    const access = { apiKey: async () => KEY, baseUrl: () => baseUrl, model: () => 'claude-test' };
    const transcripts = path.join(dir, 'sessions');
    const composer: ComposerEnvironment = {
      mentionItems: async () => [],
      expandMentions: async (text) => text,
      state: () => ({ mode: 'ask', model: 'claude-test', models: modelChoices('claude-test') }),
      setMode: async () => true,
      setModel: async () => undefined,
      onStateChanged: () => ({ dispose: () => undefined }),
      sessions: new SessionService({ dir: () => transcripts }),
      confirm: async () => true,
      dreamNow: async () => undefined,
      openSession: { get: () => memento.get('reverie.openSession') as string | undefined, set: (id) => void memento.set('reverie.openSession', id) },
    };
    const conversation = testConversation(access, log, [echoTool], {
      record: transcriptRecorder(new NodeTranscriptStore(transcripts), { cwd: dir, model: () => 'claude-test' }),
      sessionDir: () => path.join(dir, 'session'),
    });
    chat = new ChatController(conversation, {
      hasApiKey: async () => true, model: () => 'claude-test', setApiKey: async () => undefined, openSettings: async () => undefined, composer,
    }, log);
    chat.onDidPost((m) => {
      assert.ok(hostToWebview.safeParse(m).success, `invalid: ${JSON.stringify(m)}`);
      posted.push(m);
    });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Everything the editor side left behind: panel messages (and a fresh snapshot), state, log, transcript files. */
  const assertNothingLeaked = async (what: string) => {
    chat.receive({ type: 'ready' });
    await chat.handled();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(posted.some((m) => m.type === 'snapshot'), 'a snapshot was sent');
    posted.forEach((m, i) => assertNoKey(JSON.stringify(m), `${what}: panel message ${i} (${m.type})`));
    assertNoKey(JSON.stringify([...memento]), `${what}: workspace state`);
    assertNoKey(JSON.stringify(chat.transcript), `${what}: the panel's entries`);
    assertNoKey(log.lines.join('\n'), `${what}: the log`);
    for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile())) {
      assertNoKey(fs.readFileSync(f, 'utf8'), `${what}: ${path.relative(dir, f)}`);
    }
  };
  const errorsPosted = () => posted.filter((m) => m.type === 'error');

  it('a working turn with a tool call', async () => {
    mock.enqueue(toolCall('echo_back', { path: 'math.js' }), reply('Done.'));
    const outcome = await chat.submit('Read math.js');
    assert.equal(outcome?.state, 'completed');
    assert.equal(requestKey(mock.requests[0].headers), KEY, 'the key was really sent');
    assert.ok(posted.some((m) => m.type === 'toolUpdate'), 'the tool ran');
    assert.ok(fs.readdirSync(path.join(dir, 'sessions')).some((f) => f.endsWith('.jsonl')), 'a transcript was written');
    assert.ok(memento.get('reverie.openSession'), 'the open session was stored');
    await assertNothingLeaked('working turn');
  });

  it('a 401 for a key the server does not accept: the panel error, the outcome and the log', async () => {
    baseUrl = other.url;
    const outcome = await chat.submit('hi');
    assert.equal(outcome?.error?.reason, 'auth');
    assert.equal(requestKey(other.requests.at(-1)!.headers), KEY, 'the key was really sent, and refused');
    assert.ok(errorsPosted().some((m) => m.type === 'error' && m.reason === 'auth' && m.action === 'setApiKey'));
    assertNoKey(inspect(outcome, { depth: 10 }) + String(outcome?.error?.stack), '401: the outcome and its error');
    await assertNothingLeaked('401');
  });

  it('a 401 from a proxy that quotes the key back: neither the panel nor the log repeats it', async () => {
    mock.enqueue(apiError(401, 'authentication_error', `invalid x-api-key: ${KEY}`));
    const outcome = await chat.submit('hi');
    assert.equal(outcome?.error?.reason, 'auth');
    assertNoKey(inspect(outcome?.error, { depth: 10 }) + String(outcome?.error?.detail), 'quoted 401: the error and its detail');
    assert.ok(log.lines.some((l) => /authentication_error/.test(l)), `the failure is logged: ${log.lines.join(' | ')}`);
    await assertNothingLeaked('quoted 401');
  });

  it('a network error (the server is gone): retries, the panel error and the log', async () => {
    const gone = await MockAnthropicServer.start();
    baseUrl = gone.url;
    await gone.close();
    const outcome = await chat.submit('hi');
    assert.equal(outcome?.error?.reason, 'network');
    assert.ok(errorsPosted().some((m) => m.type === 'error' && m.reason === 'network'));
    assertNoKey(inspect(outcome, { depth: 10 }), 'network: the outcome');
    await assertNothingLeaked('network error');
  });

  it('errors a model call throws (401, quoted 401, network) do not carry the key', async () => {
    const call = async (url: string) => {
      try {
        await streamMessage({ apiKey: KEY, baseUrl: url, maxRetries: 0, logger: log }, { model: 'claude-test', system: 'test', maxTokens: 10, messages: [{ role: 'user', content: 'hi' }] }, new AbortController().signal);
      } catch (err) {
        return err as Error & { detail?: string };
      }
      throw new Error('the call did not fail');
    };
    const gone = await MockAnthropicServer.start();
    const goneUrl = gone.url;
    await gone.close();
    mock.enqueue(apiError(401, 'authentication_error', `invalid x-api-key: ${KEY}`));
    for (const [what, url] of [['401', other.url], ['quoted 401', mock.url], ['network', goneUrl]] as const) {
      const err = await call(url);
      assertNoKey(`${err.message}\n${err.stack}\n${err.detail}\n${inspect(err, { depth: 10, showHidden: true })}`, `${what}: the thrown error`);
    }
    assertNoKey(log.lines.join('\n'), 'the log of those calls');
  });

  it('modelAccess.ts: the key goes only to SecretStorage, never to a log, a setting, the webview or a message', () => {
    const src = fs.readFileSync(path.join(__dirname, '../../../../src/host/modelAccess.ts'), 'utf8');
    count('secrets', 'checks');
    assert.match(src, /secrets\.store\(SECRET_KEY, key\)/, 'stored in SecretStorage');
    assert.match(src, /password: true/, 'typed into a password box');
    // No line that handles the key value writes it anywhere else.
    const keyLines = src.split('\n').filter((l) => /\b(key|stored)\b/.test(l) && !/^\s*(\*|\/\/|\/\*)/.test(l));
    for (const line of keyLines) {
      assert.doesNotMatch(line, /console\.|\.(info|warn|error|debug|appendLine)\(|\.update\(|postMessage|show\w*Message\((?!'[^']*'\))/, `the key may leak: ${line.trim()}`);
    }
  });
});
