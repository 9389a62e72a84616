import * as path from 'node:path';
import { parseShell, type Redirect, type SimpleCommand, type Word } from './shellParser';
import { assignmentName, gitSubcommand, riskyAssignment, unwrap } from './wrappers';

/**
 * Turns a command line into the parts rules are matched against: every simple command that would
 * run, with assignments and wrappers removed, quoting normalised, and shell strings (`bash -c`,
 * `eval`, `find -exec`) opened up. A deny rule must see `rm` in `sudo "r"m x`, in `$(rm x)` and in
 * `bash -c 'ls; rm x'`; an allow rule must never see less than what actually runs.
 */

export interface CommandPart {
  /** What rules match: the program that runs and its arguments, e.g. `rm -rf build`. Empty when nothing runs. */
  text: string;
  /** The words of `text`. */
  words: Word[];
  /** Spellings a deny or ask rule is tried against: `text`, each wrapping form, each with `/bin/rm` read as `rm`. */
  denyForms: string[];
  /** Spellings an allow rule may match. After `sudo`, only the forms that include it. */
  allowForms: string[];
  redirects: Redirect[];
  /** When part of the command is only known at run time: the text before it (for "might a deny rule apply?"). */
  knownPrefixes?: string[];
  /** Why this part cannot be judged with confidence: ask, never allow. */
  uncertain?: string;
}

export interface CommandAnalysis {
  parts: CommandPart[];
  /** Why the line as a whole could not be read with confidence. */
  problems: string[];
}

const MAX_DEPTH = 8;
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh']);
/** Reserved words that only open or close a compound command; the command after them is what runs. */
const FRAMING_WORDS = new Set(['!', '{', '}', 'if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done']);
const UNANALYSED_KEYWORDS = new Set(['case', 'esac', 'function', 'coproc']);

/** Context carried from an enclosing wrapper or shell into the commands it runs. */
interface Outer {
  denyForms: string[];
  allowForms: string[];
  /** Set once a `sudo`-like wrapper is crossed: inner forms can no longer be allowed. */
  privileged: boolean;
}

export function analyseCommand(command: string): CommandAnalysis {
  return analyse(command, 0, { denyForms: [], allowForms: [], privileged: false });
}

function analyse(source: string, depth: number, outer: Outer): CommandAnalysis {
  const parsed = parseShell(source);
  const problems = [...parsed.problems];
  const parts = parsed.commands.flatMap((cmd) => partsOf(cmd, depth, outer, problems));
  return { parts, problems };
}

/** One simple command from the parser -> the part it is, plus parts for commands it runs from strings. */
function partsOf(cmd: SimpleCommand, depth: number, outer: Outer, problems: string[]): CommandPart[] {
  let words = cmd.words;
  let uncertain: string | undefined;
  while (words.length && FRAMING_WORDS.has(words[0].raw)) words = words.slice(1);
  const keyword = words[0]?.raw;
  if (keyword && UNANALYSED_KEYWORDS.has(keyword)) uncertain = `"${keyword}" is not analysed`;
  if (keyword === 'for' || keyword === 'select') {
    // A loop header runs nothing itself; its word list's substitutions are separate parts already.
    const risky = words[1] && riskyAssignment({ ...words[1], raw: `${words[1].raw}=` });
    return [part([], cmd.redirects, outer, risky)];
  }
  for (; words.length && assignmentName(words[0]) !== undefined; words = words.slice(1)) {
    uncertain ??= riskyAssignment(words[0]);
  }
  const forms = { ...outer, denyForms: [...outer.denyForms], allowForms: [...outer.allowForms] };
  let openEnded = false;
  for (let layer = 0; words.length && !uncertain; layer++) {
    if (words[0].expands) {
      uncertain = `the program ${words[0].raw} is only known at run time`;
      break;
    }
    const inner = layer < MAX_DEPTH ? unwrap(words) : { uncertain: 'too many nested wrappers' };
    if (!inner) break;
    if ('uncertain' in inner) {
      uncertain = inner.uncertain;
      break;
    }
    addForms(forms, words);
    if (inner.privileged) forms.privileged = true;
    openEnded ||= !!inner.openEnded;
    const replace = inner.replace;
    words = replace ? inner.rest.map((w) => (w.value.includes(replace) ? { ...w, expands: true } : w)) : inner.rest;
  }
  const git = uncertain ? undefined : gitSubcommand(words);
  if (git && 'uncertain' in git) uncertain = git.uncertain;
  else if (git) forms.denyForms.push(render(git.words));
  if (!uncertain && words.length) {
    const nested = openShellString(words, depth, forms, problems);
    if (nested) return cmd.redirects.length ? [...nested, part([], cmd.redirects, outer)] : nested;
  }
  const self = part(words, cmd.redirects, forms, uncertain, openEnded);
  return [...(uncertain ? [] : findExec(words, depth, forms, problems)), self];
}

function part(words: Word[], redirects: Redirect[], outer: Outer, uncertain?: string, openEnded = false): CommandPart {
  const text = render(words);
  const denyForms = words.length ? unique([text, render(withBasename(words)), ...outer.denyForms]) : [];
  const allowForms = words.length ? (outer.privileged ? outer.allowForms : unique([text, ...outer.allowForms])) : [];
  const firstUnknown = words.findIndex((w) => w.expands);
  const known = firstUnknown === -1 ? (openEnded ? words : undefined) : words.slice(0, firstUnknown);
  const knownPrefixes = known && unique([render(known), render(withBasename(known))]);
  return { text, words, denyForms, allowForms, redirects, ...(knownPrefixes && { knownPrefixes }), ...(uncertain && { uncertain }) };
}

function addForms(forms: Outer, words: Word[]): void {
  forms.denyForms.push(render(words), render(withBasename(words)));
  if (!forms.privileged) forms.allowForms.push(render(words));
}

/** `bash -c '...'`, `eval ...`: the string is parsed as commands of its own; undefined when not such a call. */
function openShellString(words: Word[], depth: number, forms: Outer, problems: string[]): CommandPart[] | undefined {
  const name = path.posix.basename(words[0].value);
  let script: string | undefined;
  if (name === 'eval') {
    if (words.slice(1).some((w) => w.expands)) return [part(words, [], forms, 'eval of text only known at run time')];
    script = words.slice(1).map((w) => w.value).join(' ');
  } else if (SHELLS.has(name)) {
    const found = shellCommandString(words.slice(1));
    if (found === undefined) return undefined;
    if (typeof found !== 'string') return [part(words, [], forms, found.uncertain)];
    script = found;
  } else {
    return undefined;
  }
  if (depth >= MAX_DEPTH) return [part(words, [], forms, 'shells nested too deeply')];
  addForms(forms, words);
  const inner = analyse(script, depth + 1, forms);
  problems.push(...inner.problems);
  return inner.parts;
}

/** The string after `-c` (options may come first, `-lc` included); undefined when the shell runs a script file instead. */
function shellCommandString(args: Word[]): string | { uncertain: string } | undefined {
  let dashC = false;
  let stdin = false;
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    if (w.expands) return { uncertain: `the shell argument ${w.raw} is only known at run time` };
    const v = w.value;
    if (v === '--' || v === '-') continue;
    if (/^[-+][A-Za-z]+$/.test(v)) {
      dashC ||= v.startsWith('-') && v.includes('c');
      stdin ||= v.startsWith('-') && v.includes('s');
      if (/[oO]/.test(v)) i++;
    } else if (v.startsWith('--')) {
      if (v === '--version' || v === '--help') return undefined;
      if (v === '--rcfile' || v === '--init-file') i++;
    } else {
      if (dashC) return v;
      return stdin ? { uncertain: 'the shell reads its commands from standard input' } : undefined;
    }
  }
  if (dashC) return { uncertain: '-c without a command' };
  // No command string and no script file: the shell runs whatever arrives on its standard input.
  return { uncertain: 'the shell reads its commands from standard input' };
}

/** `find ... -exec cmd {} \;`: the command it runs, as a part of its own. */
function findExec(words: Word[], depth: number, forms: Outer, problems: string[]): CommandPart[] {
  if (path.posix.basename(words[0]?.value ?? '') !== 'find') return [];
  const out: CommandPart[] = [];
  for (let i = 1; i < words.length; i++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(words[i].value)) continue;
    const end = words.findIndex((w, k) => k > i && (w.value === ';' || w.value === '+'));
    const inner = words.slice(i + 1, end === -1 ? words.length : end).map((w) => (w.value.includes('{}') ? { ...w, expands: true } : w));
    if (end === -1 || inner.length === 0) problems.push(`${words[i].value} is not terminated by ";" or "+"`);
    if (inner.length) out.push(...partsOf({ words: inner, redirects: [] }, depth + 1, { ...forms, denyForms: [...forms.denyForms], allowForms: [] }, problems));
    i = end === -1 ? words.length : end;
  }
  return out;
}

function withBasename(words: Word[]): Word[] {
  if (!words.length || !words[0].value.includes('/')) return words;
  return [{ ...words[0], value: path.posix.basename(words[0].value) }, ...words.slice(1)];
}

/** Words back to one line: expansions as written, plain words bare, anything else single-quoted. */
export function render(words: Word[]): string {
  return words.map((w) => (w.expands ? w.raw : quoteWord(w.value))).join(' ');
}

function quoteWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./~^*?[\]{}-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
