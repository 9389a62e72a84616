import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileStat, FileSystem } from '../../core/ports';

/**
 * The agent's file access through VS Code rather than around it. Reads see what the user sees
 * (an open editor's unsaved text), and writes go through a WorkspaceEdit so open editors update in
 * place, the edit lands on the editor's undo stack (Ctrl+Z reverts it) and save participants run
 * as they would for the user's own save.
 */
export class VsCodeFileSystem implements FileSystem {
  async stat(p: string): Promise<FileStat | undefined> {
    try {
      // workspace.fs.stat follows symlinks; a dangling link is reported as not found.
      const s = await vscode.workspace.fs.stat(vscode.Uri.file(p));
      const kind = s.type & vscode.FileType.Directory ? 'directory' : 'file';
      // workspace.fs has no link count; the extension host is Node (as for realPath below).
      const links = kind === 'file' ? (await fs.promises.stat(p).catch(() => undefined))?.nlink : undefined;
      return { kind, size: s.size, mtimeMs: s.mtime, ...(links !== undefined && { links }) };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  realPath(p: string): Promise<string> {
    // The extension host is Node, and workspace.fs has no realpath.
    return fs.promises.realpath(p);
  }

  async readFile(p: string): Promise<Uint8Array> {
    const doc = openDocument(p);
    // Unsaved edits are what the user is looking at, so the agent must work from them too.
    if (doc?.isDirty) return Buffer.from(doc.getText(), 'utf8');
    return vscode.workspace.fs.readFile(vscode.Uri.file(p));
  }

  async writeFile(p: string, text: string): Promise<void> {
    const uri = vscode.Uri.file(p);
    const edit = new vscode.WorkspaceEdit();
    let doc: vscode.TextDocument | undefined;
    if (await this.stat(p)) {
      doc = await vscode.workspace.openTextDocument(uri);
      if (doc.getText() === text && !doc.isDirty) return;
      // The document keeps its own line endings: VS Code converts the inserted text to them.
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
    } else {
      // createFile creates missing parents too, but only some providers do; make sure.
      await vscode.workspace.fs.createDirectory(vscode.Uri.file(path.dirname(p)));
      edit.createFile(uri, { ignoreIfExists: true });
      edit.insert(uri, new vscode.Position(0, 0), text);
    }
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code refused the edit to ${p}`);
    doc ??= await vscode.workspace.openTextDocument(uri);
    if (doc.isDirty && !(await doc.save())) throw new Error(`could not save ${p}`);
  }

  async readDirectory(p: string): Promise<Array<{ name: string; kind: 'file' | 'directory' | 'other' }>> {
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(p));
    return entries.map(([name, type]) => ({ name, kind: entryKind(type) }));
  }
}

/** The open document for a path, if any (a closed editor's document may linger; that is harmless). */
function openDocument(p: string): vscode.TextDocument | undefined {
  const key = vscode.Uri.file(p).toString();
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.toString() === key);
}

/** A symlink's type carries what it points at (File or Directory); a dangling one has neither. */
function entryKind(type: vscode.FileType): 'file' | 'directory' | 'other' {
  if (type & vscode.FileType.Directory) return 'directory';
  if (type & vscode.FileType.File) return 'file';
  return 'other';
}

function isNotFound(err: unknown): boolean {
  if (err instanceof vscode.FileSystemError) return err.code === 'FileNotFound' || err.code === 'EntryNotFound';
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
