/**
 * The parts of the skill commands that need no editor: the SKILL.md template, name validation,
 * which folder a delete may remove, and the tooltip text (escaped: skill files come from repositories).
 */
import * as path from 'node:path';
import { SKILL_NAME } from '../core/memory/schema';
import { SKILL_FILE, SKILL_SOURCE_LABEL, type Skill } from '../core/skills/types';

/** The folders a skill folder may sit in: `.reverie/skills/<name>` or `.claude/skills/<name>`. */
const SKILL_PARENTS = ['.reverie', '.claude'];

/** Where "New skill" writes: the workspace's `.reverie/skills` or the user's `~/.reverie/skills`. */
export function skillsDir(base: string): string {
  return path.join(base, '.reverie', 'skills');
}

/** A new SKILL.md: valid frontmatter with placeholders to replace, and a body showing the two substitutions. */
export function skillTemplate(name: string): string {
  return [
    '---',
    `name: ${name}`,
    'description: One line saying what this skill does (always listed to the model, so be specific)',
    'when_to_use: When the user asks for this task, or when the model recognises it (replace with your cue)',
    '---',
    '',
    `# ${name}`,
    '',
    '<!--',
    'Write the instructions for the agent below, in plain markdown. Only the frontmatter above is',
    'listed to the model; this body is loaded when the skill is invoked, by the model or by you',
    `typing /${name} followed by arguments in the chat.`,
    '',
    'The two placeholders below (ARGUMENTS and SKILL_DIR, each after a dollar sign) are replaced',
    'when the skill runs: the first by the arguments given to the skill, the second by this',
    "skill's folder, so the instructions can point at scripts, references or templates kept",
    'beside SKILL.md (the agent reads those only when needed).',
    '-->',
    '',
    '## Task',
    '',
    'Do the task for: $ARGUMENTS',
    '',
    '## Resources',
    '',
    'Files that belong to this skill are in ${SKILL_DIR}.',
    '',
  ].join('\n');
}

/** Why `name` cannot be a new skill's folder, or undefined when it can. `taken`: folder names already there. */
export function skillNameProblem(name: string, taken: ReadonlySet<string> = new Set()): string | undefined {
  if (!name) return 'A name is required.';
  if (!SKILL_NAME.test(name)) {
    const slug = suggestSkillName(name);
    const hint = slug && slug !== name ? ` Try "${slug}".` : '';
    return name.length > 64
      ? `At most 64 characters (this is ${name.length}).${hint}`
      : `Use lower-case letters, digits and hyphens, starting with a letter or digit (the model calls the skill by this name).${hint}`;
  }
  if (taken.has(name)) return `A folder "${name}" already exists there: pick another name, or open that skill.`;
  return undefined;
}

/** A valid skill name close to what was typed ("Release Notes!" -> "release-notes"), or '' when nothing is left. */
export function suggestSkillName(input: string): string {
  return input.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 64).replace(/-+$/, '');
}

export type DeletePlan = { ok: true; dir: string } | { ok: false; reason: string };

/**
 * The folder that deleting `skill` removes: its own folder, only when that is a `<name>/` holding
 * the SKILL.md, directly under a `.reverie/skills` or `.claude/skills` folder. Anything else (a
 * built-in skill, an odd path from a malformed catalog entry) is refused, never guessed at.
 */
export function skillFolderToDelete(skill: Pick<Skill, 'name' | 'source' | 'dir' | 'file'>): DeletePlan {
  if (skill.source === 'bundled') return { ok: false, reason: `"${skill.name}" is built in and cannot be deleted; disable it instead.` };
  const dir = skill.dir;
  const refuse = (why: string): DeletePlan => ({ ok: false, reason: `Not deleting ${dir}: ${why}` });
  if (!path.isAbsolute(dir)) return refuse('not an absolute path.');
  if (path.normalize(dir) !== dir.replace(/[\\/]+$/, '') || dir.split(/[\\/]/).includes('..')) return refuse('the path is not in normal form.');
  if (path.join(dir, SKILL_FILE) !== path.normalize(skill.file)) return refuse(`its ${SKILL_FILE} is not directly inside it.`);
  if (!SKILL_NAME.test(path.basename(dir))) return refuse('the folder is not named like a skill (lower-case letters, digits and hyphens).');
  const skills = path.dirname(dir);
  if (path.basename(skills) !== 'skills' || !SKILL_PARENTS.includes(path.basename(path.dirname(skills)))) {
    return refuse('it is not directly inside a .reverie/skills or .claude/skills folder.');
  }
  return { ok: true, dir: path.normalize(dir).replace(/[\\/]+$/, '') };
}

/**
 * Text shown literally in a markdown tooltip: every ASCII punctuation character is backslash-escaped
 * (CommonMark allows that for all of them), so a description cannot make links, images, HTML,
 * command URIs or autolinks (`https\://`, `a\@b`); lines become hard line breaks.
 */
export function escapeMarkdownText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim().replace(/[!-/:-@[-`{-~]/g, '\\$&'))
    .join('  \n');
}

/** The tooltip of a skill in the tree, as markdown in which every piece of file text is escaped. */
export function skillTooltipMarkdown(skill: Skill, shadowedBy?: Skill): string {
  const e = escapeMarkdownText;
  const state = shadowedBy ? ' · not used' : skill.disabled ? ' · disabled' : '';
  const parts = [`**${e(skill.name)}** · ${e(SKILL_SOURCE_LABEL[skill.source])}${state}`, e(skill.description)];
  if (skill.whenToUse) parts.push(`*When to use:* ${e(skill.whenToUse)}`);
  if (skill.argumentHint) parts.push(`*Arguments:* ${e(skill.argumentHint)}`);
  if (shadowedBy) parts.push(`*Shadowed by* the ${e(SKILL_SOURCE_LABEL[shadowedBy.source])} skill ${e(shadowedBy.file)}`);
  if (skill.disabled && !shadowedBy) parts.push('*Disabled in the setting* reverie\\.skills\\.disabled');
  parts.push(e(skill.file));
  return parts.join('\n\n');
}
