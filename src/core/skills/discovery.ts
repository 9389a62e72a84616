/**
 * Finding skills: `<folder>/<name>/SKILL.md` in the user's, the project's (cwd and its parents up
 * to the repository root) and, for people coming from Claude Code, the `.claude/skills` folders.
 * A malformed SKILL.md is skipped with a problem and a log line; discovery never throws for one.
 */
import * as path from 'node:path';
import { isInside } from '../permissions/paths';
import type { FileSystem, Logger } from '../ports';
import { parseFrontmatter } from '../memory/frontmatter';
import { keyedMessage, skillFrontmatter } from '../memory/schema';
import { markdownText } from '../memory/textFile';
import { toolEntries } from './allowedTools';
import { SKILL_FILE, type Skill, type SkillPlaces, type SkillProblem, type SkillSet, type SkillSource } from './types';

/** One folder that holds skill folders, and where its skills rank. */
export interface SkillFolder {
  /** e.g. `/repo/.reverie/skills`. */
  dir: string;
  source: SkillSource;
}

const REVERIE_SKILLS = path.join('.reverie', 'skills');
const CLAUDE_SKILLS = path.join('.claude', 'skills');

/**
 * The project levels: cwd and each parent, nearest first, up to the repository root (the first
 * folder with `.git`) or a workspace root, whichever comes first. Home and anything above it are
 * never project levels (`~/.reverie/skills` is the user's folder).
 */
export async function projectLevels(fs: FileSystem, places: Pick<SkillPlaces, 'cwd' | 'roots' | 'home'>): Promise<string[]> {
  const home = path.resolve(places.home);
  const roots = places.roots.map((r) => path.resolve(r));
  const levels: string[] = [];
  for (let dir = path.resolve(places.cwd); ; dir = path.dirname(dir)) {
    if (isInside(home, dir)) break; // home itself, or above it
    levels.push(dir);
    if (roots.includes(dir) || (await fs.stat(path.join(dir, '.git'))) !== undefined) break;
    if (path.dirname(dir) === dir) break;
  }
  return levels;
}

/** Every folder to read, highest precedence first: user, claude-user, project, claude-project, bundled. */
export async function skillFolders(fs: FileSystem, places: SkillPlaces): Promise<SkillFolder[]> {
  const levels = await projectLevels(fs, places);
  const folders: SkillFolder[] = [{ dir: path.join(places.home, REVERIE_SKILLS), source: 'user' }];
  if (places.includeClaudeCode) folders.push({ dir: path.join(places.home, CLAUDE_SKILLS), source: 'claude-user' });
  folders.push(...levels.map((l) => ({ dir: path.join(l, REVERIE_SKILLS), source: 'project' as const })));
  if (places.includeClaudeCode) folders.push(...levels.map((l) => ({ dir: path.join(l, CLAUDE_SKILLS), source: 'claude-project' as const })));
  if (places.bundledDir) folders.push({ dir: places.bundledDir, source: 'bundled' });
  return folders;
}

/** All skills from `places`, one per name (the highest-precedence one wins), sorted by name. */
export async function discoverSkills(fs: FileSystem, places: SkillPlaces, log: Logger): Promise<SkillSet> {
  return readFolders(fs, await skillFolders(fs, places), places, log);
}

/**
 * Skill folders between a touched file's folder and cwd (cwd excluded: it is already scanned),
 * nearest first, ranked as project skills. Empty for files outside cwd.
 */
export async function nestedSkillFolders(fs: FileSystem, fileAbs: string, places: SkillPlaces): Promise<SkillFolder[]> {
  const cwd = path.resolve(places.cwd);
  const target = path.resolve(fileAbs);
  if (!isInside(target, cwd) || target === cwd) return [];
  const isDir = (await fs.stat(target))?.kind === 'directory';
  const levels: string[] = [];
  for (let dir = isDir ? target : path.dirname(target); dir !== cwd && isInside(dir, cwd); dir = path.dirname(dir)) {
    // A path inside a skills folder itself is not a project level.
    if (!path.relative(cwd, dir).split(path.sep).some((part) => part === '.reverie' || part === '.claude')) levels.push(dir);
  }
  const folders: SkillFolder[] = levels.map((l) => ({ dir: path.join(l, REVERIE_SKILLS), source: 'project' as const }));
  if (places.includeClaudeCode) folders.push(...levels.map((l) => ({ dir: path.join(l, CLAUDE_SKILLS), source: 'claude-project' as const })));
  return folders;
}

/** The skills of the nested folders for a touched file (see `nestedSkillFolders`). */
export async function discoverNested(fs: FileSystem, fileAbs: string, places: SkillPlaces, log?: Logger): Promise<SkillSet & { folders: SkillFolder[] }> {
  const folders = await nestedSkillFolders(fs, fileAbs, places);
  return { ...(await readFolders(fs, folders, places, log)), folders };
}

/** Reads the folders in precedence order and keeps the first skill of each name. */
export async function readFolders(fs: FileSystem, folders: readonly SkillFolder[], places: Pick<SkillPlaces, 'disabled'>, log?: Logger): Promise<SkillSet> {
  const read = await Promise.all(folders.map((f) => readSkillFolder(fs, f, places, log)));
  return mergeSkills(read.map((r) => r.skills), read.flatMap((r) => r.problems));
}

/** One set from lists already in precedence order. */
export function mergeSkills(lists: ReadonlyArray<readonly Skill[]>, problems: SkillProblem[] = []): SkillSet {
  const byName = new Map<string, Skill>();
  const shadowed: SkillSet['shadowed'] = [];
  for (const skill of lists.flat()) {
    const winner = byName.get(skill.name);
    if (winner) shadowed.push({ skill, by: winner });
    else byName.set(skill.name, skill);
  }
  const skills = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { skills, shadowed, problems };
}

/** The skills of one folder (`<folder>/<name>/SKILL.md`), sorted by folder name. */
async function readSkillFolder(fs: FileSystem, folder: SkillFolder, places: Pick<SkillPlaces, 'disabled'>, log?: Logger): Promise<{ skills: Skill[]; problems: SkillProblem[] }> {
  let entries: Array<{ name: string; kind: string }>;
  try {
    if ((await fs.stat(folder.dir))?.kind !== 'directory') return { skills: [], problems: [] };
    entries = await fs.readDirectory(folder.dir);
  } catch (err) {
    log?.warn(`skills: cannot read ${folder.dir}: ${message(err)}`);
    return { skills: [], problems: [] };
  }
  const skills: Skill[] = [];
  const problems: SkillProblem[] = [];
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.kind === 'file') continue;
    const dir = path.join(folder.dir, entry.name);
    const file = path.join(dir, SKILL_FILE);
    let text: string;
    try {
      // Symlinked skill folders (common in Claude Code setups) are followed by stat.
      if ((await fs.stat(file))?.kind !== 'file') continue;
      const read = markdownText(await fs.readFile(file));
      if (read.problem !== undefined) throw new Error(`${SKILL_FILE} ${read.problem}`);
      text = read.text;
    } catch (err) {
      problems.push({ file, source: folder.source, message: `cannot be read: ${message(err)}` });
      log?.warn(`skills: skipped ${file}: cannot be read: ${message(err)}`);
      continue;
    }
    const parsed = parseSkillFile(text, { file, dir, source: folder.source, folderName: entry.name, disabled: places.disabled });
    if ('problem' in parsed) {
      problems.push({ file, source: folder.source, message: parsed.problem });
      log?.warn(`skills: skipped ${file}: ${parsed.problem}`);
    } else {
      skills.push(parsed.skill);
    }
  }
  return { skills, problems };
}

export interface SkillFileInfo {
  file: string;
  dir: string;
  source: SkillSource;
  /** The folder's name: the skill's name when the frontmatter has none (as in Claude Code). */
  folderName: string;
  disabled: readonly string[];
}

/** A SKILL.md's text as a Skill, or the reason it cannot be used. */
export function parseSkillFile(text: string, info: SkillFileInfo): { skill: Skill } | { problem: string } {
  const fm = parseFrontmatter(text);
  if (!fm.present) return { problem: 'no frontmatter: start the file with a --- block holding name and description' };
  if (fm.error) return { problem: `${fm.error.message} (line ${fm.error.line})` };
  if (fm.data === null || typeof fm.data !== 'object' || Array.isArray(fm.data)) {
    return { problem: 'frontmatter must be a mapping of keys (name, description, ...)' };
  }
  const data = { ...(fm.data as Record<string, unknown>) };
  if (data.name === undefined || data.name === null) data.name = info.folderName;
  const result = skillFrontmatter.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    const missing = key !== undefined && !(key in data);
    const text = key === undefined ? issue.message : keyedMessage(key, issue.message);
    return { problem: missing ? `${key} is required` : key === 'name' ? `${text} (got ${clip(JSON.stringify(data.name) ?? String(data.name))})` : text };
  }
  const f = result.data;
  const list = (v: string | string[] | undefined, split: (s: string) => string[]) =>
    v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap(split).map((s) => s.trim()).filter(Boolean);
  const skill: Skill = {
    name: f.name,
    description: f.description.trim(),
    whenToUse: f.when_to_use?.trim() || undefined,
    allowedTools: list(f['allowed-tools'], (s) => toolEntries(s).map((e) => e.text)),
    argumentHint: f['argument-hint'],
    disableModelInvocation: f['disable-model-invocation'] ?? false,
    userInvocable: f['user-invocable'] ?? true,
    model: f.model,
    paths: list(f.paths, (s) => s.split(',')),
    context: f.context,
    source: info.source,
    dir: info.dir,
    file: info.file,
    frontmatter: result.data as Record<string, unknown>,
    disabled: info.disabled.includes(f.name),
  };
  return { skill };
}

/**
 * The folder `paths` globs are relative to: for a project skill the folder holding its
 * `.reverie`/`.claude` folder; for user and bundled skills, cwd.
 */
export function skillProjectRoot(skill: Skill, cwd: string): string {
  if (skill.source === 'project' || skill.source === 'claude-project') return path.dirname(path.dirname(path.dirname(skill.dir)));
  return cwd;
}

/** A value quoted in a message, cut so a huge one cannot flood it. */
const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
