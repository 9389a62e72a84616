/**
 * Skills: folders with a SKILL.md whose frontmatter says what the skill does and when to use it.
 * The metadata is always listed to the model (cheaply, in a reminder); the body is loaded only
 * when the model calls the `skill` tool or the user types `/name args`.
 */

/**
 * Where a skill was found. Precedence when two share a name, highest first:
 * user > claude-user > project > claude-project > bundled (nearest project folder first).
 */
export type SkillSource = 'user' | 'claude-user' | 'project' | 'claude-project' | 'bundled';

export const SKILL_SOURCE_LABEL: Record<SkillSource, string> = {
  user: 'user',
  'claude-user': 'user, Claude Code folder',
  project: 'project',
  'claude-project': 'project, Claude Code folder',
  bundled: 'built in',
};

export const SKILL_FILE = 'SKILL.md';

export interface Skill {
  name: string;
  description: string;
  whenToUse?: string;
  /** `allowed-tools` as written (Claude Code names such as `Bash(git add:*)` included). */
  allowedTools: string[];
  argumentHint?: string;
  /** Not listed to the model, and the model cannot invoke it; the user still can. */
  disableModelInvocation: boolean;
  /** false: not offered as `/name` to the user. */
  userInvocable: boolean;
  model?: string;
  /** Globs; when non-empty the skill is listed only once the agent touches a matching file. */
  paths: string[];
  context?: 'fork';
  source: SkillSource;
  /** The skill's base folder (holds SKILL.md and its scripts, references, templates): `${SKILL_DIR}`. */
  dir: string;
  /** Absolute path of SKILL.md. */
  file: string;
  /** Every frontmatter key as parsed, unknown ones included. */
  frontmatter: Record<string, unknown>;
  /** Turned off by the user (setting `reverie.skills.disabled`): not listed, not invocable. */
  disabled: boolean;
}

/** A SKILL.md that could not be used, and why. It is skipped; the session goes on. */
export interface SkillProblem {
  file: string;
  source: SkillSource;
  message: string;
}

export interface SkillSet {
  /** One skill per name (the highest-precedence one), sorted by name. Disabled ones included, flagged. */
  skills: Skill[];
  /** Skills hidden by a higher-precedence skill of the same name. */
  shadowed: Array<{ skill: Skill; by: Skill }>;
  problems: SkillProblem[];
}

/** Where to look, read fresh on every scan (folders and settings change). */
export interface SkillPlaces {
  /** Absolute working folder: `.reverie/skills` here and in parent folders up to the repository root. */
  cwd: string;
  /** Workspace roots; the upward walk stops at the first folder with `.git`, or at a root, or at home. */
  roots: string[];
  home: string;
  /** Also read `.claude/skills` (project) and `~/.claude/skills` (user). */
  includeClaudeCode: boolean;
  /** Reverie's own skills (shipped with the extension / CLI), lowest precedence. */
  bundledDir?: string;
  /** Names the user turned off. */
  disabled: readonly string[];
}

/** What views need from the skill catalog (SkillCatalog implements it). */
export interface SkillRegistry {
  readonly current: SkillSet;
  /** Rescans the folders; listeners hear about it when the set changed. */
  scan(): Promise<SkillSet>;
  onDidChange(listener: (set: SkillSet) => void): { dispose(): void };
}
