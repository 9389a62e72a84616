import type { AccessRequest } from '../ports';
import { decideCommand } from './decideCommand';
import { decidePath } from './decidePath';
import { compileRules } from './rules';
import type { PermissionContext, PermissionDecision } from './types';

/**
 * Whether one access may happen now (allow), needs a person (ask), or must not happen (deny).
 * Pure and synchronous: the same request and context always give the same answer, so the agent
 * loop can call it for every tool call and tests can pin it down exhaustively.
 *
 * Order, everywhere: deny rules; what the mode forbids (plan); ask rules, protected paths, the
 * workspace boundary and anything that cannot be analysed; then what the mode or an allow rule
 * allows; otherwise ask. In an untrusted workspace allow rules are ignored, bypass and
 * acceptEdits act like ask, and commands are denied.
 */
export function decide(request: AccessRequest, ctx: PermissionContext): PermissionDecision {
  const rules = compileRules(ctx.rules).filter((r) => ctx.trusted || r.list !== 'allow');
  return request.kind === 'command' ? decideCommand(request, ctx, rules) : decidePath(request, ctx, rules);
}
