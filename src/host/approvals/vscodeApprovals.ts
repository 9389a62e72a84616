import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AccessRequest, ApprovalAnswer, Approvals } from '../../core/ports';
import { Disposable } from '../disposable';
import { approvalCard } from './approvalCard';
import { PanelApprovals, type ApprovalCard } from './panelApprovals';

/**
 * The questions the approval UI asks the user outside the panel. The VS Code defaults are an input
 * box and a notification; tests replace them, because a notification cannot be answered through the API.
 */
export interface ApprovalPrompt {
  /** An optional reason for a refusal; undefined (or empty) when the user skips it. */
  reason(): PromiseLike<string | undefined>;
  /** A non-modal notification offering buttons; resolves when one is clicked or it is closed. */
  notify(message: string, buttons: readonly string[]): PromiseLike<string | undefined>;
}

export const vscodePrompt: ApprovalPrompt = {
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
 * reviewed at a time; later ones wait their turn. Commands and reads are asked in a notification.
 * Every question is also a card in the chat panel (`panel`); the first answer wins, the rest close
 * or are ignored (a notification cannot be closed through the API; a late click does nothing).
 */
export class VsCodeApprovals extends Disposable implements Approvals {
  private readonly prompt: ApprovalPrompt;
  private pending: PendingEdit | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  /** `storageUri`: the extension's storage folder; proposals are written under `proposed/` there. */
  constructor(private readonly storageUri: vscode.Uri, prompt?: Partial<ApprovalPrompt>, readonly panel = new PanelApprovals()) {
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
      case 'command': return this.askOnce(request, `Reverie wants to run \`${oneLine(request.command)}\` in ${request.cwd}`, signal);
      case 'read': return this.askOnce(request, `Allow Reverie to read ${request.path}? It is outside the workspace folders (${request.tool}).`, signal);
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

  /**
   * A command or a read: a notification and a panel card ask the same question; the first answer
   * is taken, once. Closing the notification without a choice leaves the card waiting.
   */
  private askOnce(request: Exclude<AccessRequest, { kind: 'edit' }>, message: string, signal: AbortSignal): Promise<ApprovalAnswer> {
    if (signal.aborted) return Promise.resolve(interrupted());
    return new Promise((resolve) => {
      let settled = false;
      const finish = (answer: ApprovalAnswer) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        card.close(answer.approved ? 'allowed' : answer.reason === INTERRUPTED ? 'interrupted' : 'denied');
        resolve(answer);
      };
      const onAbort = () => finish(interrupted());
      signal.addEventListener('abort', onAbort, { once: true });
      const card = this.panel.ask(this.card(request), {
        answer: (decision, reason) => finish(decision === 'allow' ? { approved: true } : decision === 'always' ? { approved: true, always: true } : refusal(reason)),
      });
      void Promise.resolve(this.prompt.notify(message, [ALLOW_ONCE, ALWAYS, DENY])).then(async (choice) => {
        if (settled) return; // answered in the panel (or interrupted) first
        if (choice === ALLOW_ONCE) finish({ approved: true });
        else if (choice === ALWAYS) finish({ approved: true, always: true });
        else if (choice === DENY) {
          const reason = await this.askReason();
          finish(refusal(reason));
        }
      }, () => undefined);
    });
  }

  private card(request: AccessRequest): ApprovalCard {
    return approvalCard(request, (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath));
  }

  /** Shows (or focuses) the diff of a pending edit. */
  private async showDiff(request: Extract<AccessRequest, { kind: 'edit' }>, proposal: vscode.Uri): Promise<void> {
    const name = path.basename(request.path);
    const left = request.before === undefined
      ? vscode.Uri.from({ scheme: EMPTY_SCHEME, path: `/${name}` })
      : vscode.Uri.file(request.path);
    await vscode.commands.executeCommand('vscode.diff', left, proposal, `${name}: Reverie's proposed change (editable)`, { preview: false });
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
    let card: { close(outcome: 'allowed' | 'denied' | 'interrupted'): void } | undefined;
    let outcome: 'allowed' | 'denied' | 'interrupted' = 'interrupted';
    try {
      await vscode.workspace.fs.writeFile(proposal, Buffer.from(request.after, 'utf8'));
      this.pending = pending;
      await vscode.commands.executeCommand('setContext', PENDING_CONTEXT, true);
      // The card can answer while the diff is still opening; `decide` only counts the first answer.
      card = this.panel.ask(this.card(request), {
        answer: (d, reason) => decide(d === 'deny' ? { kind: 'reject', reason } : { kind: 'accept' }),
        openDiff: () => void this.showDiff(request, proposal).then(undefined, () => undefined),
      });
      await this.showDiff(request, proposal);
      void this.prompt.notify(`Reverie proposes a change to ${name}. Review it in the diff, then accept or reject.`, [ACCEPT, REJECT]).then(
        async (choice) => {
          if (this.pending !== pending) return; // a stale notification from an edit already decided
          if (choice === ACCEPT) decide({ kind: 'accept' });
          else if (choice === REJECT) decide({ kind: 'reject', reason: await this.askReason() });
        },
        () => undefined,
      );
      const d = await decision;
      outcome = d.kind === 'accept' ? 'allowed' : d.kind === 'reject' ? 'denied' : 'interrupted';
      if (d.kind === 'abort') return interrupted();
      if (d.kind === 'reject') return refusal(d.reason);
      const text = await readProposal(proposal);
      // The user may have changed the right side; only then does the agent need to know.
      return sameText(text, request.after) ? { approved: true } : { approved: true, finalText: text };
    } finally {
      signal.removeEventListener('abort', onAbort);
      card?.close(outcome);
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

const INTERRUPTED = 'interrupted';

function interrupted(): ApprovalAnswer {
  return { approved: false, reason: INTERRUPTED };
}

/** A command for a one-line notification: newlines shown as ⏎, long ones cut (the panel card has it whole). */
function oneLine(command: string): string {
  const flat = command.replace(/\r?\n/g, ' ⏎ ');
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

function refusal(reason: string | undefined): ApprovalAnswer {
  return reason ? { approved: false, reason } : { approved: false };
}
