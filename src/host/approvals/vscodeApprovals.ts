import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AccessRequest, ApprovalAnswer, Approvals } from '../../core/ports';
import { Disposable } from '../disposable';

/**
 * The questions the approval UI asks the user. The VS Code defaults are modal dialogs, an input
 * box and a notification; tests replace them, because a modal dialog cannot be answered through
 * the API.
 */
export interface ApprovalPrompt {
  /** A modal warning; resolves to the chosen button, or undefined when dismissed (Escape, Cancel). */
  modal(message: string, detail: string, buttons: readonly string[]): PromiseLike<string | undefined>;
  /** An optional reason for a refusal; undefined (or empty) when the user skips it. */
  reason(): PromiseLike<string | undefined>;
  /** A non-modal notification offering buttons; resolves when one is clicked or it is closed. */
  notify(message: string, buttons: readonly string[]): PromiseLike<string | undefined>;
}

export const vscodePrompt: ApprovalPrompt = {
  modal: (message, detail, buttons) => vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons),
  reason: () => vscode.window.showInputBox({
    title: 'Tell Reverie why (optional)',
    prompt: 'Claude reads this and adjusts. Press Escape to skip.',
    ignoreFocusOut: true,
  }),
  notify: (message, buttons) => vscode.window.showInformationMessage(message, ...buttons),
};

const ALLOW_ONCE = 'Allow once';
const ALWAYS = 'Always allow';
const DENY = 'Deny';
const ACCEPT = 'Accept';
const REJECT = 'Reject';
/** A read-only empty document, the left side of the diff for a file that does not exist yet. */
const EMPTY_SCHEME = 'reverie-empty';
const PENDING_CONTEXT = 'reverie.pendingEdit';

type Decision = { kind: 'accept' } | { kind: 'reject'; reason?: string } | { kind: 'abort' };

interface PendingEdit {
  readonly proposal: vscode.Uri;
  decide(d: Decision): void;
}

/**
 * Asks the user before the agent edits, runs or reads outside the workspace. An edit is shown as a
 * diff whose right side is a real (temporary) file, so the user can change the proposal before
 * accepting it; Accept and Reject sit in the diff's title bar and in a notification. One edit is
 * reviewed at a time; later ones wait their turn.
 */
export class VsCodeApprovals extends Disposable implements Approvals {
  private readonly prompt: ApprovalPrompt;
  private pending: PendingEdit | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** `storageUri`: the extension's storage folder; proposals are written under `proposed/` there. */
  constructor(private readonly storageUri: vscode.Uri, prompt?: Partial<ApprovalPrompt>) {
    super();
    this.prompt = { ...vscodePrompt, ...prompt };
    this._register(vscode.workspace.registerTextDocumentContentProvider(EMPTY_SCHEME, { provideTextDocumentContent: () => '' }));
    // Closing the diff without choosing reads as "no": the user looked at it and walked away.
    this._register(vscode.window.tabGroups.onDidChangeTabs((e) => {
      const p = this.pending;
      if (p && e.closed.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === p.proposal.toString())) {
        p.decide({ kind: 'reject' });
      }
    }));
  }

  ask(request: AccessRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    switch (request.kind) {
      case 'edit': return this.enqueue(() => this.reviewEdit(request, signal));
      case 'command': return this.askModal(request.command, `Reverie wants to run this command in ${request.cwd}`, signal);
      case 'read': return this.askModal(`Allow Reverie to read ${request.path}?`, `This path is outside the workspace folders (${request.tool}).`, signal);
    }
  }

  /** A pending review ends as interrupted, so the agent waiting on it is not left hanging. */
  override dispose(): void {
    this.pending?.decide({ kind: 'abort' });
    super.dispose();
  }

  /** What the editor-title button and `reverie.acceptEdit` do. False when no edit is pending. */
  async acceptPendingEdit(): Promise<boolean> {
    if (!this.pending) return false;
    this.pending.decide({ kind: 'accept' });
    return true;
  }

  /** What `reverie.rejectEdit` does; without a reason, the user is offered a box to give one. */
  async rejectPendingEdit(reason?: string): Promise<boolean> {
    const p = this.pending;
    if (!p) return false;
    p.decide({ kind: 'reject', reason: reason ?? (await this.askReason()) });
    return true;
  }

  /** Registers `reverie.acceptEdit` and `reverie.rejectEdit` (declared in package.json). */
  registerCommands(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.commands.registerCommand('reverie.acceptEdit', () => this.acceptPendingEdit()),
      vscode.commands.registerCommand('reverie.rejectEdit', () => this.rejectPendingEdit()),
    );
  }

  private async askModal(message: string, detail: string, signal: AbortSignal): Promise<ApprovalAnswer> {
    // A modal cannot be closed through the API: on abort we answer at once and leave it to the user.
    const choice = await untilAborted(this.prompt.modal(message, detail, [ALLOW_ONCE, ALWAYS, DENY]), signal);
    if (choice === ABORTED) return interrupted();
    if (choice === ALLOW_ONCE) return { approved: true };
    if (choice === ALWAYS) return { approved: true, always: true };
    if (choice !== DENY) return { approved: false }; // dismissed: a refusal without a reason
    const reason = await untilAborted(this.askReason(), signal);
    return reason === ABORTED ? interrupted() : refusal(reason);
  }

  /** Runs edit reviews one after another: there is one diff, one set of buttons and one context key. */
  private enqueue(review: () => Promise<ApprovalAnswer>): Promise<ApprovalAnswer> {
    const next = this.queue.then(review, review);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reviewEdit(request: Extract<AccessRequest, { kind: 'edit' }>, signal: AbortSignal): Promise<ApprovalAnswer> {
    if (signal.aborted) return interrupted();
    const name = path.basename(request.path);
    // The proposal keeps the file's name so the diff gets the right language and highlighting.
    const folder = vscode.Uri.joinPath(this.storageUri, 'proposed', `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
    const proposal = vscode.Uri.joinPath(folder, name);
    let decide!: (d: Decision) => void;
    const decision = new Promise<Decision>((resolve) => (decide = resolve));
    const pending: PendingEdit = { proposal, decide };
    const onAbort = () => decide({ kind: 'abort' });
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await vscode.workspace.fs.writeFile(proposal, Buffer.from(request.after, 'utf8'));
      this.pending = pending;
      await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, true);
      const left = request.before === undefined
        ? vscode.Uri.from({ scheme: EMPTY_SCHEME, path: `/${name}` })
        : vscode.Uri.file(request.path);
      await vscode.commands.executeCommand('vscode.diff', left, proposal, `${name}: Reverie's proposed change (editable)`, { preview: false });
      void this.prompt.notify(`Reverie proposes a change to ${name}. Review it in the diff, then accept or reject.`, [ACCEPT, REJECT]).then(
        async (choice) => {
          if (this.pending !== pending) return; // a stale notification from an edit already decided
          if (choice === ACCEPT) decide({ kind: 'accept' });
          else if (choice === REJECT) decide({ kind: 'reject', reason: await this.askReason() });
        },
        () => undefined,
      );
      const d = await decision;
      if (d.kind === 'abort') return interrupted();
      if (d.kind === 'reject') return refusal(d.reason);
      const text = await readProposal(proposal);
      // The user may have changed the right side; only then does the agent need to know.
      return sameText(text, request.after) ? { approved: true } : { approved: true, finalText: text };
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.pending === pending) this.pending = undefined;
      await this.cleanUp(proposal, folder);
    }
  }

  /** Closes the diff and deletes the proposal. A dirty proposal is saved first so closing does not prompt. */
  private async cleanUp(proposal: vscode.Uri, folder: vscode.Uri): Promise<void> {
    try {
      const doc = findDocument(proposal);
      if (doc?.isDirty) await doc.save();
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) =>
        (t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === proposal.toString()) ||
        (t.input instanceof vscode.TabInputText && t.input.uri.toString() === proposal.toString()));
      if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
    } finally {
      await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, false);
      await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false }).then(undefined, () => undefined);
    }
  }

  private async askReason(): Promise<string | undefined> {
    const reason = (await this.prompt.reason())?.trim();
    return reason || undefined;
  }
}

async function readProposal(proposal: vscode.Uri): Promise<string> {
  const doc = findDocument(proposal);
  if (doc) {
    if (doc.isDirty) await doc.save();
    return doc.getText();
  }
  return Buffer.from(await vscode.workspace.fs.readFile(proposal)).toString('utf8');
}

function findDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
}

/** Line endings are the editor's business (it normalises a document to one kind); content is ours. */
function sameText(a: string, b: string): boolean {
  return a.replace(/\r\n/g, '\n') === b.replace(/\r\n/g, '\n');
}

const ABORTED = Symbol('aborted');

function untilAborted<T>(p: PromiseLike<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    Promise.resolve(p).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function interrupted(): ApprovalAnswer {
  return { approved: false, reason: 'interrupted' };
}

function refusal(reason: string | undefined): ApprovalAnswer {
  return reason ? { approved: false, reason } : { approved: false };
}
