/**
 * Commands of the Reverie Memory view. Each effect is an exported function taking its answers as
 * arguments (the integration tests call them directly); the registered commands ask the user first.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { indexLinks } from '../core/memory/memoryIndex';
import { INDEX_FILE, MEMORY_TYPE_HELP, MEMORY_TYPES, type MemoryType } from '../core/memory/schema';
import { createMemory, escapeTitle, readText, slugify, validateDescription, validateName, yamlScalar, type MemoryCommandDeps, type NewMemory } from './memoryEdits';
import type { MemoryNode, MemoryTreeProvider } from './memoryTreeProvider';

export { createMemory, indexLine, slugify, validateDescription, validateName, type MemoryCommandDeps, type NewMemory } from './memoryEdits';

/** What delete removed, enough to put it back. */
export interface DeletedMemory {
  path: string;
  content: Uint8Array;
  /** Index lines removed, with their 0-based line numbers in the index before removal. */
  indexPath: string;
  indexLines: Array<{ line: number; text: string }>;
}


/** Renames a topic file to the slug of `newName`, updates its frontmatter name and its index link. Returns the new path. */
export async function renameMemory(deps: MemoryCommandDeps, from: string, newName: string): Promise<string> {
  const problem = validateName(newName);
  if (problem) throw new Error(problem);
  const name = newName.trim();
  const dir = path.dirname(from);
  const oldFile = path.basename(from);
  let file = `${slugify(name)}.md`;
  for (let n = 2; file !== oldFile && (await deps.fs.stat(path.join(dir, file))); n++) file = `${slugify(name)}-${n}.md`;
  const to = path.join(dir, file);
  if (to !== from) await vscode.workspace.fs.rename(vscode.Uri.file(from), vscode.Uri.file(to), { overwrite: false });
  const body = await readText(deps.fs, to);
  if (body !== undefined) {
    const renamed = body.replace(/^(---\r?\n[\s\S]*?^)name:.*$/m, `$1name: ${yamlScalar(name)}`);
    if (renamed !== body) await deps.fs.writeFile(to, renamed);
  }
  const indexPath = path.join(dir, INDEX_FILE);
  const index = await readText(deps.fs, indexPath);
  if (index !== undefined) {
    const lines = index.split('\n');
    for (const link of linksTo(index, oldFile)) {
      // The title and the target; an anchor (`old.md#part`) keeps its part.
      const target = file + link.file.slice(link.file.indexOf(oldFile) + oldFile.length);
      lines[link.line] = lines[link.line].replace(/^(\s*[-*+]\s+)\[(?:[^\]\\]|\\.)*\]\(\s*(?:<[^>]*>|[^\s)]+)/, (_, lead: string) => `${lead}[${escapeTitle(name)}](${target}`);
    }
    const updated = lines.join('\n');
    if (updated !== index) await deps.fs.writeFile(indexPath, updated);
  }
  return to;
}

/** Deletes a topic file (to the trash when the file system has one) and its index lines; returns what restoreMemory needs. */
export async function deleteMemory(deps: MemoryCommandDeps, file: string): Promise<DeletedMemory> {
  const content = await deps.fs.readFile(file);
  const indexPath = path.join(path.dirname(file), INDEX_FILE);
  const index = await readText(deps.fs, indexPath); // before the delete: an unreadable index stops it
  await deleteToTrash(vscode.Uri.file(file));
  const removed: DeletedMemory['indexLines'] = [];
  if (index !== undefined) {
    const lines = index.split('\n');
    const drop = new Set(linksTo(index, path.basename(file)).map((l) => l.line));
    for (const line of drop) removed.push({ line, text: lines[line] });
    if (drop.size) await deps.fs.writeFile(indexPath, lines.filter((_, i) => !drop.has(i)).join('\n'));
  }
  return { path: file, content, indexPath, indexLines: removed.sort((a, b) => a.line - b.line) };
}

/** Undo of deleteMemory: the file comes back, and its index lines return to where they were. */
export async function restoreMemory(deps: MemoryCommandDeps, deleted: DeletedMemory): Promise<void> {
  await vscode.workspace.fs.writeFile(vscode.Uri.file(deleted.path), deleted.content);
  if (!deleted.indexLines.length) return;
  const lines = ((await readText(deps.fs, deleted.indexPath)) ?? '').split('\n');
  for (const { line, text } of deleted.indexLines) lines.splice(Math.min(line, lines.length), 0, text);
  await deps.fs.writeFile(deleted.indexPath, lines.join('\n'));
}

/** VS Code's trash where the file system supports it (desktop); a plain delete elsewhere (code-server). */
export async function deleteToTrash(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.delete(uri, { useTrash: true });
    return true;
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') throw err;
    await vscode.workspace.fs.delete(uri, { useTrash: false });
    return false;
  }
}

/** Registers the view's commands. The tree's nodes arrive as the argument from menus and clicks. */
export function registerMemoryCommands(tree: MemoryTreeProvider, deps: MemoryCommandDeps): vscode.Disposable {
  const open = async (node?: MemoryNode) => {
    if (node && 'path' in node) await vscode.window.showTextDocument(vscode.Uri.file(node.path), { preview: true });
  };
  const subs: vscode.Disposable[] = [];
  // Errors reach the user here, at the host boundary.
  const command = (id: string, run: (node?: MemoryNode) => unknown) => subs.push(vscode.commands.registerCommand(id, async (node?: MemoryNode) => {
    try {
      await run(node);
    } catch (err) {
      void vscode.window.showErrorMessage(`Reverie: ${err instanceof Error ? err.message : String(err)}`);
    }
  }));
  command('reverie.memory.new', async () => {
    const input = await askNewMemory();
    if (!input) return;
    const file = await createMemory(deps, input);
    tree.refresh();
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  });
  command('reverie.memory.open', open);
  command('reverie.sessions.open', open);
  command('reverie.memory.rename', async (node) => {
    if (node?.kind !== 'topic') return;
    const newName = await vscode.window.showInputBox({ title: 'Rename memory', value: node.name ?? '', validateInput: validateName });
    if (newName === undefined) return;
    await renameMemory(deps, node.path, newName);
    tree.refresh();
  });
  command('reverie.memory.delete', async (node) => {
    if (node?.kind !== 'topic') return;
    const label = node.name ?? path.basename(node.path);
    const ok = await vscode.window.showWarningMessage(`Delete the memory "${label}"?`, { modal: true, detail: 'The file is moved to the trash and its line is removed from MEMORY.md.' }, 'Delete');
    if (ok !== 'Delete') return;
    const deleted = await deleteMemory(deps, node.path);
    tree.refresh();
    const undo = await vscode.window.showInformationMessage(`Deleted memory "${label}".`, 'Undo');
    if (undo === 'Undo') {
      await restoreMemory(deps, deleted);
      tree.refresh();
    }
  });
  command('reverie.sessions.delete', async (node) => {
    if (node?.kind !== 'session') return;
    const ok = await vscode.window.showWarningMessage(`Delete the session transcript ${path.basename(node.path)}?`, { modal: true }, 'Delete');
    if (ok !== 'Delete') return;
    const trashed = await deleteToTrash(vscode.Uri.file(node.path));
    tree.refresh();
    if (!trashed) void vscode.window.showInformationMessage('Session deleted (this file system has no trash).');
  });
  command('reverie.memory.reveal', async (node) => {
    if (node && 'path' in node) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(node.path));
  });
  command('reverie.memory.refresh', () => tree.refresh());
  return vscode.Disposable.from(...subs);
}

/** Type (with what each is for), name, then a one-line description that must fit the index line. */
export async function askNewMemory(): Promise<NewMemory | undefined> {
  const picked = await vscode.window.showQuickPick(
    MEMORY_TYPES.map((type) => ({ label: type, detail: MEMORY_TYPE_HELP[type] })),
    { title: 'New memory (1/3): type', placeHolder: 'What kind of memory is this?' },
  );
  if (!picked) return undefined;
  const name = await vscode.window.showInputBox({ title: 'New memory (2/3): name', prompt: 'A short title', validateInput: validateName });
  if (name === undefined) return undefined;
  const description = await vscode.window.showInputBox({
    title: 'New memory (3/3): description',
    prompt: 'One line saying what it is about; Reverie reads the file when this looks relevant',
    validateInput: (d) => validateDescription(name, d),
  });
  if (description === undefined) return undefined;
  return { type: picked.label as MemoryType, name, description };
}


function linksTo(index: string, file: string): Array<{ title: string; file: string; line: number }> {
  // indexLinks counts lines from 1; callers index the split text from 0.
  return indexLinks(index)
    .filter((l) => path.basename(l.file.split('#')[0]) === file)
    .map((l) => ({ title: l.title, file: l.file, line: l.line - 1 }));
}


