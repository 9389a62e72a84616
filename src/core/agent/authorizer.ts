import type { AccessRequest, Approvals, Logger } from '../ports';
import { decide, suggestRule } from '../permissions';
import type { PermissionContext } from '../permissions/types';
import type { Authorization } from '../tools/tool';

export interface AuthorizerDeps {
  /** Read fresh for every request, so a changed mode or setting applies at once. */
  permissions(): PermissionContext;
  /** Undefined where no one can be asked (the CLI without a terminal): "ask" then means deny. */
  approvals?: Approvals;
  /** "Always allow" rules added during this conversation. */
  sessionRules: string[];
  /** Allow rules for the current turn only (a loaded skill's `allowed-tools`); read fresh per request. */
  turnRules?(): readonly string[];
  log: Logger;
}

/**
 * The one gate every tool passes before it reads outside its reach, writes, or runs a command:
 * rules and mode decide; "ask" goes to the user; "Always allow" adds a rule for the session.
 * Prompt-injected text cannot change any of this: the decision never reads tool input as instructions.
 */
export function createAuthorizer(deps: AuthorizerDeps): (request: AccessRequest, signal: AbortSignal) => Promise<Authorization> {
  return async (request, signal) => {
    const base = deps.permissions();
    const ctx: PermissionContext = { ...base, rules: { ...base.rules, allow: [...base.rules.allow, ...deps.sessionRules, ...(deps.turnRules?.() ?? [])] } };
    const decision = decide(request, ctx);
    const what = describe(request);
    if (decision.behavior === 'allow') return { granted: true };
    if (decision.behavior === 'deny') {
      deps.log.info(`denied ${what}: ${decision.reason}`);
      return { granted: false, reason: `Permission denied: ${decision.reason}. Do not try to get around this; ask the user if it is needed.` };
    }
    if (!deps.approvals) {
      deps.log.info(`denied ${what}: needs approval and no one can be asked`);
      return {
        granted: false,
        reason: `Permission needed (${decision.reason}), and there is no one to ask in this non-interactive run. ` +
          'Rerun with a permission mode or an allow rule that covers it.',
      };
    }
    const answer = await deps.approvals.ask(request, signal);
    if (!answer.approved) {
      deps.log.info(`user denied ${what}${answer.reason ? `: ${answer.reason}` : ''}`);
      return { granted: false, reason: answer.reason ? `The user denied this: ${answer.reason}` : 'The user denied this.' };
    }
    if (answer.always) {
      const rule = suggestRule(request, ctx.roots);
      deps.sessionRules.push(rule);
      deps.log.info(`always allowing ${rule} for this conversation`);
    }
    return { granted: true, finalText: answer.finalText };
  };
}

function describe(request: AccessRequest): string {
  return request.kind === 'command' ? `${request.tool} ${JSON.stringify(request.command)}` : `${request.tool} ${request.path}`;
}
