import * as path from 'node:path';
import type { AccessRequest } from '../ports';
import { analyseCommand, type CommandPart } from './commandParts';
import { matchesCommandPattern, mightMatchCommandPattern } from './commandPattern';
import { findPathRule, guardPath } from './decidePath';
import { expandHome } from './paths';
import { isHarmlessTarget, isReadOnlyPart } from './readOnly';
import { FAMILY_TOOL, ruleCovers, type Rule } from './rules';
import type { PermissionContext, PermissionDecision } from './types';
import { allow, ask, deny } from './verdict';

type CommandRequest = Extract<AccessRequest, { kind: 'command' }>;

/** A file a redirect writes, or why we cannot tell which file. */
type Write = { part: CommandPart; path: string } | { part: CommandPart; unknown: string };

/**
 * Commands: every part of the line is judged on its own. Any denied part denies the whole line,
 * any part that needs asking makes it ask, and only a line whose every part is allowed runs
 * without a question. `rules` are those that apply (allow rules already dropped when untrusted).
 */
export function decideCommand(request: CommandRequest, ctx: PermissionContext, rules: readonly Rule[]): PermissionDecision {
  if (!ctx.trusted) return deny('this workspace is not trusted');
  const { parts, problems } = analyseCommand(request.command);
  const own = rules.filter((r) => ruleCovers(r, request));
  const editRules = rules.filter((r) => r.tool === FAMILY_TOOL.edit);
  const writes = writesOf(parts, request.cwd, ctx.home);
  const matching = (list: Rule['list'], p: CommandPart, forms = p.denyForms) =>
    own.find((r) => r.list === list && (r.pattern === undefined || forms.some((f) => matchesCommandPattern(r.pattern!, f))));

  const bareDeny = own.find((r) => r.list === 'deny' && r.pattern === undefined);
  if (bareDeny) return deny(`denied by rule ${bareDeny.text}`, bareDeny);
  for (const p of parts) {
    const rule = matching('deny', p);
    if (rule && p.words.length) return deny(`denied by rule ${rule.text} (part "${p.text}")`, rule);
  }
  for (const w of writes) {
    const rule = 'path' in w ? findPathRule(editRules, 'deny', w.path, ctx) : undefined;
    if (rule) return deny(`denied by rule ${rule.text} (redirect to "${describeWrite(w)}")`, rule);
  }

  if (ctx.mode === 'plan') {
    const writer = parts.find((p) => !isReadOnlyPart(p));
    if (problems.length || writer || !parts.some((p) => p.words.length)) {
      return deny(`plan mode is read-only: ${writer ? `"${describe(writer)}" is not a read-only command` : 'the command could not be analysed'}`);
    }
  }

  if (problems.length) return ask(`could not analyse the command with confidence: ${problems[0]}`);
  if (!parts.some((p) => p.words.length)) return ask('there is no command to run');
  for (const p of parts) {
    if (p.uncertain) return ask(`cannot judge "${describe(p)}": ${p.uncertain}`);
    const rule = p.words.length ? matching('ask', p) : undefined;
    if (rule) return ask(`rule ${rule.text} asks for approval (part "${p.text}")`, rule);
    const maybe = p.knownPrefixes && own.find((r) => r.list !== 'allow' && r.pattern !== undefined
      && p.knownPrefixes!.some((k) => mightMatchCommandPattern(r.pattern!, k)));
    if (maybe) return ask(`"${p.text}" is only fully known at run time, and rule ${maybe.text} might apply`, maybe);
  }
  for (const w of writes) {
    if ('unknown' in w) return ask(w.unknown);
    const guard = guardPath(w.path, editRules, ctx);
    if (guard) return { ...guard, reason: `${guard.reason} (redirect to "${w.path}")` };
  }

  if (ctx.mode === 'bypass') return allow('"bypass" mode allows commands');
  const used: Rule[] = [];
  const refused = parts.find((p) => {
    if (p.words.length === 0 && p.redirects.every((r) => !r.writes)) return false;
    const rule = own.find((r) => r.list === 'allow' && r.pattern === undefined) ?? matching('allow', p, p.allowForms);
    if (rule) used.push(rule);
    return !rule;
  });
  if (!refused) {
    const texts = [...new Set(used.map((r) => r.text))];
    return allow(`allowed by rule${texts.length > 1 ? 's' : ''} ${texts.join(', ')}`, used[0]);
  }
  if (ctx.mode === 'plan') return ask('plan mode asks before running read-only commands');
  const hint = own.some((r) => r.list === 'allow') ? `; no allow rule matches "${describe(refused)}"` : '';
  return ask(`commands ask in "${ctx.mode}" mode${hint}`);
}

/** The files redirects write, resolved against the working folder as `cd` changes it along the line. */
function writesOf(parts: CommandPart[], cwd: string, home: string): Write[] {
  const out: Write[] = [];
  let dir: string | undefined = cwd;
  for (const part of parts) {
    for (const r of part.redirects.filter((x) => x.writes)) {
      const value = expandHome(r.target.value, home);
      if (r.target.expands || value.startsWith('~')) out.push({ part, unknown: `the redirect target ${r.target.raw} is only known at run time` });
      else if (isHarmlessTarget(value)) continue;
      else if (path.isAbsolute(value)) out.push({ part, path: path.resolve(value) });
      else if (dir) out.push({ part, path: path.resolve(dir, value) });
      else out.push({ part, unknown: `cannot tell which folder "${r.target.raw}" is in after a change of folder` });
    }
    const [program, arg, ...more] = part.words;
    if (program?.value === 'cd' || program?.value === 'pushd' || program?.value === 'popd') {
      if (program.value === 'cd' && !arg) dir = home;
      else if (program.value === 'popd' || !arg || arg.expands || arg.value.startsWith('-') || more.length) dir = undefined;
      else dir = dir && path.resolve(dir, expandHome(arg.value, home));
    }
  }
  return out;
}

function describeWrite(w: Write): string {
  return 'path' in w ? w.path : w.unknown;
}

/** A part as a person reads it: the command, or the redirect alone (`> out.txt`). */
function describe(p: CommandPart): string {
  return p.text || p.redirects.map((r) => `${r.op} ${r.target.raw}`).join(' ');
}
