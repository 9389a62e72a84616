/** Shared bits for the adapter and approval suites: the open workspace and scratch files in it. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The workspace copy this run opened (a fresh copy of test/fixtures/workspace). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri.fsPath;
}

/** Writes a file under the workspace (parents created) and returns its absolute path. */
export function writeScratch(rel: string, text: string): string {
  const p = path.join(workspaceRoot(), rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

/** Closes every editor without saving, so one test's open documents do not leak into the next. */
export async function closeAllEditors(): Promise<void> {
  const root = workspaceRoot();
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.scheme === 'file' && d.uri.fsPath.startsWith(root))) {
    try {
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    } catch {
      // The workbench may refuse while another editor is opening (e.g. a settings update); closing below still runs.
    }
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs `body` and returns how long it took along with its result. */
export async function timed<T>(body: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await body();
  return { value, ms: Date.now() - t0 };
}
