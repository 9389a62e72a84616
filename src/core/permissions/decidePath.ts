import * as path from 'node:path';
import type { AccessRequest } from '../ports';
import { containingDir, isAbsolutePattern, matchesPathPattern } from './paths';
import { protectedReason } from './protectedPaths';
import { ruleCovers, type Rule, type RuleList } from './rules';
import type { PermissionContext, PermissionDecision } from './types';
import { allow, ask, deny } from './verdict';

type PathRequest = Extract<AccessRequest, { kind: 'read' | 'edit' }>;

/** The first rule of `list` whose pattern matches `target` (a bare rule matches every path). */
export function findPathRule(rules: readonly Rule[], list: RuleList, target: string, ctx: PermissionContext): Rule | undefined {
  return rules.find((r) => r.list === list && (r.pattern === undefined || matchesPathPattern(r.pattern, target, ctx.roots, ctx.home)));
}

/**
 * The checks that no mode and no broad allow rule overrides: ask rules, protected paths and the
 * workspace boundary. Only an allow rule that names the outside folder by absolute path (as
 * "Always allow" writes it) lets a path outside the workspace through. Undefined: nothing to ask.
 * Deny rules are not checked here; callers check them first.
 */
export function guardPath(target: string, rules: readonly Rule[], ctx: PermissionContext): PermissionDecision | undefined {
  const askRule = findPathRule(rules, 'ask', target, ctx);
  if (askRule) return ask(`rule ${askRule.text} asks for approval`, askRule);
  const guarded = protectedReason(target, ctx);
  if (guarded) return ask(guarded);
  if (isInWorkspace(target, ctx) || outsideGrant(target, rules, ctx)) return undefined;
  return ask('outside the workspace');
}

/** An allow rule naming an outside folder by absolute (or `~/`) path. */
function outsideGrant(target: string, rules: readonly Rule[], ctx: PermissionContext): Rule | undefined {
  return rules.find((r) => r.list === 'allow' && r.pattern !== undefined && isAbsolutePattern(r.pattern)
    && matchesPathPattern(r.pattern, target, ctx.roots, ctx.home));
}

/**
 * The roots, and when the workspace is trusted the folders the user added and the auto-approved
 * ones. In an untrusted workspace only the roots count: those lists may come from its settings.
 */
export function isInWorkspace(target: string, ctx: PermissionContext): boolean {
  if (containingDir(target, ctx.roots)) return true;
  return ctx.trusted && !!(containingDir(target, ctx.additionalDirectories) ?? containingDir(target, ctx.autoApprovedDirectories));
}

/** Reads and edits. `allRules` are the well-formed rules (allow rules already dropped when untrusted). */
export function decidePath(request: PathRequest, ctx: PermissionContext, allRules: readonly Rule[]): PermissionDecision {
  if (!path.isAbsolute(request.path)) return ask(`the path ${request.path} is not absolute`);
  const rules = allRules.filter((r) => ruleCovers(r, request));
  const target = path.resolve(request.path);
  const denyRule = findPathRule(rules, 'deny', target, ctx);
  if (denyRule) return deny(`denied by rule ${denyRule.text}`, denyRule);
  if (request.kind === 'edit' && ctx.mode === 'plan') return deny('plan mode is read-only');
  // Its other names cannot be found from this one, and any of them may be outside the workspace.
  if ((request.hardLinks ?? 1) > 1) return ask(`the file has ${request.hardLinks} hard links, which may lead outside the workspace`);
  const guard = guardPath(target, rules, ctx);
  if (guard) return guard;
  if (!isInWorkspace(target, ctx)) {
    const grant = outsideGrant(target, rules, ctx)!;
    return allow(`allowed by rule ${grant.text}`, grant);
  }
  if (request.kind === 'read') return allow('reads inside the workspace are allowed');
  if (ctx.trusted && containingDir(target, ctx.autoApprovedDirectories)) return allow('inside an auto-approved folder');
  const allowRule = findPathRule(rules, 'allow', target, ctx);
  if (allowRule) return allow(`allowed by rule ${allowRule.text}`, allowRule);
  if (!ctx.trusted) return ask('edits ask in an untrusted workspace');
  if (ctx.mode === 'acceptEdits' || ctx.mode === 'bypass') return allow(`edits inside the workspace are allowed in "${ctx.mode}" mode`);
  return ask(`edits ask in "${ctx.mode}" mode`);
}
