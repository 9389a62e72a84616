import type { AccessRequest } from '../ports';
import { fromClaudeCode } from './claudeCodeNames';
import type { PermissionRules } from './types';

/**
 * Rule strings (`tool` or `tool(pattern)`) parsed once into a shape `decide()` can match. A rule
 * that cannot be read is dropped from matching and reported by `validateRules`, so one typo in a
 * settings file never turns into a broader permission than the user wrote.
 */

export type RuleList = keyof PermissionRules;

export interface Rule {
  /** The rule as the user wrote it (trimmed), quoted back in reasons. */
  text: string;
  list: RuleList;
  tool: string;
  /** Absent for a bare tool name, which matches every request of that tool. */
  pattern?: string;
}

/** Rules named after these cover every request of their kind, whatever the tool. */
export const FAMILY_TOOL: Record<AccessRequest['kind'], string> = {
  read: 'read_file',
  edit: 'edit_file',
  command: 'run_command',
};

/** Tools whose pattern kind is known, so their patterns can be checked up front. */
const KNOWN_KINDS: Record<string, AccessRequest['kind']> = {
  read_file: 'read', grep: 'read', glob: 'read', list_files: 'read',
  edit_file: 'edit', write_file: 'edit',
  run_command: 'command',
};

const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** Parses one rule string; a string result is the reason it is malformed. */
export function parseRule(raw: string, list: RuleList): Rule | string {
  if (typeof raw !== 'string') return 'a rule must be a string';
  const text = raw.trim();
  // Claude Code's names (`Bash(rm:*)`) are read as ours; the rule is quoted back as written.
  const source = fromClaudeCode(text);
  const open = source.indexOf('(');
  const tool = open === -1 ? source : source.slice(0, open).trim();
  if (!TOOL_NAME.test(tool)) return text === '' ? 'empty rule' : `"${tool}" is not a tool name`;
  if (open === -1) return { text, list, tool };
  if (!source.endsWith(')')) return 'missing closing ")"';
  const pattern = source.slice(open + 1, -1).trim();
  if (pattern === '') return 'empty pattern; write the bare tool name to match everything';
  const problem = patternProblem(KNOWN_KINDS[tool], pattern);
  return problem ?? { text, list, tool, pattern };
}

function patternProblem(kind: AccessRequest['kind'] | undefined, pattern: string): string | undefined {
  if (kind === 'command') {
    if (/[\r\n]/.test(pattern)) return 'a command pattern must be one line';
    if (pattern.slice(0, -2).includes(':*')) return '":*" is only allowed at the end of a command pattern';
  } else if (kind === 'read' || kind === 'edit') {
    if (pattern.startsWith('!')) return 'negated patterns are not supported; use a deny or ask rule';
    if (/(^|\/)\.\.(\/|$)/.test(pattern)) return '".." cannot leave the workspace; use an absolute path';
    if (pattern.startsWith('~') && !/^~(\/|$)/.test(pattern)) return 'only "~/" (your home) is supported';
  }
  return undefined;
}

/** The well-formed rules of every list; malformed ones are left out (see `validateRules`). */
export function compileRules(rules: PermissionRules): Rule[] {
  return (['deny', 'ask', 'allow'] as const).flatMap((list) =>
    (rules[list] ?? []).map((raw) => parseRule(raw, list)).filter((r): r is Rule => typeof r !== 'string'),
  );
}

/**
 * One message per malformed rule, naming it, for the host to show next to the settings. Accepts
 * the three lists or a flat list of rule strings.
 */
export function validateRules(rules: PermissionRules | readonly string[]): string[] {
  const lists: Array<[string, readonly string[]]> = Array.isArray(rules)
    ? [['', rules]]
    : (['allow', 'ask', 'deny'] as const).map((list) => [`${list} `, (rules as PermissionRules)[list] ?? []]);
  return lists.flatMap(([label, list]) =>
    list.flatMap((raw) => {
      const parsed = parseRule(raw, 'allow');
      return typeof parsed === 'string' ? [`ignored ${label}rule ${JSON.stringify(raw)}: ${parsed}`] : [];
    }),
  );
}

/** Whether a rule speaks about this request at all: its kind's family name or the exact tool. */
export function ruleCovers(rule: Rule, request: AccessRequest): boolean {
  return rule.tool === FAMILY_TOOL[request.kind] || rule.tool === request.tool;
}
