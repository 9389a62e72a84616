/**
 * Instruction files (tier 1): `AGENTS.md` and `CLAUDE.md` at user level and from the workspace root
 * down to the working folder, with their `@path` imports. Imported files come right after the file
 * that imports them, as entries of their own, each shown once. Nested files (in folders below the
 * working folder) are attached when the agent first reads something there: `NestedInstructions`.
 */
import * as path from 'node:path';
import { isInside } from '../permissions/paths';
import type { FileSystem } from '../ports';
import { scanMarkdown } from './markdownScan';

export const INSTRUCTION_FILES = ['AGENTS.md', 'CLAUDE.md'] as const;
/** How many hops of `@path` imports are followed from a discovered file. */
export const MAX_IMPORT_DEPTH = 5;

export interface InstructionFile {
  path: string;
  scope: 'user' | 'project';
  /** The text with HTML comments stripped; `@path` references are left as written. */
  content: string;
  /** Things the user should know: imports skipped as missing, cyclic, too deep or not allowed. */
  notes: string[];
  /** The file whose `@path` brought this one in. */
  importedFrom?: string;
}

export interface InstructionOptions {
  /** Workspace folders (absolute). */
  roots: readonly string[];
  /** The working folder (absolute). */
  cwd: string;
  /** `<home>/.reverie`: where the user-level AGENTS.md / CLAUDE.md live. */
  userDir: string;
  /** For `~/` imports. */
  home: string;
  /**
   * Gate for imports, e.g. to ask before a repository's file pulls in something outside the
   * workspace. Default: everything is allowed.
   */
  allowImport?(target: string, importer: InstructionFile): boolean | Promise<boolean>;
}

export async function loadInstructions(fs: FileSystem, options: InstructionOptions): Promise<InstructionFile[]> {
  const loader = new Loader(fs, options);
  const files: InstructionFile[] = [];
  for (const name of INSTRUCTION_FILES) files.push(...(await loader.load(path.join(options.userDir, name), 'user')));
  for (const folder of projectFolders(options.roots, options.cwd)) {
    for (const name of INSTRUCTION_FILES) files.push(...(await loader.load(path.join(folder, name), 'project')));
  }
  return files;
}

/**
 * Folders whose instruction files load at the start: for the root holding cwd, every folder from
 * it down to cwd; for the other roots, the root itself. cwd outside every root: cwd alone.
 */
export function projectFolders(roots: readonly string[], cwd: string): string[] {
  const folders: string[] = [];
  const home = containingRoot(roots, cwd);
  for (const root of roots.map((r) => path.resolve(r))) {
    if (root === home) folders.push(...chain(root, path.resolve(cwd)));
    else folders.push(root);
  }
  if (home === undefined) folders.push(path.resolve(cwd));
  return [...new Set(folders)];
}

/**
 * Attaches the instruction files of folders the agent reaches later. `forPath(file)` returns the
 * files (with imports) in folders from the workspace root down to that file's folder that have
 * not been attached yet; each file is attached once per conversation.
 */
export class NestedInstructions {
  private readonly loader: Loader;
  private readonly checked = new Set<string>();
  private primed: Promise<void> | undefined;

  constructor(
    fs: FileSystem,
    private readonly options: Omit<InstructionOptions, 'cwd'>,
    /** What `loadInstructions` already put in the conversation. */
    private readonly attached: readonly InstructionFile[] = [],
  ) {
    this.loader = new Loader(fs, { ...options, cwd: options.roots[0] ?? '/' });
  }

  async forPath(file: string): Promise<InstructionFile[]> {
    this.primed ??= this.loader.markSeen(this.attached.map((f) => f.path));
    await this.primed;
    const root = containingRoot(this.options.roots, file);
    if (root === undefined) return [];
    const found: InstructionFile[] = [];
    for (const folder of chain(root, path.dirname(path.resolve(file)))) {
      if (this.checked.has(folder)) continue;
      this.checked.add(folder);
      for (const name of INSTRUCTION_FILES) found.push(...(await this.loader.load(path.join(folder, name), 'project')));
    }
    return found;
  }
}

class Loader {
  /** Real paths of files already emitted. */
  private readonly seen = new Set<string>();

  constructor(
    private readonly fs: FileSystem,
    private readonly options: InstructionOptions,
  ) {}

  async markSeen(paths: readonly string[]): Promise<void> {
    for (const p of paths) this.seen.add(await this.real(p));
  }

  /** A discovered file and its imports; nothing when it does not exist or was already emitted. */
  async load(file: string, scope: InstructionFile['scope']): Promise<InstructionFile[]> {
    const stat = await this.fs.stat(file).catch(() => undefined);
    if (stat?.kind !== 'file') return [];
    const out: InstructionFile[] = [];
    await this.visit(file, scope, [], undefined, out);
    return out;
  }

  /**
   * Reads `file` (known to exist) and follows its imports depth-first. `stack` holds the real
   * paths of the importers, for cycle detection. Returns why the file could not be read, if so.
   */
  private async visit(file: string, scope: InstructionFile['scope'], stack: string[], importer: InstructionFile | undefined, out: InstructionFile[]): Promise<string | undefined> {
    const real = await this.real(file);
    if (this.seen.has(real)) return undefined;
    let raw: string;
    try {
      raw = new TextDecoder().decode(await this.fs.readFile(file));
    } catch (err) {
      return `could not be read (${err instanceof Error ? err.message : String(err)})`;
    }
    this.seen.add(real);
    const { text, imports } = scanMarkdown(raw.replace(/^\uFEFF/, ''));
    const entry: InstructionFile = { path: file, scope, content: text, notes: [], ...(importer && { importedFrom: importer.path }) };
    out.push(entry);
    const here = [...stack, real];
    for (const ref of imports) {
      const label = `@${ref.target} (line ${ref.line})`;
      const target = this.resolve(ref.target, file);
      if (here.length > MAX_IMPORT_DEPTH) {
        entry.notes.push(`${label} not imported: imports are followed at most ${MAX_IMPORT_DEPTH} levels deep`);
        continue;
      }
      const stat = await this.fs.stat(target).catch(() => undefined);
      if (stat === undefined) {
        entry.notes.push(`${label} skipped: ${target} does not exist`);
        continue;
      }
      if (stat.kind !== 'file') {
        entry.notes.push(`${label} skipped: ${target} is not a file`);
        continue;
      }
      const targetReal = await this.real(target);
      const cycle = here.indexOf(targetReal);
      if (cycle !== -1) {
        const loop = [...here.slice(cycle), targetReal].map((p) => path.basename(p)).join(' -> ');
        entry.notes.push(`${label} skipped: import cycle (${loop})`);
        continue;
      }
      if (this.options.allowImport && !(await this.options.allowImport(target, entry))) {
        entry.notes.push(`${label} not imported: not allowed`);
        continue;
      }
      const problem = await this.visit(target, scope, here, entry, out);
      if (problem) entry.notes.push(`${label} skipped: ${target} ${problem}`);
    }
    return undefined;
  }

  private resolve(target: string, importer: string): string {
    if (target === '~' || target.startsWith('~/')) return path.join(this.options.home, target.slice(1));
    return path.resolve(path.dirname(importer), target);
  }

  private async real(file: string): Promise<string> {
    try {
      return await this.fs.realPath(file);
    } catch {
      return path.resolve(file);
    }
  }
}

/** The deepest root that holds `target` (or is it). */
function containingRoot(roots: readonly string[], target: string): string | undefined {
  const abs = path.resolve(target);
  let best: string | undefined;
  for (const root of roots.map((r) => path.resolve(r))) {
    if (isInside(abs, root) && (best === undefined || root.length > best.length)) best = root;
  }
  return best;
}


/** `from`, then each folder down to `to` (which must be inside `from`). */
function chain(from: string, to: string): string[] {
  const folders = [from];
  const rel = path.relative(from, to);
  if (rel === '') return folders;
  let current = from;
  for (const part of rel.split(path.sep)) {
    current = path.join(current, part);
    folders.push(current);
  }
  return folders;
}
