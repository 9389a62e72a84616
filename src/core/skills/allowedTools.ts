/**
 * `allowed-tools` in SKILL.md: the entries as written (Reverie names, or Claude Code's names so a
 * skill copied from Claude Code works unchanged) and their translation into permission rules.
 */
import { CLAUDE_CODE_TOOLS, fromClaudeCode } from '../permissions/claudeCodeNames';
import { parseRule } from '../permissions/rules';

export { CLAUDE_CODE_TOOLS };

/** Claude Code tools Reverie has no equivalent for (yet): dropped from the rules with a note. */
const CLAUDE_CODE_ONLY = new Set(['WebFetch', 'WebSearch', 'Task', 'Agent', 'NotebookEdit', 'NotebookRead', 'KillShell', 'KillBash', 'ExitPlanMode']);

/** Splits "read_file, run_command(npm test:*) grep" on commas and spaces outside parentheses. */
export function toolEntries(value: string): Array<{ text: string; start: number }> {
  const entries: Array<{ text: string; start: number }> = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i <= value.length; i++) {
    const c = value[i];
    const separator = c === undefined || (depth === 0 && (c === ',' || /\s/.test(c)));
    if (separator) {
      if (start >= 0) entries.push({ text: value.slice(start, i), start });
      start = -1;
      continue;
    }
    if (start < 0) start = i;
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
  }
  return entries;
}

/** The tool name of one entry: `Bash(git add:*)` -> `Bash`. */
export function entryToolName(entry: string): string {
  return entry.replace(/\(.*$/s, '').trim();
}

/**
 * `allowed-tools` values (each may hold several entries) as allow rules, Claude Code names
 * translated: `Bash(git add:*)` -> `run_command(git add:*)`, `Read` -> `read_file`. Entries the
 * permission layer cannot read are dropped, each with a message, so a typo never widens access.
 */
export function toPermissionRules(allowedTools: readonly string[]): { rules: string[]; problems: string[] } {
  const rules: string[] = [];
  const problems: string[] = [];
  for (const value of allowedTools) {
    for (const { text } of toolEntries(value)) {
      const name = entryToolName(text);
      if (CLAUDE_CODE_ONLY.has(name)) {
        problems.push(`allowed-tools "${text}": Reverie has no equivalent of Claude Code's ${name}; ignored`);
        continue;
      }
      const rule = fromClaudeCode(text);
      const parsed = parseRule(rule, 'allow');
      if (typeof parsed === 'string') {
        problems.push(`allowed-tools "${text}" ignored: ${parsed}`);
        continue;
      }
      if (!rules.includes(parsed.text)) rules.push(parsed.text);
    }
  }
  return { rules, problems };
}
