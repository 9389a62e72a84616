import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DREAM_LOCK_FILE, DREAM_LOG_FILE, type DreamFileChange, type DreamOutcome, type DreamProposal } from '../../../src/core/dream/types';
import type { ReverieApi } from '../../../src/extension';
import { memoryPlaces } from '../../../src/host/agentHost';
import { proposedMessage } from '../../../src/host/dream/dreamReview';
import { DREAM_SCHEME } from '../../../src/host/dream/dreamReviewView';
import { MockAnthropicServer, reply, toolCall, type MockStep } from '../../fixtures/mockAnthropic';
import { activateReverie, until } from './helpers';

/** A memory folder with two topics that say the same thing and one that a newer topic contradicts. */
const SEED: Record<string, string> = {
  'MEMORY.md': [
    '- [Run the tests](run-tests.md) — how to run the test suite',
    '- [Test command](test-command.md) — the command that runs the tests',
    '- [Dev server port](old-port.md) — the dev server listens on port 3000',
    '- [Dev server](dev-server.md) — start it with npm run dev; port 8080',
    '',
  ].join('\n'),
  'run-tests.md': '---\nname: Run the tests\ndescription: how to run the test suite\ntype: project\n---\n\nRun `npm test` from the repository root.\n',
  'test-command.md': '---\nname: Test command\ndescription: the command that runs the tests\ntype: project\n---\n\nThe tests run with `npm test`; mocha is the runner.\n',
  'old-port.md': '---\nname: Dev server port\ndescription: the dev server listens on port 3000\ntype: project\n---\n\nThe dev server listens on port 3000.\n',
  'dev-server.md': '---\nname: Dev server\ndescription: start it with npm run dev; port 8080\ntype: project\n---\n\nStart it with `npm run dev`. Since the config change on 2026-03-02 it listens on port 8080.\n',
};

const MERGED = '---\nname: Run the tests\ndescription: how to run the test suite (npm test, mocha)\ntype: project\n---\n\nRun `npm test` from the repository root; mocha is the runner.\n';
const INDEX = [
  '- [Run the tests](run-tests.md) — how to run the test suite (npm test, mocha)',
  '- [Dev server](dev-server.md) — start it with npm run dev; port 8080',
  '',
].join('\n');

const REASONS = {
  merged: 'run-tests.md and test-command.md said the same thing',
  contradicted: 'contradicted by dev-server.md: the port is 8080 since 2026-03-02',
};

/** The dream, as the model would run it: read everything, merge, delete the duplicate and the contradicted file, fix the index, report. */
function scriptedDream(): MockStep[] {
  const reads: MockStep = {
    kind: 'message',
    stopReason: 'tool_use',
    content: Object.keys(SEED).map((file, i) => ({ type: 'tool_use', id: `toolu_read_${i}`, name: 'read_file', input: { path: file } })),
  };
  const report = {
    summary: 'Merged the two notes on running the tests; removed the outdated dev server port.',
    changes: [
      { file: 'run-tests.md', action: 'merged', reason: REASONS.merged, mergedFrom: ['test-command.md'] },
      { file: 'test-command.md', action: 'deleted', reason: 'merged into run-tests.md' },
      { file: 'old-port.md', action: 'deleted', reason: REASONS.contradicted },
      { file: 'MEMORY.md', action: 'updated', reason: 'removed the pointers to the deleted files' },
    ],
  };
  return [
    reads,
    toolCall('write_file', { path: 'run-tests.md', content: MERGED }),
    toolCall('delete_file', { path: 'test-command.md' }),
    toolCall('delete_file', { path: 'old-port.md' }),
    toolCall('write_file', { path: 'MEMORY.md', content: INDEX }),
    reply(`Done.\n\n\`\`\`json\n${JSON.stringify(report)}\n\`\`\`\n`),
  ];
}

/** Every file of the memory folder but dreaming's own (the log only grows; the lock's time is the last dream). */
function folderState(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (child !== DREAM_LOG_FILE && child !== DREAM_LOCK_FILE) out[child] = fs.readFileSync(path.join(dir, child)).toString('base64');
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out;
}

describe('Dreaming in the running extension', () => {
  let api: ReverieApi;
  let mock: MockAnthropicServer;
  let dir: string;
  let original: Record<string, string>;
  let seeded: Record<string, string>;
  let proposal: DreamProposal;
  const config = () => vscode.workspace.getConfiguration('reverie');

  before(async () => {
    mock = await MockAnthropicServer.start({ apiKeys: ['dream-key'] });
    api = await activateReverie();
    await config().update('baseUrl', mock.url, vscode.ConfigurationTarget.Global);
    process.env.ANTHROPIC_API_KEY = 'dream-key';
    dir = memoryPlaces().projectDir;
    original = folderState(dir);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries(SEED)) fs.writeFileSync(path.join(dir, file), text);
    seeded = folderState(dir);
  });
  after(async () => {
    await api.dream.reject(); // nothing pending unless a test failed half way
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    delete process.env.ANTHROPIC_API_KEY;
    await mock.close();
    // Leave the memory folder as the other suites found it.
    for (const file of Object.keys(folderState(dir))) if (!(file in original)) fs.rmSync(path.join(dir, file));
    for (const [file, b64] of Object.entries(original)) fs.writeFileSync(path.join(dir, file), Buffer.from(b64, 'base64'));
    fs.rmSync(path.join(dir, DREAM_LOG_FILE), { force: true });
    fs.rmSync(path.join(memoryPlaces().transcripts, 'dreamtest-earlier-session.jsonl'), { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  // First in this suite, and before any other suite completes a turn (they run in file name order):
  // the gate counts sessions at most every 10 minutes, so the first completed turn must be the due one.
  it('after a completed turn, a due dream runs in the background and leaves a proposal to review', async function () {
    this.timeout(60_000);
    await config().update('dream.minSessions', 1, vscode.ConfigurationTarget.Global);
    await config().update('dream.minHours', 1, vscode.ConfigurationTarget.Global);
    try {
      // One earlier session (the current one does not count), and no dream yet.
      const transcripts = memoryPlaces().transcripts;
      fs.mkdirSync(transcripts, { recursive: true });
      fs.writeFileSync(path.join(transcripts, 'dreamtest-earlier-session.jsonl'), '');
      mock.reset();
      mock.enqueue(reply('Hello.'), ...scriptedDream());
      await api.chat.newConversation();
      await api.chat.submit('Hi');
      await until(() => api.dream.review !== undefined, 30_000, 'a background dream to propose a change');
      assert.equal(mock.pending, 0);
      assert.ok(JSON.stringify(mock.requests[1].body.messages[0]).includes('dreamtest-earlier-session'), 'the dream was told about the earlier session');
      assert.equal(api.dream.lastNotice, 'Reverie dreamed: 1 merged, 1 pruned, 1 updated.');
      assert.deepEqual(folderState(dir), seeded, 'nothing is applied without review');
      await vscode.commands.executeCommand('reverie.dream.rejectAll');
      assert.equal(api.dream.review, undefined);
      // The dream just ran: the next turn does not start another.
      mock.enqueue(reply('Again.'));
      await api.chat.submit('Hi again');
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(api.dream.dreaming, false);
      assert.equal(mock.requests.length, 1 + scriptedDream().length + 1);
    } finally {
      await config().update('dream.minSessions', undefined, vscode.ConfigurationTarget.Global);
      await config().update('dream.minHours', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Dream Now proposes the merge and the prune; the review view lists each file with its kind and reason', async function () {
    this.timeout(60_000);
    mock.reset();
    mock.enqueue(...scriptedDream());
    const outcome = await vscode.commands.executeCommand<DreamOutcome>('reverie.dream.now');
    assert.equal(outcome?.status, 'proposed', JSON.stringify(outcome));
    proposal = (outcome as Extract<DreamOutcome, { status: 'proposed' }>).proposal;
    assert.equal(mock.pending, 0, 'the whole script was used');
    // The dream worked on a staging copy: the real folder is untouched until the user accepts.
    assert.deepEqual(folderState(dir), seeded);

    const kinds = Object.fromEntries(proposal.changes.map((c) => [c.file, c.kind]));
    assert.deepEqual(kinds, { 'MEMORY.md': 'modified', 'old-port.md': 'deleted', 'run-tests.md': 'modified', 'test-command.md': 'deleted' });
    assert.deepEqual(proposal.counts, { merged: 1, pruned: 1, updated: 1, created: 0 });
    // What the notification said (notifications cannot be read back through the API).
    assert.equal(api.dream.lastNotice, proposedMessage(proposal, false).text);
    assert.equal(api.dream.lastNotice, 'Reverie dreamed: 1 merged, 1 pruned, 1 updated.');

    const view = api.dream.view;
    const items = await Promise.all(view.getChildren().map((c) => view.getTreeItem(c)));
    const row = (file: string) => items.find((i) => i.label === file)!;
    assert.deepEqual(items.map((i) => i.label).sort(), ['MEMORY.md', 'old-port.md', 'run-tests.md', 'test-command.md']);
    assert.equal(row('old-port.md').description, `deleted · ${REASONS.contradicted}`);
    assert.equal(row('run-tests.md').description, `modified · ${REASONS.merged}`);
    assert.equal((row('old-port.md').iconPath as vscode.ThemeIcon).id, 'diff-removed');
    const tooltip = row('run-tests.md').tooltip as vscode.MarkdownString;
    assert.equal(tooltip.isTrusted, false);
    // Plain text in markdown: VS Code escapes it (spaces become &nbsp;, brackets are backslashed).
    assert.match(tooltip.value.replace(/&nbsp;/g, ' '), /Merged from: test-command\.md/);

    // The view is shown only while a proposal is pending: focusing it works now.
    await vscode.commands.executeCommand('reverie.dream.review');
    await until(() => view.view.visible, 10_000, 'the Reverie Dream Review view to show');
  });

  it('clicking a file opens the diff of the memory file against the dream\'s read-only text', async () => {
    const change = proposal.changes.find((c) => c.file === 'run-tests.md')!;
    await vscode.commands.executeCommand('reverie.dream.openDiff', change);
    await until(() => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff, 10_000, 'a diff editor');
    const input = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    assert.equal(input.original.fsPath, path.join(dir, 'run-tests.md'));
    assert.equal(input.modified.scheme, DREAM_SCHEME);
    assert.equal((await vscode.workspace.openTextDocument(input.modified)).getText(), MERGED);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('accepting one file, then all, writes exactly the proposal; the dream log keeps each deletion\'s reason', async () => {
    const oldPort = proposal.changes.find((c) => c.file === 'old-port.md')!;
    await vscode.commands.executeCommand('reverie.dream.accept', oldPort);
    assert.equal(fs.existsSync(path.join(dir, 'old-port.md')), false);
    assert.ok(fs.existsSync(path.join(dir, 'test-command.md')), 'only the accepted file was applied');
    assert.deepEqual(api.dream.view.getChildren().map((c) => c.file).sort(), ['MEMORY.md', 'run-tests.md', 'test-command.md']);

    await vscode.commands.executeCommand('reverie.dream.acceptAll');
    for (const c of proposal.changes) {
      const file = path.join(dir, c.file);
      if (c.kind === 'deleted') assert.equal(fs.existsSync(file), false, c.file);
      else assert.equal(fs.readFileSync(file, 'utf8'), c.after, c.file);
    }
    assert.equal(fs.readFileSync(path.join(dir, 'dev-server.md'), 'utf8'), SEED['dev-server.md'], 'an unchanged file stays');
    assert.equal(api.dream.review, undefined, 'every file decided: the proposal is closed');
    assert.deepEqual(api.dream.view.getChildren(), []);
    await until(() => !api.dream.view.view.visible, 10_000, 'the review view to hide');

    const log = fs.readFileSync(path.join(dir, DREAM_LOG_FILE), 'utf8');
    assert.match(log, /old-port\.md`: contradicted by dev-server\.md: the port is 8080/);
    assert.match(log, /test-command\.md` \(merged into `run-tests\.md`\)/);
  });

  it('Undo Last Dream puts every file back byte for byte', async () => {
    const restored = await vscode.commands.executeCommand<string[]>('reverie.dream.undo');
    assert.deepEqual(restored, ['MEMORY.md', 'old-port.md', 'run-tests.md', 'test-command.md']);
    assert.deepEqual(folderState(dir), seeded);
    assert.match(api.dream.lastNotice ?? '', /restored the memory folder as it was before the dream \(4 files\)/);
    assert.match(fs.readFileSync(path.join(dir, DREAM_LOG_FILE), 'utf8'), /## Undo/);
  });

  it('Reject All leaves the memory folder as it was and closes the review', async function () {
    this.timeout(60_000);
    mock.reset();
    mock.enqueue(...scriptedDream());
    const outcome = await vscode.commands.executeCommand<DreamOutcome>('reverie.dream.now');
    assert.equal(outcome?.status, 'proposed');
    const pending = (outcome as { proposal: DreamProposal }).proposal;
    // A second Dream Now waits for the pending review instead of dreaming over it.
    assert.equal(await vscode.commands.executeCommand('reverie.dream.now'), undefined);
    assert.match(api.dream.lastNotice ?? '', /review the pending dream first/);

    await vscode.commands.executeCommand('reverie.dream.reject', pending.changes[0] as DreamFileChange);
    await vscode.commands.executeCommand('reverie.dream.rejectAll');
    assert.equal(api.dream.review, undefined);
    assert.deepEqual(folderState(dir), seeded);
    assert.equal(fs.existsSync(pending.stagingDir), false, 'the staging copy is removed');
  });

  it('with "apply without review" on, the dream is applied at once and offers Undo', async function () {
    this.timeout(60_000);
    await config().update('dream.applyDirectly', true, vscode.ConfigurationTarget.Global);
    try {
      mock.reset();
      mock.enqueue(...scriptedDream());
      const outcome = await vscode.commands.executeCommand<DreamOutcome>('reverie.dream.now');
      assert.equal(outcome?.status, 'proposed');
      const applied = (outcome as { proposal: DreamProposal }).proposal;
      assert.equal(api.dream.lastNotice, 'Reverie dreamed: 1 merged, 1 pruned, 1 updated (applied).');
      assert.equal(api.dream.review, undefined, 'nothing left to review');
      assert.equal(fs.readFileSync(path.join(dir, 'MEMORY.md'), 'utf8'), INDEX);
      assert.equal(fs.existsSync(path.join(dir, 'old-port.md')), false);
      assert.equal(fs.existsSync(applied.stagingDir), false);
      await vscode.commands.executeCommand('reverie.dream.undo');
      assert.deepEqual(folderState(dir), seeded);
    } finally {
      await config().update('dream.applyDirectly', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Dream Now says when nothing needed to change, and when another window holds the lock', async function () {
    this.timeout(60_000);
    mock.reset();
    mock.enqueue(toolCall('read_file', { path: 'MEMORY.md' }), reply('All tidy.\n\n```json\n{"summary": "Nothing needed to change.", "changes": []}\n```\n'));
    const nothing = await vscode.commands.executeCommand<DreamOutcome>('reverie.dream.now');
    assert.equal(nothing?.status, 'nothing', JSON.stringify(nothing));
    assert.equal(api.dream.lastNotice, 'Reverie dreamed: nothing needed to change.');
    assert.equal(api.dream.review, undefined);

    // A live process (this one's parent) holds a fresh lock: no model call, and the user is told.
    const lock = path.join(dir, DREAM_LOCK_FILE);
    const saved = { text: fs.readFileSync(lock), mtime: fs.statSync(lock).mtime };
    fs.writeFileSync(lock, JSON.stringify({ pid: process.ppid, token: 'another-window' }));
    try {
      mock.reset();
      const busy = await vscode.commands.executeCommand<DreamOutcome>('reverie.dream.now');
      assert.equal(busy?.status, 'busy', JSON.stringify(busy));
      assert.match(api.dream.lastNotice ?? '', /another window is dreaming/);
      assert.equal(mock.requests.length, 0);
    } finally {
      fs.writeFileSync(lock, saved.text);
      fs.utimesSync(lock, saved.mtime, saved.mtime);
    }
  });

  it('a failed dream says why and leaves memory alone', async function () {
    this.timeout(60_000);
    mock.reset();
    mock.enqueue({ kind: 'error', status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' });
    const outcome = await vscode.commands.executeCommand<DreamOutcome>('reverie.dream.now');
    assert.equal(outcome?.status, 'failed', JSON.stringify(outcome));
    assert.match(api.dream.lastNotice ?? '', /^Reverie could not dream: /);
    assert.equal(api.dream.review, undefined);
    assert.deepEqual(folderState(dir), seeded);
  });
});
