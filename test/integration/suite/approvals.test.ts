import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AccessRequest, ApprovalAnswer } from '../../../src/core/ports';
import { type ApprovalPrompt, VsCodeApprovals } from '../../../src/host/approvals/vscodeApprovals';
import { closeAllEditors, sleep, workspaceRoot, writeScratch } from './adapterFixtures';
import { activateReverie, until } from './helpers';

const never = new AbortController().signal;

/** The open diffs titled as Reverie's proposals. */
const proposalTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
  .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.label.includes("Reverie's proposed change (editable)"));

/** A prompt that records what it was asked and answers from a script; notifications never resolve unless told. */
function scriptedPrompt(answers: { reason?: string; notify?: Promise<string | undefined> } = {}) {
  const asked: Array<{ message: string; buttons?: readonly string[] }> = [];
  let reasonAsked = 0;
  const prompt: ApprovalPrompt = {
    reason: async () => {
      reasonAsked++;
      return answers.reason;
    },
    notify: (message, buttons) => {
      asked.push({ message, buttons });
      return answers.notify ?? new Promise(() => undefined);
    },
  };
  return { prompt, asked, reasonsAsked: () => reasonAsked };
}

describe('VsCodeApprovals: edits as an editable diff', function () {
  this.timeout(30_000);
  let storage: string;
  let file: string;
  const original = 'export function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n';
  const proposed = original.replace('Hello', 'Welcome');
  const editRequest = (p = file): Extract<AccessRequest, { kind: 'edit' }> => ({ kind: 'edit', tool: 'edit_file', path: p, before: original, after: proposed });
  const proposals = () => fs.existsSync(path.join(storage, 'proposed')) ? fs.readdirSync(path.join(storage, 'proposed')) : [];

  /** Starts an approval and waits until its diff is on screen (wrapped: an async function would await the answer). */
  async function review(approvals: VsCodeApprovals, request: AccessRequest, signal = never): Promise<{ answer: Promise<ApprovalAnswer> }> {
    const answer = approvals.ask(request, signal);
    await until(() => proposalTabs().length === 1, 10_000, 'the proposal diff to open');
    return { answer };
  }

  /** After every decision: no diff left open, no proposal left on disk. */
  async function assertCleanedUp(): Promise<void> {
    await until(() => proposalTabs().length === 0, 5_000, 'the diff to close');
    assert.deepEqual(proposals(), []);
  }

  beforeEach(() => {
    storage = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-approvals-'));
    file = writeScratch('approvals/greet.ts', original);
  });
  afterEach(async () => {
    await closeAllEditors();
    fs.rmSync(storage, { recursive: true, force: true });
  });

  it('shows the current file against the proposal, named after the file, and Accept unchanged approves without finalText', async () => {
    const { prompt, asked } = scriptedPrompt();
    const approvals = new VsCodeApprovals(vscode.Uri.file(storage), prompt);
    try {
      const { answer } = await review(approvals, editRequest());
      const tab = proposalTabs()[0];
      const input = tab.input as vscode.TabInputTextDiff;
      assert.equal(tab.label, "greet.ts: Reverie's proposed change (editable)");
      assert.equal(input.original.fsPath, file);
      assert.equal(path.basename(input.modified.fsPath), 'greet.ts', 'the proposal keeps the name, for highlighting');
      assert.equal(fs.readFileSync(input.modified.fsPath, 'utf8'), proposed);
      await until(() => asked.length > 0, 5_000, 'the notification');
      assert.deepEqual(asked[0].buttons, ['Accept', 'Reject'], 'a notification offers the choice too');

      assert.equal(await approvals.acceptPendingEdit(), true);
      assert.deepEqual(await answer, { approved: true });
      await assertCleanedUp();
      assert.equal(fs.readFileSync(file, 'utf8'), original, 'approving does not write: the tool does');
      assert.equal(await approvals.acceptPendingEdit(), false, 'nothing is pending any more');
    } finally {
      approvals.dispose();
    }
  });

  it('the same edit is a card in the panel: Reject there closes the diff; Accept in the editor closes the card', async () => {
    const approvals = new VsCodeApprovals(vscode.Uri.file(storage), scriptedPrompt().prompt);
    const resolved: string[] = [];
    approvals.panel.onDidPost((m) => void (m.type === 'approvalResolved' && resolved.push(m.outcome)));
    try {
      const { answer } = await review(approvals, editRequest());
      const [card] = approvals.panel.pending();
      assert.ok(card.kind === 'edit');
      assert.equal(card.path, path.relative(workspaceRoot(), file));
      assert.deepEqual(card.lines.filter((l) => l.kind !== 'ctx').map((l) => l.kind), ['del', 'add']);
      assert.equal(approvals.panel.openDiff(card.id), true, 'Open diff is offered');
      assert.equal(approvals.panel.answer(card.id, 'deny', 'keep Hello'), true);
      assert.deepEqual(await answer, { approved: false, reason: 'keep Hello' });
      await assertCleanedUp();
      assert.equal(await approvals.acceptPendingEdit(), false, 'the editor buttons have nothing left to decide');

      const { answer: again } = await review(approvals, editRequest());
      const [second] = approvals.panel.pending();
      await approvals.acceptPendingEdit();
      assert.deepEqual(await again, { approved: true });
      assert.deepEqual(approvals.panel.pending(), []);
      assert.equal(approvals.panel.answer(second.id, 'deny'), false, 'a late click on the card is ignored');
      assert.deepEqual(resolved, ['denied', 'allowed']);
    } finally {
      approvals.dispose();
    }
  });

  it('Accept after the user edited the right side returns their text as finalText', async () => {
    const approvals = new VsCodeApprovals(vscode.Uri.file(storage), scriptedPrompt().prompt);
    try {
      const { answer } = await review(approvals, editRequest());
      const right = (proposalTabs()[0].input as vscode.TabInputTextDiff).modified;
      const doc = await vscode.workspace.openTextDocument(right);
      const edit = new vscode.WorkspaceEdit();
      const userText = proposed.replace('Welcome', 'Good day');
      edit.replace(right, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), userText);
      assert.ok(await vscode.workspace.applyEdit(edit));
      assert.ok(doc.isDirty, 'left unsaved, as a user would');

      await approvals.acceptPendingEdit();
      assert.deepEqual(await answer, { approved: true, finalText: userText });
      await assertCleanedUp();
    } finally {
      approvals.dispose();
    }
  });

  it('Reject with the reason box dismissed returns a refusal without a reason; with one, the reason', async () => {
    const { prompt, reasonsAsked } = scriptedPrompt({ reason: undefined });
    const approvals = new VsCodeApprovals(vscode.Uri.file(storage), prompt);
    try {
      const { answer: first } = await review(approvals, editRequest());
      assert.equal(await approvals.rejectPendingEdit(), true);
      assert.deepEqual(await first, { approved: false });
      assert.equal(reasonsAsked(), 1);
      await assertCleanedUp();

      const { answer: second } = await review(approvals, editRequest());
      await approvals.rejectPendingEdit('keep the old greeting');
      assert.deepEqual(await second, { approved: false, reason: 'keep the old greeting' });
      await assertCleanedUp();
    } finally {
      approvals.dispose();
    }
  });

  it('an abort while the diff is open cleans up and answers interrupted', async () => {
    const approvals = new VsCodeApprovals(vscode.Uri.file(storage), scriptedPrompt().prompt);
    try {
      const ac = new AbortController();
      const { answer } = await review(approvals, editRequest(), ac.signal);
      assert.equal(proposals().length, 1, 'the proposal is on disk while pending');
      ac.abort();
      assert.deepEqual(await answer, { approved: false, reason: 'interrupted' });
      await assertCleanedUp();
      assert.equal(await approvals.rejectPendingEdit('late'), false);
    } finally {
      approvals.dispose();
    }
  });

  it('a new file is shown against an empty read-only document; the notification\'s Accept approves it', async () => {
    let click!: (choice: string) => void;
    const { prompt } = scriptedPrompt({ notify: new Promise((r) => (click = r)) });
    const approvals = new VsCodeApprovals(vscode.Uri.file(storage), prompt);
    try {
      const target = path.join(workspaceRoot(), 'approvals/brand-new.ts');
      const { answer } = await review(approvals, { kind: 'edit', tool: 'write_file', path: target, before: undefined, after: 'export {};\n' });
      const input = proposalTabs()[0].input as vscode.TabInputTextDiff;
      assert.equal(input.original.scheme, 'reverie-empty');
      assert.equal((await vscode.workspace.openTextDocument(input.original)).getText(), '');
      click('Accept');
      assert.deepEqual(await answer, { approved: true });
      await assertCleanedUp();
      assert.equal(fs.existsSync(target), false);
    } finally {
      approvals.dispose();
    }
  });

  it('closing the diff without choosing is a refusal, and edits asked for together are reviewed one at a time', async () => {
    const approvals = new VsCodeApprovals(vscode.Uri.file(storage), scriptedPrompt().prompt);
    try {
      const { answer: first } = await review(approvals, editRequest());
      const second = approvals.ask({ ...editRequest(), after: 'second proposal\n' }, never);
      assert.equal(proposalTabs().length, 1, 'the second waits for the first');
      await vscode.window.tabGroups.close(proposalTabs()[0]);
      assert.deepEqual(await first, { approved: false });
      await until(() => proposalTabs().length === 1, 10_000, 'the second proposal');
      assert.equal(fs.readFileSync((proposalTabs()[0].input as vscode.TabInputTextDiff).modified.fsPath, 'utf8'), 'second proposal\n');
      await approvals.acceptPendingEdit();
      assert.deepEqual(await second, { approved: true });
      await assertCleanedUp();
    } finally {
      approvals.dispose();
    }
  });

  it('in the extension, the title-bar commands reverie.acceptEdit and reverie.rejectEdit decide the pending edit', async () => {
    // Executing a contributed command activates the extension, which registers these ids itself
    // (registerCommands in extension.ts); so drive its own instance rather than registering a second.
    const api = await activateReverie();
    const { answer } = await review(api.approvals, editRequest());
    await vscode.commands.executeCommand('reverie.acceptEdit');
    assert.deepEqual(await answer, { approved: true });
    await until(() => proposalTabs().length === 0, 5_000, 'the diff to close');

    const { answer: again } = await review(api.approvals, editRequest());
    let settled = false;
    void again.then(() => (settled = true));
    const rejecting = vscode.commands.executeCommand('reverie.rejectEdit');
    // The optional reason box is open now; Escape (closing it) means "no reason".
    for (let i = 0; i < 50 && !settled; i++) {
      await sleep(100);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    }
    await rejecting;
    assert.deepEqual(await again, { approved: false });
    await until(() => proposalTabs().length === 0, 5_000, 'the diff to close');
  });
});

describe('VsCodeApprovals: commands and reads outside the workspace', () => {
  const storage = vscode.Uri.file(os.tmpdir());
  const command: AccessRequest = { kind: 'command', tool: 'run_command', command: 'rm -rf build && npm run build -- --prod', cwd: '/work/project' };

  it('asks about the exact command line in a notification, with the folder, and maps each button to an answer', async () => {
    const cases: Array<[string, ApprovalAnswer]> = [
      ['Allow once', { approved: true }],
      ['Always allow', { approved: true, always: true }],
      ['Deny', { approved: false, reason: 'not on my machine' }],
    ];
    for (const [button, expected] of cases) {
      const { prompt, asked } = scriptedPrompt({ notify: Promise.resolve(button), reason: '  not on my machine ' });
      const approvals = new VsCodeApprovals(storage, prompt);
      const posts: string[] = [];
      approvals.panel.onDidPost((m) => void posts.push(m.type === 'approvalResolved' ? `resolved:${m.outcome}` : m.type));
      try {
        assert.deepEqual(await approvals.ask(command, never), expected, button);
        assert.ok(asked[0].message.includes(command.command), asked[0].message);
        assert.match(asked[0].message, /\/work\/project/);
        assert.deepEqual(asked[0].buttons, ['Allow once', 'Always allow', 'Deny']);
        assert.deepEqual(posts, ['approvalRequest', `resolved:${expected.approved ? 'allowed' : 'denied'}`], 'the panel card closes too');
      } finally {
        approvals.dispose();
      }
    }
  });

  it('the panel card answers when the notification is closed unanswered; a late click on the notification is ignored', async () => {
    let click!: (choice: string | undefined) => void;
    const approvals = new VsCodeApprovals(storage, scriptedPrompt({ notify: new Promise((r) => (click = r)), reason: 'late' }).prompt);
    try {
      const answer = approvals.ask(command, never);
      const [card] = approvals.panel.pending();
      assert.equal(card.kind, 'command');
      assert.ok(card.kind === 'command' && card.command === command.command && card.cwd === '/work/project');
      assert.equal(approvals.panel.answer(card.id, 'deny', 'use the staging box'), true);
      click('Allow once'); // the stale notification
      assert.deepEqual(await answer, { approved: false, reason: 'use the staging box' });
      assert.deepEqual(approvals.panel.pending(), []);
    } finally {
      approvals.dispose();
    }
  });

  it('Deny in the notification with the reason box dismissed is a refusal without a reason', async () => {
    const approvals = new VsCodeApprovals(storage, scriptedPrompt({ notify: Promise.resolve('Deny'), reason: undefined }).prompt);
    try {
      assert.deepEqual(await approvals.ask(command, never), { approved: false });
    } finally {
      approvals.dispose();
    }
  });

  it('a read outside the workspace names the path; an abort while it waits answers interrupted and closes the card', async () => {
    const { prompt, asked } = scriptedPrompt({ notify: Promise.resolve('Always allow') });
    const approvals = new VsCodeApprovals(storage, prompt);
    try {
      const read: AccessRequest = { kind: 'read', tool: 'read_file', path: '/etc/hosts' };
      assert.deepEqual(await approvals.ask(read, never), { approved: true, always: true });
      assert.match(asked[0].message, /\/etc\/hosts/);
      assert.deepEqual(asked[0].buttons, ['Allow once', 'Always allow', 'Deny']);

      const stuck = new VsCodeApprovals(storage, { notify: () => new Promise(() => undefined) });
      const ac = new AbortController();
      const answer = stuck.ask(read, ac.signal);
      assert.equal(stuck.panel.pending().length, 1);
      ac.abort();
      assert.deepEqual(await answer, { approved: false, reason: 'interrupted' });
      assert.deepEqual(stuck.panel.pending(), []);
      stuck.dispose();
    } finally {
      approvals.dispose();
    }
  });
});
