import { analyseCommand, type CommandPart } from './commandParts';
import type { Redirect } from './shellParser';

/**
 * Which commands only look: the only ones plan mode will even ask about. The list is short on
 * purpose, and each entry is checked for the options that would make it write or run something
 * (`find -delete`, `rg --pre`, `tree -o`, `git diff --output`).
 */

/** Programs that never write or run anything, whatever their arguments. */
const ALWAYS_READ_ONLY = new Set(['ls', 'cat', 'head', 'tail', 'wc', 'pwd', 'echo', 'which', 'stat', 'du', 'df', 'grep', 'cd']);
const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir', '-delete', '-fprint', '-fprint0', '-fprintf', '-fls']);
const GIT_READERS = new Set(['status', 'log', 'diff', 'show', 'rev-parse', 'ls-files', 'blame']);
const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

/** Every part is a read-only command and nothing is written through a redirect. */
export function isReadOnlyCommand(command: string): boolean {
  const { parts, problems } = analyseCommand(command);
  return problems.length === 0 && parts.some((p) => p.words.length > 0) && parts.every(isReadOnlyPart);
}

export function isReadOnlyPart(part: CommandPart): boolean {
  if (part.uncertain || !part.redirects.every(isHarmlessRedirect)) return false;
  if (part.words.length === 0) return true;
  const [program, ...rest] = part.words;
  if (program.expands) return false;
  if (ALWAYS_READ_ONLY.has(program.value)) return true;
  // For the rest the arguments decide, so an argument only known at run time could be anything.
  if (rest.some((w) => w.expands)) return false;
  const args = rest.map((w) => w.value);
  switch (program.value) {
    case 'find': return !args.some((a) => FIND_ACTIONS.has(a));
    case 'rg': return !args.some((a) => a.startsWith('--pre'));
    case 'file': return !args.some((a) => a === '--compile' || /^-[A-Za-z]*C/.test(a));
    case 'tree': return !args.some((a) => a.startsWith('--output') || /^-[A-Za-z]*[oR]/.test(a));
    case 'git': return isReadOnlyGit(args);
    default: return false;
  }
}

function isHarmlessRedirect(r: Redirect): boolean {
  return !r.writes || (!r.target.expands && isHarmlessTarget(r.target.value));
}

/** Device files a redirect may write without changing any file. */
export function isHarmlessTarget(target: string): boolean {
  return HARMLESS_TARGETS.has(target) || /^\/dev\/fd\/\d+$/.test(target);
}

function isReadOnlyGit(args: string[]): boolean {
  let i = 0;
  for (; i < args.length && args[i].startsWith('-'); i++) {
    if (args[i] === '-C') i++;
    else if (!['--no-pager', '-P', '--no-optional-locks'].includes(args[i])) return false;
  }
  const [sub, ...subArgs] = args.slice(i);
  if (sub === 'branch') return isBranchListing(subArgs);
  return GIT_READERS.has(sub) && !subArgs.some((a) => a.startsWith('--output') || a === '--ext-diff');
}

const BRANCH_FLAGS = new Set([
  '-a', '--all', '-r', '--remotes', '-v', '-vv', '--verbose', '-l', '--list', '--show-current',
  '--no-color', '--color', '--column', '--no-column', '-i', '--ignore-case', '--omit-empty',
]);
const BRANCH_COMMIT_OPTIONS = new Set(['--contains', '--no-contains', '--merged', '--no-merged', '--points-at']);

/** `git branch` that only lists: known listing options; names only as patterns after `--list`. */
function isBranchListing(args: string[]): boolean {
  const listing = args.includes('--list') || args.includes('-l');
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (BRANCH_FLAGS.has(a) || /^--(color|column|sort|format|abbrev|contains|no-contains|merged|no-merged|points-at)=/.test(a)) continue;
    if (a === '--sort' || a === '--format') i++;
    else if (BRANCH_COMMIT_OPTIONS.has(a)) i += args[i + 1] !== undefined && !args[i + 1].startsWith('-') ? 1 : 0;
    else if (a.startsWith('-') || !listing) return false;
  }
  return true;
}
