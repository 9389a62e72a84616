import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import type { CodeAction } from '../shared/protocol';
import { planCodeAction, type EditorView } from './codeActionPlan';
import { Disposable } from './disposable';

/** The right side of an Apply preview: read-only text served from memory. */
const PROPOSAL_SCHEME = 'reverie-code';
const ACCEPT = 'Accept';
const DISCARD = 'Discard';

/**
 * A code block's buttons, on the editor side. Insert replaces the selection of the active editor
 * (one undoable edit). Apply shows the selection (or the whole file) replaced by the block in a
 * diff, and on Accept applies it through a WorkspaceEdit, so Undo works and a file changed in the
 * meantime is not overwritten. Copy is the fallback when the webview's clipboard is refused.
 */
export class CodeActions extends Disposable {
  private readonly proposals = new Map<string, string>();
  /** The last text editor the user was in (the panel has focus when its buttons are clicked). */
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private next = 1;

  constructor(private readonly log: Logger) {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, {
      provideTextDocumentContent: (uri) => this.proposals.get(uri.query) ?? '',
    }));
    this._register(vscode.window.onDidChangeActiveTextEditor((e) => {
      if (e && e.document.uri.scheme !== PROPOSAL_SCHEME) this.lastEditor = e;
    }));
  }

  async run(msg: CodeAction): Promise<void> {
    const editor = this.editor();
    const plan = planCodeAction(msg.action, msg.code, msg.language, editor && view(editor));
    switch (plan.kind) {
      case 'copy':
        await vscode.env.clipboard.writeText(plan.text);
        vscode.window.setStatusBarMessage('Reverie: code copied', 2000);
        return;
      case 'refuse':
        void vscode.window.showInformationMessage(plan.message);
        return;
      case 'insert': {
        const target = editor!;
        const range = new vscode.Range(target.document.positionAt(plan.start), target.document.positionAt(plan.end));
        await vscode.window.showTextDocument(target.document, target.viewColumn);
        const ok = await target.edit((b) => b.replace(range, plan.text));
        if (!ok) void vscode.window.showWarningMessage('Reverie could not insert the code: the editor refused the edit.');
        return;
      }
      case 'apply':
        await this.preview(editor!.document, plan);
    }
  }

  private async preview(doc: vscode.TextDocument, plan: Extract<ReturnType<typeof planCodeAction>, { kind: 'apply' }>): Promise<void> {
    const id = String(this.next++);
    const name = path.basename(doc.fileName);
    this.proposals.set(id, plan.proposed);
    const proposal = vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${name}`, query: id });
    const version = doc.version;
    try {
      const what = plan.whole ? 'the whole file' : 'the selection';
      await vscode.commands.executeCommand('vscode.diff', doc.uri, proposal, `${name}: code block replacing ${what}`, { preview: true });
      const question = `Apply the code block to ${name} (replacing ${what})?${plan.warning ? ` ${plan.warning}` : ''}`;
      const choice = await vscode.window.showInformationMessage(question, ACCEPT, DISCARD);
      if (choice !== ACCEPT) return;
      if (doc.version !== version) {
        void vscode.window.showWarningMessage(`${name} changed while the preview was open; nothing was applied. Click Apply again to see the new diff.`);
        return;
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(doc.uri, new vscode.Range(doc.positionAt(plan.start), doc.positionAt(plan.end)), plan.text);
      if (!(await vscode.workspace.applyEdit(edit))) void vscode.window.showWarningMessage(`Reverie could not apply the code to ${name}.`);
    } catch (err) {
      this.log.error(`apply code block: ${err instanceof Error ? err.stack : String(err)}`);
    } finally {
      this.proposals.delete(id);
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === proposal.toString());
      if (tabs.length) await vscode.window.tabGroups.close(tabs, true).then(undefined, () => undefined);
    }
  }

  private editor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && active.document.uri.scheme !== PROPOSAL_SCHEME) return active;
    const last = this.lastEditor;
    return last && !last.document.isClosed ? vscode.window.visibleTextEditors.find((e) => e.document === last.document) ?? last : undefined;
  }
}

function view(editor: vscode.TextEditor): EditorView {
  const doc = editor.document;
  return {
    text: doc.getText(),
    selection: { start: doc.offsetAt(editor.selection.start), end: doc.offsetAt(editor.selection.end) },
    languageId: doc.languageId,
    fileName: doc.fileName,
  };
}
