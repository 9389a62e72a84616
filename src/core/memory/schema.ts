/**
 * What memory and skill files look like: the caps on the always-loaded index and the frontmatter
 * schemas. One definition, used by the loader, the language server and the tree.
 */
import { z } from 'zod';

/** The index that is always loaded. */
export const INDEX_FILE = 'MEMORY.md';
/** Only this many lines of MEMORY.md are loaded... */
export const INDEX_MAX_LINES = 200;
/** ...and of those, only up to the last line break before this many bytes. */
export const INDEX_MAX_BYTES = 25_000;
/** An index entry should be one short line. */
export const INDEX_LINE_SOFT_MAX = 150;
/** Lines longer than this get a warning in the editor. */
export const INDEX_LINE_WARN = 200;

export const TOPIC_NAME_MAX = 200;
export const TOPIC_DESCRIPTION_MAX = 1024;

/**
 * A schema issue as a user reads it: always naming the key, and zod's "Invalid input: expected
 * string, received number" said plainly ("name: must be a string, not a number").
 */
export function keyedMessage(key: string, message: string): string {
  const m = /^Invalid input: expected (\w+), received (\w+)$/.exec(message);
  const literal = /^Invalid input: expected (".*")$/.exec(message);
  const text = m ? `must be ${article(m[1])}, not ${article(m[2])}`
    : literal ? `must be ${literal[1]}`
    : message === 'Invalid input' ? 'has a value of the wrong kind' : message;
  return text.startsWith(key) ? text : `${key}: ${text}`;
}

const article = (kind: string) => (kind === 'null' || kind === 'undefined' ? kind : `${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind}`);

export const MEMORY_TYPES = ['user', 'feedback', 'project', 'reference'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];

/** What each type is for; shown in hovers, completions and the "new memory" picker. */
export const MEMORY_TYPE_HELP: Record<MemoryType, string> = {
  user: "About the user: role, preferences, how they like to work.",
  feedback: 'Corrections and guidance the user gave about how to do the work.',
  project: 'Facts about this project that are not in the code: decisions, context, people, deadlines.',
  reference: 'Where to find things: links, dashboards, documents, commands.',
};

/** Frontmatter of a topic file (one memory). Unknown keys are kept. */
export const topicFrontmatter = z.looseObject({
  name: z.string().trim().min(1, 'name is required').max(TOPIC_NAME_MAX, `name: at most ${TOPIC_NAME_MAX} characters`),
  description: z
    .string()
    .trim()
    .min(1, 'description is required: one line used to judge relevance')
    .max(TOPIC_DESCRIPTION_MAX, `description: at most ${TOPIC_DESCRIPTION_MAX} characters; it is one line used to judge relevance`)
    .refine((d) => !d.includes('\n'), 'description must be one line'),
  type: z.enum(MEMORY_TYPES, { error: `type must be one of ${MEMORY_TYPES.join(', ')}` }),
});
export type TopicFrontmatter = z.infer<typeof topicFrontmatter>;

export const TOPIC_KEY_HELP: Record<string, string> = {
  name: 'A short title for this memory.',
  description: 'One line saying what this memory is about; Reverie uses it to decide whether to read the file.',
  type: `One of ${MEMORY_TYPES.join(', ')}.`,
};

/** A skill's name: lower-case letters, digits and hyphens, as in Claude Code. */
export const SKILL_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;
export const SKILL_DESCRIPTION_MAX = 1024;

/** Frontmatter of SKILL.md. Unknown keys are kept (skills from other tools must work unchanged). */
export const skillFrontmatter = z.looseObject({
  name: z.string().regex(SKILL_NAME, 'name: lower-case letters, digits and hyphens, at most 64 characters'),
  description: z.string().trim().min(1, 'description is required').max(SKILL_DESCRIPTION_MAX, `description: at most ${SKILL_DESCRIPTION_MAX} characters`),
  when_to_use: z.string().optional(),
  'allowed-tools': z.union([z.string(), z.array(z.string())]).optional(),
  'argument-hint': z.string().optional(),
  'disable-model-invocation': z.boolean().optional(),
  'user-invocable': z.boolean().optional(),
  model: z.string().optional(),
  paths: z.union([z.string(), z.array(z.string())]).optional(),
  context: z.enum(['fork']).optional(),
});
export type SkillFrontmatter = z.infer<typeof skillFrontmatter>;

export const SKILL_KEY_HELP: Record<string, string> = {
  name: 'The skill\'s name, as the model calls it: lower-case letters, digits and hyphens.',
  description: 'What the skill does. Always listed to the model, so keep it short and specific.',
  when_to_use: 'When the model should use it; appended to the description in the listing.',
  'allowed-tools': 'Tools the skill may use without asking, for the rest of that turn (e.g. "run_command(npm test:*)").',
  'argument-hint': 'Shown to the user when they invoke the skill, e.g. "<file> [--fix]".',
  'disable-model-invocation': 'true: only the user can invoke it; it is not listed to the model.',
  'user-invocable': 'false: hidden from the user\'s skill menu; only the model can invoke it.',
  model: 'A model to use while the skill runs.',
  paths: 'Glob(s): the skill activates when the agent touches a matching file.',
  context: '"fork": run the skill in a subagent.',
};
