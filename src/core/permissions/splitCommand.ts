import { analyseCommand } from './commandParts';

/**
 * The normalised parts of a command line, as rules see them: one entry per program that would run
 * (including those inside `$(...)`, backquotes, subshells, `bash -c` and `eval`), with variable
 * assignments and wrappers such as `sudo` or `timeout 5` removed and quoting undone.
 * Best effort on lines that cannot be fully analysed; `decide` asks about those.
 */
export function splitCommand(command: string): string[] {
  return analyseCommand(command).parts.filter((p) => p.words.length > 0).map((p) => p.text);
}
