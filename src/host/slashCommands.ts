/**
 * The panel's `/` commands: the built-ins the controller handles itself, and the list offered
 * for completion (the built-ins, then the user's skills, clipped to the protocol's limits).
 */
import { SLASH_LIMITS, slashCommand, type SlashCommand } from '../shared/protocol';

export interface UserSkill {
  name: string;
  description: string;
  argumentHint?: string;
  source: string;
}

/** "#something" or "/remember something": the user asks Reverie to remember. */
const REMEMBER = /^(?:#(?!#)|\/remember\b)\s*([\s\S]+)$/;

export function rememberRequest(text: string): string | undefined {
  const m = REMEMBER.exec(text.trim());
  if (!m || !m[1].trim()) return undefined;
  return `Remember this: ${m[1].trim()}\n\nSave it to memory now (a topic file with name, description and type, and one line in MEMORY.md), then confirm in one short sentence.`;
}

/** The panel's own commands; a skill with one of these names is not offered (the built-in wins). */
export const BUILT_IN_COMMANDS: readonly SlashCommand[] = [
  { name: 'new', description: 'Start a new conversation', source: 'built-in' },
  { name: 'remember', description: 'Save something to memory', argumentHint: '<what to remember>', source: 'built-in' },
  { name: 'compact', description: 'Summarise the conversation so far to free context', argumentHint: '[what to focus on]', source: 'built-in' },
  { name: 'dream', description: 'Consolidate memory now (Dream Now)', source: 'built-in' },
  { name: 'skills', description: 'List the skills you can run', source: 'built-in' },
];

export const NEW_COMMAND = /^\/new$/;
export const DREAM_COMMAND = /^\/dream$/;
export const SKILLS_COMMAND = /^\/skills$/;
/** "/compact" or "/compact what to focus on". */
export const COMPACT_COMMAND = /^\/compact(?:\s+([\s\S]*))?$/;
export const BARE_REMEMBER = /^\/remember$/;
/** Only text that starts with a slash can be a skill command. */
export const SLASHED = /^\//;

/** One line of at most `max` characters, with an ellipsis when cut. */
export const clip = (text: string, max: number) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
};

/**
 * What the panel offers for completion: the built-ins, then the skills, each clipped to the
 * protocol's limits (names and descriptions come from repository files, so nothing is trusted
 * to be short). A skill whose name could not be typed as `/name` is left out.
 */
export function slashCommands(skills: readonly UserSkill[]): SlashCommand[] {
  const taken = new Set(BUILT_IN_COMMANDS.map((c) => c.name));
  const out: SlashCommand[] = [...BUILT_IN_COMMANDS];
  for (const skill of skills) {
    if (out.length >= SLASH_LIMITS.count) break;
    const hint = skill.argumentHint === undefined ? undefined : clip(skill.argumentHint, SLASH_LIMITS.argumentHint);
    const command = {
      name: skill.name,
      description: clip(skill.description, SLASH_LIMITS.description),
      ...(hint ? { argumentHint: hint } : {}),
      source: clip(skill.source, SLASH_LIMITS.source),
    };
    if (taken.has(command.name) || !slashCommand.safeParse(command).success) continue;
    taken.add(command.name);
    out.push(command);
  }
  return out;
}
