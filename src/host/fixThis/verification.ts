/**
 * Whether "Fix with Reverie" fixed the problem: the diagnostics of the file before and after the
 * turn, and the configured test command's result, become one verdict for the panel. No `vscode`.
 */
import type { Severity } from './fixPrompt';

/** What identifies a diagnostic across an edit (its position moves, so it is left out). */
export interface DiagnosticKey {
  message: string;
  severity: Severity;
  source?: string;
  code?: string | number;
}

export type TestOutcome =
  | { status: 'passed' }
  | { status: 'failed'; exitCode: number | undefined; output: string }
  | { status: 'not_run'; why: string };

export interface VerifyInput {
  /** `src/a.ts:12`: where the problem was. */
  where: string;
  target: DiagnosticKey;
  /** The file's diagnostics when the fix was asked for, and after the turn (settled). */
  before: readonly DiagnosticKey[];
  after: readonly DiagnosticKey[];
  /** Whether the file changed during the turn (an edit was accepted). */
  edited: boolean;
  /** The configured test command and how it went; absent when none is configured. */
  test?: { command: string; outcome: TestOutcome };
}

export interface Verdict {
  fixed: boolean;
  /** For the panel. */
  text: string;
  /** For the model, when the user presses Continue. */
  followUp?: string;
}

const same = (a: DiagnosticKey, b: DiagnosticKey) =>
  a.message === b.message && a.severity === b.severity && (a.source ?? '') === (b.source ?? '') && String(a.code ?? '') === String(b.code ?? '');

const count = (list: readonly DiagnosticKey[], d: DiagnosticKey) => list.filter((x) => same(x, d)).length;

/** Errors in `after` that `before` did not have (as many times as they are new). */
export function newErrors(before: readonly DiagnosticKey[], after: readonly DiagnosticKey[]): DiagnosticKey[] {
  const left = [...before];
  const out: DiagnosticKey[] = [];
  for (const d of after) {
    if (d.severity !== 'error') continue;
    const i = left.findIndex((x) => same(x, d));
    if (i >= 0) left.splice(i, 1);
    else out.push(d);
  }
  return out;
}

const TAIL_CHARS = 2_000;
const tail = (s: string) => (s.length <= TAIL_CHARS ? s : `…${s.slice(-TAIL_CHARS)}`);
const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The target is gone when fewer diagnostics like it remain than there were (two identical errors,
 * one fixed, counts). A fix that brings in new errors, or breaks the tests, is not a fix.
 */
export function verdict(input: VerifyInput): Verdict {
  const what = `the ${input.target.severity} at ${input.where}`;
  const quoted = `"${flat(input.target.message)}"`;
  if (!input.edited) {
    return {
      fixed: false,
      text: `Not fixed: no change to ${input.where.replace(/:\d+(-\d+)?$/, '')} was made, so ${what} is still there.`,
      followUp: `No change was made to the file, so ${what} (${quoted}) is still there. Keep going: fix it with edit_file.`,
    };
  }
  if (count(input.after, input.target) >= count(input.before, input.target)) {
    return {
      fixed: false,
      text: `Still there: ${what} (${quoted}) is still reported after the change.`,
      followUp: `The language server still reports ${what}: ${quoted}. Look again at the cause and keep going until it is gone.`,
    };
  }
  const added = newErrors(input.before, input.after);
  if (added.length) {
    const list = added.slice(0, 5).map((d) => `- ${flat(d.message)}`).join('\n');
    return {
      fixed: false,
      text: `Still not clean: ${what} is gone, but ${added.length} new ${added.length === 1 ? 'error' : 'errors'} appeared in the file ("${flat(added[0].message)}").`,
      followUp: `${capital(what)} is gone, but the change introduced ${added.length === 1 ? 'a new error' : 'new errors'}:\n${list}\nKeep going: fix ${added.length === 1 ? 'it' : 'them'} too.`,
    };
  }
  const test = input.test;
  if (test?.outcome.status === 'failed') {
    const code = test.outcome.exitCode === undefined ? 'no exit code' : `exit code ${test.outcome.exitCode}`;
    return {
      fixed: false,
      text: `Still failing: ${what} is gone, but ${test.command} failed (${code}).`,
      followUp: `${capital(what)} is gone, but \`${test.command}\` failed (${code}). Its output ends with:\n\`\`\`\n${tail(test.outcome.output)}\n\`\`\`\nKeep going until it passes.`,
    };
  }
  const testNote = !test ? '' : test.outcome.status === 'passed' ? `; ${test.command} passed` : `; ${test.command} was not run (${test.outcome.why})`;
  return { fixed: true, text: `Fixed: ${what} is gone${testNote}.` };
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
