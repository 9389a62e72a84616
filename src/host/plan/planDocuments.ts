import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { PlanPresenter } from '../../core/tools/exitPlanMode';
import type { ToolSession } from '../../core/tools/tool';
import type { ExecutionMode } from '../../shared/subagentProtocol';
import type { PermissionState } from '../permissionState';
import type { PlanEnvironment, PlanProposal } from './planPanel';

/**
 * Plan documents in the editor: exit_plan_mode writes the plan to `plan-<n>.md` in the session
 * folder and opens it; the user edits it there (saved or not) and decides in the panel's card.
 */
export class PlanDocuments implements PlanEnvironment, vscode.Disposable {
  private readonly proposed = new vscode.EventEmitter<PlanProposal>();
  readonly onDidPropose = this.proposed.event;
  private count = 0;

  constructor(
    private readonly permissions: PermissionState,
    /** Keeps the approved plan on the current conversation. */
    readonly keep: (plan: string) => void,
  ) {}

  /** The core tool's side: mode and presentation. */
  presenter(): PlanPresenter {
    return { mode: () => this.permissions.mode, present: (plan, session) => this.present(plan, session) };
  }

  private async present(plan: string, session: ToolSession): Promise<{ shownAs: string }> {
    await fsp.mkdir(session.dir, { recursive: true });
    const file = path.join(session.dir, `plan-${++this.count}.md`);
    await fsp.writeFile(file, `${plan}\n`, 'utf8');
    await this.open(file);
    this.proposed.fire({ documentId: file, path: path.basename(file), plan });
    return { shownAs: `in an editor, ${path.basename(file)}` };
  }

  async currentText(documentId: string): Promise<string | undefined> {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === documentId);
    if (open) return open.getText(); // unsaved edits count
    return fsp.readFile(documentId, 'utf8').catch(() => undefined);
  }

  async open(documentId: string): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(documentId));
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  setMode(mode: ExecutionMode): Promise<boolean> {
    return this.permissions.set(mode);
  }

  dispose(): void {
    this.proposed.dispose();
  }
}
