/**
 * .gitignore rules for a folder walk, as git applies them: every .gitignore on the way down adds
 * rules for its own folder, and the .gitignore files above the walk's start (up to the repository
 * root) apply too. Shared by list_files (through the FileSystem port) and the Node FileSearch.
 * It reads through callbacks so it works on any file system and never imports `fs` itself.
 */
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

export interface IgnoreReader {
  /** The text of a file, or undefined when there is none. */
  readText(file: string): Promise<string | undefined>;
  /** Whether anything exists at the path (used to find the repository root's `.git`). */
  exists(file: string): Promise<boolean>;
}

/** Never listed or searched: git's own store. */
export const ALWAYS_SKIPPED = new Set(['.git']);

export class IgnoreRules {
  private constructor(private readonly layers: ReadonlyArray<{ base: string; rules: Ignore }>) {}

  /**
   * The rules from above `folder`: the .gitignore files of its ancestors up to the repository root
   * (the nearest folder holding `.git`). Walkers add the folder's own with `child(folder)`. Without
   * a repository there are none, so a stray ~/.gitignore does not hide a project that is not under
   * git. A folder that these rules ignore was asked for explicitly, so then none apply either.
   */
  static async above(folder: string, reader: IgnoreReader): Promise<IgnoreRules> {
    const chain: string[] = [];
    let repoRoot: string | undefined;
    for (let dir = folder; ; ) {
      if (await reader.exists(path.join(dir, '.git'))) {
        repoRoot = dir;
        break;
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      chain.push(parent);
      dir = parent;
    }
    let rules = IgnoreRules.empty();
    if (!repoRoot) return rules;
    for (const dir of chain.reverse()) rules = await rules.child(dir, reader);
    return rules.ignores(folder, true) ? IgnoreRules.empty() : rules;
  }

  static empty(): IgnoreRules {
    return new IgnoreRules([]);
  }

  /** These rules plus `folder/.gitignore`, if there is one: the rules for walking inside `folder`. */
  async child(folder: string, reader: IgnoreReader): Promise<IgnoreRules> {
    const text = await reader.readText(path.join(folder, '.gitignore'));
    if (text === undefined || text.trim() === '') return this;
    return new IgnoreRules([...this.layers, { base: folder, rules: ignore().add(text) }]);
  }

  /** Whether `file` (absolute) is ignored; `isFolder` makes folder-only patterns like `build/` apply. */
  ignores(file: string, isFolder: boolean): boolean {
    if (ALWAYS_SKIPPED.has(path.basename(file))) return true;
    // Later (deeper) layers win, like git: a nested `!keep.log` re-includes what a parent ignored.
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const { base, rules } = this.layers[i];
      const rel = path.relative(base, file);
      if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) continue;
      const result = rules.test(rel.split(path.sep).join('/') + (isFolder ? '/' : ''));
      if (result.ignored) return true;
      if (result.unignored) return false;
    }
    return false;
  }
}
