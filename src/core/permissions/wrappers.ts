import * as path from 'node:path';
import type { Word } from './shellParser';

/**
 * Programs that run another program given on their command line (`sudo rm x`, `timeout 5 rm x`,
 * `ls | xargs rm`). Rules must judge the wrapped program, so each wrapper says where its command
 * starts. Options are read strictly: an option we do not know might take an argument and shift
 * where the command starts, so it makes the part uncertain rather than being guessed at.
 */

export type Unwrapped =
  | {
    /** The wrapped command's words. */
    rest: Word[];
    /** Runs the command as another user: allow rules for the inner command alone do not count. */
    privileged?: boolean;
    /** More arguments arrive at run time (xargs appends its input). */
    openEnded?: boolean;
    /** xargs -I: words containing this text are filled in at run time. */
    replace?: string;
  }
  | { uncertain: string };

interface OptionSpec {
  /** Short options without an argument. */
  flags?: string;
  /** Short options that take an argument, attached (`-n5`) or as the next word (`-n 5`). */
  withArg?: string;
  /** Short options whose optional argument can only be attached (`-i{}`, xargs). */
  attachedArg?: string;
  /** Long option name -> whether it takes an argument (`optional` means only as `--name=value`). */
  long?: Record<string, 'flag' | 'arg' | 'optional'>;
}

interface ParsedOptions {
  /** Index of the first word after the options. */
  end: number;
  options: Array<{ name: string; value?: string }>;
}

/** Reads options from `words[start]` on; a string result says why they could not be read. */
export function readOptions(words: Word[], start: number, spec: OptionSpec): ParsedOptions | string {
  const options: ParsedOptions['options'] = [];
  let i = start;
  while (i < words.length) {
    const word = words[i];
    const v = word.value;
    if (word.expands) return `the option ${word.raw} is only known at run time`;
    if (v === '--') return { end: i + 1, options };
    if (!v.startsWith('-') || v === '-') break;
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const name = v.slice(2, eq === -1 ? undefined : eq);
      const kind = spec.long?.[name];
      if (!kind) return `unknown option --${name}`;
      const takesNext = kind === 'arg' && eq === -1;
      options.push({ name, value: eq !== -1 ? v.slice(eq + 1) : takesNext ? words[i + 1]?.value : undefined });
      i += takesNext ? 2 : 1;
      continue;
    }
    let step = 1;
    for (let j = 1; j < v.length; j++) {
      const ch = v[j];
      const attached = v.slice(j + 1);
      if (spec.flags?.includes(ch)) {
        options.push({ name: ch });
      } else if (spec.withArg?.includes(ch)) {
        if (attached === '') step = 2;
        options.push({ name: ch, value: attached || words[i + 1]?.value });
        break;
      } else if (spec.attachedArg?.includes(ch)) {
        options.push({ name: ch, value: attached || undefined });
        break;
      } else {
        return `unknown option -${ch}`;
      }
    }
    i += step;
  }
  return i > words.length ? 'an option is missing its argument' : { end: i, options };
}

/** `rest` from the first word after the options, or undefined when no command follows (`sudo -v`). */
function after(words: Word[], spec: OptionSpec, extra: Partial<Extract<Unwrapped, { rest: Word[] }>> = {}, start = 0): Unwrapped | undefined {
  const parsed = readOptions(words, start, spec);
  if (typeof parsed === 'string') return { uncertain: parsed };
  return parsed.end < words.length ? { rest: words.slice(parsed.end), ...extra } : undefined;
}

const SUDO: OptionSpec = {
  flags: 'AbEHKklnPSVv',
  withArg: 'CDghpRrTtUu',
  long: {
    user: 'arg', group: 'arg', host: 'arg', prompt: 'arg', chdir: 'arg', role: 'arg', type: 'arg',
    'close-from': 'arg', 'command-timeout': 'arg', 'other-user': 'arg', chroot: 'arg', 'preserve-env': 'optional',
    'set-home': 'flag', 'non-interactive': 'flag', stdin: 'flag', background: 'flag', 'preserve-groups': 'flag',
    askpass: 'flag', 'reset-timestamp': 'flag', 'remove-timestamp': 'flag', list: 'flag',
  },
};

const XARGS: OptionSpec = {
  flags: '0prtxo',
  withArg: 'adEILnPs',
  attachedArg: 'eil',
  long: {
    null: 'flag', 'no-run-if-empty': 'flag', verbose: 'flag', interactive: 'flag', exit: 'flag', 'open-tty': 'flag',
    'arg-file': 'arg', delimiter: 'arg', 'max-args': 'arg', 'max-procs': 'arg', 'max-chars': 'arg',
    'process-slot-var': 'arg', replace: 'optional', eof: 'optional', 'max-lines': 'optional',
  },
};

/** Wrapper name (basename of the program) -> how to find the command it runs, given its arguments. */
const WRAPPERS: Record<string, (args: Word[]) => Unwrapped | undefined> = {
  sudo: (args) => after(args, SUDO, { privileged: true }),
  doas: (args) => after(args, { flags: 'n', withArg: 'Cu' }, { privileged: true }),
  env: (args) => unwrapEnv(args),
  command: (args) => unwrapCommand(args),
  builtin: (args) => after(args, {}),
  exec: (args) => after(args, { flags: 'cl', withArg: 'a' }),
  nohup: (args) => after(args, {}),
  time: (args) => after(args, { flags: 'pvqa', withArg: 'f', long: { portability: 'flag', verbose: 'flag', quiet: 'flag', append: 'flag', format: 'arg' } }),
  nice: (args) => after(args, { withArg: 'n', long: { adjustment: 'arg' } }, {}, /^-\d+$/.test(args[0]?.value ?? '') ? 1 : 0),
  timeout: (args) => unwrapTimeout(args),
  xargs: (args) => unwrapXargs(args),
  // Defining an alias changes what a later word of the line runs (bash expands them after `shopt -s expand_aliases`).
  alias: (args) => (args.length ? { uncertain: 'an alias changes what later commands run' } : undefined),
};

/**
 * Programs that run a command given in their arguments, with option syntax we do not read. A deny
 * rule cannot see through them, so they are never "allowed" without a question (bypass mode included).
 */
const LAUNCHERS = new Set([
  'stdbuf', 'setsid', 'ionice', 'taskset', 'chrt', 'flock', 'script', 'watch', 'strace', 'ltrace', 'unbuffer', 'busybox',
  'parallel', 'su', 'runuser', 'chroot', 'nsenter', 'unshare', 'systemd-run', 'firejail', 'fakeroot', 'proot', 'catchsegv',
  'numactl', 'cgexec', 'prlimit', 'ssh-agent', 'dbus-launch', 'xvfb-run', 'at', 'batch', 'expect', 'gdb', 'valgrind',
]);
for (const name of LAUNCHERS) WRAPPERS[name] = () => ({ uncertain: `${name} runs a command from its arguments, which is not analysed` });

/** How to find the command inside a wrapper invocation; undefined when `words` is not one. */
export function unwrap(words: Word[]): Unwrapped | undefined {
  const name = path.posix.basename(words[0].value);
  return Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name](words.slice(1)) : undefined;
}

function unwrapEnv(args: Word[]): Unwrapped | undefined {
  const start = args[0]?.value === '-' ? 1 : 0;
  const parsed = readOptions(args, start, {
    flags: '0iv', withArg: 'uC', long: { 'ignore-environment': 'flag', null: 'flag', debug: 'flag', unset: 'arg', chdir: 'arg' },
  });
  if (typeof parsed === 'string') return { uncertain: `env: ${parsed}` };
  let i = parsed.end;
  for (; i < args.length && assignmentName(args[i]) !== undefined; i++) {
    const risk = riskyAssignment(args[i]);
    if (risk) return { uncertain: risk };
  }
  return i < args.length ? { rest: args.slice(i) } : undefined;
}

/** `command -v x` only looks a name up; `command x` runs it. */
function unwrapCommand(args: Word[]): Unwrapped | undefined {
  const parsed = readOptions(args, 0, { flags: 'pvV' });
  if (typeof parsed === 'string') return { uncertain: `command: ${parsed}` };
  if (parsed.options.some((o) => o.name !== 'p')) return undefined;
  return parsed.end < args.length ? { rest: args.slice(parsed.end) } : undefined;
}

function unwrapTimeout(args: Word[]): Unwrapped | undefined {
  const parsed = readOptions(args, 0, {
    flags: 'v', withArg: 'sk', long: { foreground: 'flag', 'preserve-status': 'flag', verbose: 'flag', signal: 'arg', 'kill-after': 'arg' },
  });
  if (typeof parsed === 'string') return { uncertain: `timeout: ${parsed}` };
  const duration = args[parsed.end];
  if (!duration) return undefined;
  if (duration.expands || !/^\d+(\.\d+)?[smhd]?$/.test(duration.value)) return { uncertain: 'timeout: the duration is not a plain number' };
  return parsed.end + 1 < args.length ? { rest: args.slice(parsed.end + 1) } : undefined;
}

function unwrapXargs(args: Word[]): Unwrapped | undefined {
  const parsed = readOptions(args, 0, XARGS);
  if (typeof parsed === 'string') return { uncertain: `xargs: ${parsed}` };
  const opt = parsed.options.find((o) => o.name === 'I' || o.name === 'i' || o.name === 'replace');
  const replace = opt ? opt.value ?? '{}' : undefined;
  return parsed.end < args.length ? { rest: args.slice(parsed.end), openEnded: true, replace } : undefined;
}

/** `NAME=value` (or `NAME+=value`, `NAME[i]=value`) as the shell sees an assignment: the name unquoted. */
export function assignmentName(word: Word): string | undefined {
  return /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/.exec(word.raw)?.[1];
}

/** Variables that change which program runs or what it loads; setting one makes the part uncertain. */
const RISKY_VARIABLES = new Set([
  'PATH', 'IFS', 'ENV', 'BASH_ENV', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'PROMPT_COMMAND', 'HOME', 'ZDOTDIR',
  'XDG_CONFIG_HOME', 'NODE_OPTIONS', 'NODE_PATH', 'PYTHONPATH', 'PYTHONSTARTUP', 'PYTHONHOME', 'PERL5OPT',
  'PERL5LIB', 'PERLLIB', 'RUBYOPT', 'RUBYLIB', 'PAGER', 'EDITOR', 'VISUAL', 'MANPAGER', 'SSH_ASKPASS', 'SUDO_ASKPASS',
]);
const RISKY_PREFIXES = /^(LD_|DYLD_|GIT_|NPM_CONFIG_|BASH_FUNC_)/i;

/** Why an assignment is risky, or undefined. */
export function riskyAssignment(word: Word): string | undefined {
  const name = assignmentName(word);
  return name && (RISKY_VARIABLES.has(name) || RISKY_PREFIXES.test(name)) ? `sets ${name}, which changes what runs` : undefined;
}

const GIT: OptionSpec = {
  flags: 'pPhv',
  withArg: 'Cc',
  long: {
    paginate: 'flag', 'no-pager': 'flag', bare: 'flag', 'no-replace-objects': 'flag', 'no-lazy-fetch': 'flag',
    'literal-pathspecs': 'flag', 'glob-pathspecs': 'flag', 'noglob-pathspecs': 'flag', 'icase-pathspecs': 'flag',
    'no-optional-locks': 'flag', 'no-advice': 'flag', 'git-dir': 'arg', 'work-tree': 'arg', namespace: 'arg',
    'super-prefix': 'arg', 'attr-source': 'arg', 'exec-path': 'optional', 'config-env': 'arg',
  },
};

/**
 * `git -C dir --no-pager push` as `git push ...`, so a rule for `git push` sees it; undefined when
 * no global option comes before the subcommand. `-c` and `--config-env` set configuration that can
 * run programs (`alias.x=!cmd`, `core.pager`, `core.sshCommand`), so they make the part uncertain.
 */
export function gitSubcommand(words: Word[]): { words: Word[] } | { uncertain: string } | undefined {
  if (path.posix.basename(words[0]?.value ?? '') !== 'git' || !words[1]?.value.startsWith('-')) return undefined;
  const parsed = readOptions(words, 1, GIT);
  if (typeof parsed === 'string') return { uncertain: `git: ${parsed}` };
  if (parsed.options.some((o) => o.name === 'c' || o.name === 'config-env')) return { uncertain: 'git -c can make git run other programs' };
  const rest = words.slice(parsed.end);
  return rest.length ? { words: [{ ...words[0], value: 'git' }, ...rest] } : undefined;
}
