/**
 * Claude Code's tool names in permission rules (`Bash(rm:*)`, `Read(./secrets/**)`), read as ours, so
 * a rule copied from Claude Code's settings or a skill's `allowed-tools` means what its author meant.
 * A deny rule in Claude Code's spelling that matched nothing would be a silent hole.
 */

/** Claude Code's tool names and the Reverie tool each one maps to. */
export const CLAUDE_CODE_TOOLS: Readonly<Record<string, string>> = {
  Read: 'read_file', Write: 'write_file', Edit: 'edit_file', MultiEdit: 'edit_file', LS: 'list_files',
  Glob: 'glob', Grep: 'grep', Bash: 'run_command', BashOutput: 'command_output', TodoWrite: 'todo_write', Skill: 'skill',
};

/** Tools whose pattern is a path, where Claude Code's `//abs` and `./rel` forms need rewriting. */
const PATH_TOOLS = new Set(['read_file', 'write_file', 'edit_file', 'list_files', 'glob', 'grep']);

/** A rule in Claude Code's names in Reverie's syntax: `Bash(git add:*)` -> `run_command(git add:*)`; other text unchanged. */
export function fromClaudeCode(text: string): string {
  const name = text.replace(/\(.*$/s, '').trim();
  const tool = Object.hasOwn(CLAUDE_CODE_TOOLS, name) ? CLAUDE_CODE_TOOLS[name] : undefined;
  if (!tool) return text;
  const open = text.indexOf('(');
  if (open === -1) return tool;
  // Malformed (no closing parenthesis): keep it so, for parseRule to report.
  if (!text.endsWith(')')) return tool + text.slice(open);
  let pattern = text.slice(open + 1, -1).trim();
  if (PATH_TOOLS.has(tool)) {
    // Claude Code: `//abs` is an absolute path, `/x` and `./x` are relative to the project.
    if (pattern.startsWith('//')) pattern = pattern.slice(1);
    else if (pattern.startsWith('./')) pattern = pattern.slice(2);
    else if (pattern.startsWith('/')) pattern = pattern.slice(1);
  }
  return `${tool}(${pattern})`;
}
