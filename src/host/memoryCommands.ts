/**
 * Commands of the Reverie Memory view. Each effect is an exported function taking its answers as
 * arguments (the integration tests call them directly); the registered commands ask the user first.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { indexLinks } from '../core/memory/memoryIndex';
import { INDEX_FILE, INDEX_LINE_SOFT_MAX, MEMORY_TYPE_HELP, MEMORY_TYPES, type MemoryType } from '../core/memory/schema';
import type { FileSystem } from '../core/ports';
import type { MemoryNode, MemoryTreeProvider } from './memoryTreeProvider';

export interface MemoryCommandDeps {
  fs: FileSystem;
  projectMemoryDir: () => string;
}

export interface NewMemory {
  type: MemoryType;
  name: string;
  description: string;
}

/** What delete removed, enough to put it back. */
export interface DeletedMemory {
  path: string;
  content: Uint8Array;
  /** Index lines removed, with their 0-based line numbers in the index before removal. */
  indexPath: string;
  indexLines: Array<{ line: number; text: string }>;
}

export function indexLine(name: string, file: string, description: string): string {
  return `- [${escapeTitle(name)}](${file}) — ${description}`;
}

export function validateName(name: string): string | undefined {
  if (!name.trim()) return 'A name is required.';
  if (name.includes('\n')) return 'The name must be one line.';
  if (!slugify(name)) return 'The name needs at least one letter or digit.';
  return undefined;
}

export function validateDescription(name: string, description: string): string | undefined {
  const d = description.trim();
  if (!d) return 'A one-line description is required: Reverie uses it to decide when to read this memory.';
  if (/[\r\n]/.test(d)) return 'The description must be one line.';
  const len = indexLine(name.trim(), `${slugify(name)}.md`, d).length;
  if (len > INDEX_LINE_SOFT_MAX) return `The index line would be ${len} characters; keep it under ${INDEX_LINE_SOFT_MAX} (shorten by ${len - INDEX_LINE_SOFT_MAX}).`;
  return undefined;
}

export function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
}

/** Writes `<slug>.md` with frontmatter and adds its line to MEMORY.md (created if missing). Returns the new file's path. */
export async function createMemory(deps: MemoryCommandDeps, input: NewMemory): Promise<string> {
  const problem = validateName(input.name) ?? validateDescription(input.name, input.description);
  if (problem) throw new Error(problem);
  const dir = deps.projectMemoryDir();
  const name = input.name.trim();
  const description = input.description.trim();
  const slug = slugify(name);
  let file = `${slug}.md`;
  for (let n = 2; await deps.fs.stat(path.join(dir, file)); n++) file = `${slug}-${n}.md`;
  const target = path.join(dir, file);
  await deps.fs.writeFile(target, `---\nname: ${yamlScalar(name)}\ndescription: ${yamlScalar(description)}\ntype: ${input.type}\n---\n\n`);
  const indexPath = path.join(dir, INDEX_FILE);
  const index = await readText(deps.fs, indexPath);
  const prefix = index === undefined || index === '' ? '' : index.endsWith('\n') ? index : `${index}\n`;
  await deps.fs.writeFile(indexPath, `${prefix}${indexLine(name, file, description)}\n`);
  return target;
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
  await deleteToTrash(vscode.Uri.file(file));
  const indexPath = path.join(path.dirname(file), INDEX_FILE);
  const index = await readText(deps.fs, indexPath);
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

function escapeTitle(name: string): string {
  return name.replace(/[[\]\\]/g, '\\$&');
}

function linksTo(index: string, file: string): Array<{ title: string; file: string; line: number }> {
  // indexLinks counts lines from 1; callers index the split text from 0.
  return indexLinks(index)
    .filter((l) => path.basename(l.file.split('#')[0]) === file)
    .map((l) => ({ title: l.title, file: l.file, line: l.line - 1 }));
}

async function readText(fs: FileSystem, p: string): Promise<string | undefined> {
  if (!(await fs.stat(p))) return undefined;
  return new TextDecoder().decode(await fs.readFile(p));
}

/** A YAML scalar: plain when that is unambiguous, otherwise double-quoted (JSON strings are valid YAML). */
function yamlScalar(s: string): string {
  return /^[A-Za-z0-9][^:#\n"'{}[\],&*!|>%@`]*$/.test(s) && !/\s$/.test(s) ? s : JSON.stringify(s);
}
