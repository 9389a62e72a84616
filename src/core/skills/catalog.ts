/**
 * The skills of one window (or CLI run): discovery, the listing reminders, loading a skill's body
 * into a conversation (once), `/name args` from the chat, and what a touched file brings in
 * (nested skill folders, `paths` activation, a check after writing a SKILL.md).
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import { expandHome, isInside, toPosix } from '../permissions/paths';
import type { FileSystem, Logger } from '../ports';
import { SKILL_NAME } from '../memory/schema';
import type { ConversationHooks } from '../session/hooks';
import type { ToolResult, ToolSession } from '../tools/tool';
import { toPermissionRules } from './allowedTools';
import { discoverSkills, mergeSkills, nestedSkillFolders, parseSkillFile, readFolders, skillProjectRoot, type SkillFolder } from './discovery';
import { formatSkillListing, isListable, listingBudget, skillListingReminder } from './listing';
import { renderSkill } from './render';
import { SKILL_FILE, type Skill, type SkillPlaces, type SkillRegistry, type SkillSet } from './types';
import { markdownText } from '../memory/textFile';

export interface SkillCatalogDeps {
  fs: FileSystem;
  places(): SkillPlaces;
  log: Logger;
  /** The model's context window in tokens, for the listing budget; undefined: 8,000 characters. */
  contextWindow?(): number | undefined;
  /** Problems the language server's analyzer finds in a SKILL.md (injected by the host / CLI). */
  checkSkillFile?(text: string): string[];
}

/** Tools whose `path` input names a file or folder the agent touched. */
const PATH_TOOLS = new Set(['read_file', 'write_file', 'edit_file', 'list_files', 'glob', 'grep']);
const WRITE_TOOLS = new Set(['write_file', 'edit_file']);

const EMPTY: SkillSet = { skills: [], shadowed: [], problems: [] };

export class SkillCatalog implements SkillRegistry {
  private set: SkillSet = EMPTY;
  private signature = '';
  private scanned = false;
  /** Nested skill folders already read (found when the agent touched files below cwd). */
  private readonly nestedFolders: SkillFolder[] = [];
  private readonly nestedSeen = new Set<string>();
  private readonly listeners = new Set<(set: SkillSet) => void>();
  /** `allowed-tools` of a `/name` command, applied when its message is sent (send() clears turn rules first). */
  private readonly pendingRules = new WeakMap<ToolSession, string[]>();

  constructor(private readonly deps: SkillCatalogDeps) {}

  get current(): SkillSet {
    return this.set;
  }

  /** Rescans every folder; listeners hear about it when the set changed. Never throws. */
  async scan(): Promise<SkillSet> {
    const places = this.deps.places();
    let set: SkillSet;
    try {
      const found = await discoverSkills(this.deps.fs, places, this.deps.log);
      const nested = await readFolders(this.deps.fs, this.nestedFolders, places, this.deps.log);
      set = mergeSkills([found.skills, nested.skills], [...found.problems, ...nested.problems]);
      set.shadowed.unshift(...found.shadowed, ...nested.shadowed);
    } catch (err) {
      this.deps.log.error(`skills: scan failed: ${err instanceof Error ? err.message : String(err)}`);
      return this.set;
    }
    this.scanned = true;
    this.update(set);
    return set;
  }

  /** An enabled skill by name (the effective one, after precedence). */
  find(name: string): Skill | undefined {
    return this.set.skills.find((s) => s.name === name && !s.disabled);
  }

  onDidChange(listener: (set: SkillSet) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /**
   * The skill's instructions for this conversation, read fresh from SKILL.md. A skill already
   * loaded is not injected again: the model gets a short note pointing at the earlier text.
   * Either way its `allowed-tools` are allowed for the rest of this turn.
   */
  async load(skill: Skill, args: string, session: ToolSession): Promise<{ text: string; alreadyLoaded: boolean }> {
    this.allowForTurn(skill, session.turnRules);
    return this.inject(skill, args, session);
  }

  /**
   * The user's `/name args` in the chat: undefined when the text is not a skill command at all,
   * an error to show when no such skill can be run, otherwise the prompt to send in its place.
   * The skill's `allowed-tools` apply to the turn that sends it (through the hooks).
   */
  async expandCommand(text: string, session: ToolSession): Promise<{ skill: Skill; prompt: string } | { error: string } | undefined> {
    const m = /^\/(\S+)(?:\s+([\s\S]*))?$/.exec(text.trim());
    if (!m || !SKILL_NAME.test(m[1])) return undefined;
    const [, name, rawArgs = ''] = m;
    const args = rawArgs.trim();
    await this.scan();
    const skill = this.set.skills.find((s) => s.name === name);
    if (!skill) {
      const runnable = this.set.skills.filter((s) => !s.disabled && s.userInvocable).map((s) => s.name);
      const close = closestNames(name, runnable);
      return {
        error: `No skill named "${name}".` +
          (close.length ? ` Did you mean ${close.map((n) => `/${n}`).join(', ')}?` : runnable.length ? ` Skills you can run: ${runnable.map((n) => `/${n}`).join(', ')}.` : ' No skills are installed.'),
      };
    }
    if (skill.disabled) return { error: `The skill "${name}" is turned off. Turn it on in the Skills view to use /${name}.` };
    if (!skill.userInvocable) return { error: `The skill "${name}" is only for the model (user-invocable: false); it cannot be run as /${name}.` };
    const loaded = await this.inject(skill, args, session);
    const pending: string[] = [];
    this.allowForTurn(skill, pending);
    this.pendingRules.set(session, pending);
    const invoked = `The user invoked the skill /${name}${args ? ` with the arguments: ${args}` : ' (no arguments)'}. Follow its instructions.`;
    return { skill, prompt: `${loaded.text}\n\n${invoked}` };
  }

  readonly hooks: ConversationHooks = {
    startReminder: async (session) => {
      this.applyPending(session);
      await this.scan();
      return this.announce(this.set.skills.filter((s) => s.paths.length === 0), session, false);
    },
    nextReminder: async (session) => {
      this.applyPending(session);
      await this.scan();
      return this.announce(this.set.skills.filter((s) => s.paths.length === 0), session, true);
    },
    afterTool: (name, input, result, session) => this.afterTool(name, input, result, session),
  };

  // ---- internals ------------------------------------------------------------------------------

  private update(set: SkillSet): void {
    const signature = JSON.stringify([set.skills, set.shadowed.map((s) => [s.skill.file, s.by.file]), set.problems]);
    this.set = set;
    if (signature === this.signature) return;
    this.signature = signature;
    for (const listener of [...this.listeners]) {
      try {
        listener(set);
      } catch (err) {
        this.deps.log.error(`skills: a change listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  private async inject(skill: Skill, args: string, session: ToolSession): Promise<{ text: string; alreadyLoaded: boolean }> {
    if (session.loadedSkills.has(skill.name)) {
      return {
        alreadyLoaded: true,
        text: `The skill "${skill.name}" is already loaded in this conversation: its instructions are above. Follow them${args.trim() ? ` with the arguments: ${args.trim()}` : ''}; they are not repeated here.`,
      };
    }
    // Claimed before the read: the skill tool is read-only, so two calls can run in parallel.
    session.loadedSkills.set(skill.name, '');
    try {
      const read = markdownText(await this.deps.fs.readFile(skill.file));
      if (read.problem !== undefined) throw new Error(`${skill.file} ${read.problem}`);
      const text = renderSkill(skill, read.text, args);
      session.loadedSkills.set(skill.name, text);
      return { text, alreadyLoaded: false };
    } catch (err) {
      session.loadedSkills.delete(skill.name);
      throw err;
    }
  }

  private allowForTurn(skill: Skill, into: string[]): void {
    if (!skill.allowedTools.length) return;
    const { rules, problems } = toPermissionRules(skill.allowedTools);
    for (const p of problems) this.deps.log.warn(`skills: ${skill.file}: ${p}`);
    for (const r of rules) if (!into.includes(r)) into.push(r);
  }

  private applyPending(session: ToolSession): void {
    const pending = this.pendingRules.get(session);
    if (!pending) return;
    this.pendingRules.delete(session);
    for (const r of pending) if (!session.turnRules.includes(r)) session.turnRules.push(r);
  }

  /** A listing reminder for the listable skills not yet listed in this conversation (marks them listed). */
  private announce(candidates: readonly Skill[], session: ToolSession, fresh: boolean, reason?: string): string | undefined {
    const toList = candidates.filter((s) => isListable(s) && !session.listedSkills.has(s.name));
    if (!toList.length) return undefined;
    const listing = formatSkillListing(toList, listingBudget(this.deps.contextWindow?.()));
    for (const name of listing.listed) session.listedSkills.add(name);
    if (listing.mode !== 'full') this.deps.log.info(`skills: listing over budget; ${listing.mode === 'names' ? 'names only' : `descriptions cut to ${listing.cap} characters`}`);
    return skillListingReminder(listing.text, { fresh, reason, mode: listing.mode });
  }

  private async afterTool(toolName: string, input: unknown, result: ToolResult, session: ToolSession): Promise<string | undefined> {
    if (!PATH_TOOLS.has(toolName) || result.isError) return undefined;
    const raw = (input as { path?: unknown } | null)?.path;
    if (typeof raw !== 'string' || raw === '') return undefined;
    const places = this.deps.places();
    const abs = path.resolve(places.cwd, expandHome(raw, places.home));
    if (!this.scanned) await this.scan();
    const parts: string[] = [];

    // Nested skill folders between the touched path and cwd, read once each.
    const freshFolders = (await nestedSkillFolders(this.deps.fs, abs, places)).filter((f) => !this.nestedSeen.has(f.dir));
    if (freshFolders.length) {
      for (const f of freshFolders) this.nestedSeen.add(f.dir);
      this.nestedFolders.push(...freshFolders);
      const nested = await readFolders(this.deps.fs, freshFolders, places, this.deps.log);
      const known = new Set(this.set.skills.map((s) => s.name));
      const added = nested.skills.filter((s) => !known.has(s.name));
      if (added.length || nested.problems.length) {
        const merged = mergeSkills([this.set.skills, added], [...this.set.problems, ...nested.problems]);
        this.update({ ...merged, shadowed: [...this.set.shadowed, ...merged.shadowed] });
      }
      const rel = toPosix(path.relative(places.cwd, abs));
      const text = this.announce(added.filter((s) => s.paths.length === 0 || pathsMatch(s, abs, places.cwd)), session, true, `They come from a skills folder near ${rel}.`);
      if (text) parts.push(text);
    }

    // Skills whose `paths` match the touched file.
    const matching = this.set.skills.filter((s) => s.paths.length > 0 && !session.listedSkills.has(s.name) && pathsMatch(s, abs, places.cwd));
    const activated = this.announce(matching, session, true, `They apply to files like ${toPosix(path.relative(places.cwd, abs)) || '.'}.`);
    if (activated) parts.push(activated);

    // A SKILL.md the agent just wrote: check it, and pick it up.
    if (WRITE_TOOLS.has(toolName) && path.basename(abs) === SKILL_FILE) {
      parts.push(await this.checkWritten(abs));
      await this.scan();
      const fresh = this.announce(this.set.skills.filter((s) => s.file === abs && s.paths.length === 0), session, true);
      if (fresh) parts.push(fresh);
    }
    return parts.length ? parts.join('\n\n') : undefined;
  }

  private async checkWritten(file: string): Promise<string> {
    let text: string;
    try {
      const read = markdownText(await this.deps.fs.readFile(file));
      if (read.problem !== undefined) return `SKILL.md ${read.problem}; the skill cannot load until it is.`;
      text = read.text;
    } catch (err) {
      return `SKILL.md could not be read back for checking: ${err instanceof Error ? err.message : String(err)}`;
    }
    let problems: string[];
    if (this.deps.checkSkillFile) {
      problems = this.deps.checkSkillFile(text);
    } else {
      const parsed = parseSkillFile(text, { file, dir: path.dirname(file), source: 'project', folderName: path.basename(path.dirname(file)), disabled: [] });
      problems = 'problem' in parsed ? [parsed.problem] : [];
    }
    return problems.length
      ? `SKILL.md checked: ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix:\n${problems.map((p) => `- ${p}`).join('\n')}`
      : 'SKILL.md checked: no problems.';
  }
}

/** Whether a touched path matches the skill's `paths` globs, relative to its project root. */
function pathsMatch(skill: Skill, abs: string, cwd: string): boolean {
  const root = skillProjectRoot(skill, cwd);
  if (!isInside(abs, root)) return false;
  const rel = toPosix(path.relative(root, abs));
  if (rel === '') return false;
  return picomatch(skill.paths, { dot: true })(rel);
}

/** Up to three names closest to `name` (edit distance at most a third of its length, or a shared prefix). */
export function closestNames(name: string, names: readonly string[]): string[] {
  const scored = names
    .map((n) => ({ n, d: distance(name, n) }))
    .filter(({ n, d }) => d <= Math.max(2, Math.floor(name.length / 3)) || n.startsWith(name) || name.startsWith(n) || n.includes(name));
  return scored.sort((a, b) => a.d - b.d || (a.n < b.n ? -1 : 1)).slice(0, 3).map((s) => s.n);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
