/**
 * A skill's body as injected into the conversation: its base folder first, then the instructions
 * with the arguments and the folder substituted. Claude Code's placeholders work too, so a skill
 * copied from a Claude Code setup behaves the same.
 */
import { parseFrontmatter } from '../memory/frontmatter';
import type { Skill } from './types';

/**
 * `${SKILL_DIR}` / `${CLAUDE_SKILL_DIR}`, `$ARGUMENTS[N]`, `$ARGUMENTS`, `$N` (0-based), and the
 * names declared in an `arguments` frontmatter key (`$issue`), in one pass so substituted text is
 * never substituted again.
 */
const PLACEHOLDER = /\$\{(?:CLAUDE_)?SKILL_DIR\}|\$ARGUMENTS\[(\d+)\]|\$ARGUMENTS(?![A-Za-z0-9_[])|\$(\d+)(?![0-9])/g;

/** Splits arguments like a shell: whitespace separates, single and double quotes group, `\` escapes. */
export function splitArguments(args: string): string[] {
  const out: string[] = [];
  let current = '';
  let started = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < args.length; i++) {
    const c = args[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (args[i + 1] === '"' || args[i + 1] === '\\')) current += args[++i];
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (c === '\\' && i + 1 < args.length) {
      current += args[++i];
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(current);
      current = '';
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

/** Names from Claude Code's `arguments` key (a list, or a space-separated string). */
function argumentNames(skill: Skill): string[] {
  const raw = skill.frontmatter.arguments;
  const names = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  return names.filter((n): n is string => typeof n === 'string' && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(n));
}

/** The text the model receives when the skill is loaded. `text` is SKILL.md (frontmatter is stripped). */
export function renderSkill(skill: Skill, text: string, args: string): string {
  const body = parseFrontmatter(text).body.trim();
  const trimmedArgs = args.trim();
  const positional = splitArguments(trimmedArgs);
  const names = argumentNames(skill);
  const namedAlternative = names.length ? `|\\$(${names.map((n) => n.replace(/-/g, '\\-')).join('|')})(?![A-Za-z0-9_-])` : '';
  const pattern = new RegExp(PLACEHOLDER.source + namedAlternative, 'g');
  let usedArguments = false;
  // Without named arguments the callback's 4th parameter is the offset, so test types, not presence.
  const out = body.replace(pattern, (match: string, index: unknown, shorthand: unknown, name: unknown) => {
    if (match.startsWith('${')) return skill.dir;
    usedArguments = true;
    if (typeof index === 'string') return positional[Number(index)] ?? '';
    if (typeof shorthand === 'string') return positional[Number(shorthand)] ?? '';
    if (typeof name === 'string') return positional[names.indexOf(name)] ?? '';
    return trimmedArgs;
  });
  const appended = !usedArguments && trimmedArgs ? `\n\nARGUMENTS: ${trimmedArgs}` : '';
  return (
    `Base directory for this skill: ${skill.dir}\n` +
    'Supporting files there (scripts, references, templates) can be read with read_file or found with glob as needed.\n\n' +
    out + appended
  );
}
