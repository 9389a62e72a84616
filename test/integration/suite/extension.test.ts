import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReverieApi } from '../../../src/extension';
import { MockAnthropicServer, overloadedUntilGivenUp, reply, requestKey, stallAfter, unauthorized } from '../../fixtures/mockAnthropic';
import { EXTENSION_ID, activateReverie, recordPosts, until } from './helpers';

describe('Reverie in a real VS Code extension host', () => {
  let api: ReverieApi;
  let mock: MockAnthropicServer;
  const config = () => vscode.workspace.getConfiguration('reverie');

  before(async () => {
    mock = await MockAnthropicServer.start({ apiKeys: ['integration-key'] });
    api = await activateReverie();
    await config().update('baseUrl', mock.url, vscode.ConfigurationTarget.Global);
    process.env.ANTHROPIC_API_KEY = 'integration-key'; // the extension host is this process
  });
  after(async () => {
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('model', undefined, vscode.ConfigurationTarget.Global);
    delete process.env.ANTHROPIC_API_KEY;
    await mock.close();
  });
  beforeEach(async () => {
    mock.reset();
    await api.chat.newConversation();
  });

  it('runs in VS Code 1.100 or newer, with the test workspace open', () => {
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major > 1 || minor >= 100, vscode.version);
    assert.equal(vscode.workspace.workspaceFolders?.length, 1);
  });

  it('registers every command it contributes', async () => {
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    const all = new Set(await vscode.commands.getCommands(true));
    const missing = pkg.contributes.commands.map((c: { command: string }) => c.command).filter((id: string) => !all.has(id));
    assert.deepEqual(missing, []);
  });

  it('opening the Reverie container resolves the chat webview, whose script loads under the CSP and asks for a snapshot', async () => {
    const rec = recordPosts(api);
    try {
      await vscode.commands.executeCommand('workbench.view.extension.reverie');
      await until(() => api.chatView.isResolved, 20_000, 'the chat view to resolve');
      // The snapshot is the host's answer to the webview's "ready": only a running panel script sends that.
      await until(() => rec.posts.some((m) => m.type === 'snapshot'), 20_000, 'the panel script to say ready');
      const snap = rec.posts.find((m) => m.type === 'snapshot');
      assert.ok(snap?.type === 'snapshot' && snap.hasApiKey);
    } finally {
      rec.dispose();
    }
  });

  it('shows the Reverie Memory view in the Explorer with its groups', async () => {
    await vscode.commands.executeCommand('reverie.memory.focus');
    const groups = api.memoryTree.getChildren();
    const labels = await Promise.all(groups.map(async (g) => (await api.memoryTree.getTreeItem(g)).label));
    assert.deepEqual(labels, ['Instructions', 'Memory', 'Skills', 'Sessions']);
  });

  it('a message sent through the host reaches the mock API with the configured model and key, and streams back', async () => {
    await config().update('model', 'claude-integration-model', vscode.ConfigurationTarget.Global);
    mock.enqueue(reply('Streamed **through** the real extension host.', { chunkSize: 4, delayMs: 5 }));
    const rec = recordPosts(api);
    try {
      const outcome = await api.chat.submit('hello from the integration test');
      assert.equal(outcome?.state, 'completed');
      assert.equal(mock.requests.length, 1);
      assert.equal(mock.requests[0].body.model, 'claude-integration-model');
      assert.equal(requestKey(mock.requests[0].headers), 'integration-key');
      const opening = mock.requests[0].body.messages[0].content;
      assert.equal(opening.at(-1).text, 'hello from the integration test');
      assert.match(opening[0].text, /^<system-reminder>/, 'memory and instructions come first, as a reminder');
      const text = rec.posts.filter((m) => m.type === 'textDelta').map((m) => (m.type === 'textDelta' ? m.text : '')).join('');
      assert.equal(text, 'Streamed **through** the real extension host.');
    } finally {
      rec.dispose();
    }
  });

  it('without any key, the panel is told so and offered Set API Key', async () => {
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    const rec = recordPosts(api);
    try {
      await api.chat.submit('hi');
      const err = rec.posts.find((m) => m.type === 'error');
      assert.ok(err?.type === 'error' && err.reason === 'no_api_key' && err.action === 'setApiKey', JSON.stringify(err));
      assert.equal(mock.requests.length, 0);
    } finally {
      process.env.ANTHROPIC_API_KEY = saved;
      rec.dispose();
    }
  });

  it('a rejected key and an overloaded API each reach the panel as a clear error', async () => {
    mock.enqueue(unauthorized(), ...overloadedUntilGivenUp());
    const rec = recordPosts(api);
    try {
      await api.chat.submit('one');
      await api.chat.submit('two');
      const errors = rec.posts.filter((m) => m.type === 'error').map((m) => (m.type === 'error' ? `${m.reason}:${m.action}` : ''));
      assert.deepEqual(errors, ['auth:setApiKey', 'overloaded:retry']);
    } finally {
      rec.dispose();
    }
  });

  it('"Reverie: Stop" aborts a stalled stream at once and keeps the partial answer', async () => {
    mock.enqueue(stallAfter(5, 'Partial words that stop arriving'));
    const rec = recordPosts(api);
    try {
      const turn = api.chat.submit('stall please');
      await until(() => rec.posts.some((m) => m.type === 'textDelta'), 10_000, 'the first delta');
      await vscode.commands.executeCommand('reverie.stop');
      const outcome = await turn;
      assert.equal(outcome?.state, 'aborted_streaming');
      const answer = api.chat.transcript.find((e) => e.role === 'assistant');
      assert.ok(answer?.role === 'assistant' && answer.text.length > 0 && answer.status === 'stopped');
      await until(() => mock.requests[0].clientAborted, 5_000, 'the server to see the hang-up');
    } finally {
      rec.dispose();
    }
  });

  it('"Reverie: New Conversation" clears the panel and the history', async () => {
    mock.enqueue(reply('first'), reply('second'));
    await api.chat.submit('remember this');
    await vscode.commands.executeCommand('reverie.newConversation');
    assert.equal(api.chat.transcript.length, 0);
    await api.chat.submit('fresh start');
    const sent = mock.requests[1].body.messages;
    assert.equal(sent.length, 1, 'nothing of the old conversation');
    assert.equal(sent[0].content.at(-1).text, 'fresh start');
  });

  it('writes to its "Reverie" output channel, and never the API key', async () => {
    mock.enqueue(reply('logged'));
    await api.chat.submit('log check');
    const runDir = process.env.REVERIE_RUN_DIR;
    assert.ok(runDir, 'the runner passes REVERIE_RUN_DIR');
    let text: string | undefined;
    await until(() => (text = findReverieLog(path.join(runDir, 'user', 'logs')))?.includes('run ended: completed') ?? false, 10_000, 'the log line');
    assert.ok(!text!.includes('integration-key'));
  });
});

/** The Reverie output channel's log file under this run's VS Code log folder. */
function findReverieLog(root: string): string | undefined {
  if (!fs.existsSync(root)) return undefined;
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (/Reverie\.log$/.test(e.name)) return fs.readFileSync(p, 'utf8');
    }
  }
  return undefined;
}
