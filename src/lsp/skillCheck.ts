import { analyzeSkill } from './analyze';

/**
 * The language server's SKILL.md checks as plain lines, for the agent: after it writes a SKILL.md
 * it is told the same errors and warnings the editor would underline.
 */
export function skillFileProblems(text: string): string[] {
  return analyzeSkill(text)
    .filter((d) => d.severity === 'error' || d.severity === 'warning')
    .map((d) => `line ${d.line + 1}: ${d.severity}: ${d.message}`);
}
