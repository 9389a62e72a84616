/**
 * What a subagent may do: its tools (the parent's, intersected with the agent's list; read-only
 * agents keep only read-only tools) and its permission gate (the parent's, never wider; read-only
 * agents also pass plan mode's, so a write is refused by the permission layer whatever they are told).
 */
import { decide } from '../permissions';
import type { PermissionContext } from '../permissions/types';
import type { AccessRequest } from '../ports';
import type { Authorization, ToolDefinition, ToolSession } from '../tools/tool';
import { TASK_TOOL_NAME, type AgentDefinition } from './types';

/** Not read-only tools, but kept for read-only agents: the plan-mode gate lets only commands that look run. */
const GATED_FOR_READ_ONLY = new Set(['run_command']);

/** The parent's tools a subagent of `agent` gets. `canNest`: it is shallow enough to start subagents itself. */
export function scopeTools(parentTools: readonly ToolDefinition[], agent: AgentDefinition, canNest: boolean): ToolDefinition[] {
  return parentTools.filter((t) => {
    if (agent.tools && !agent.tools.includes(t.name)) return false;
    if (t.name === TASK_TOOL_NAME) return canNest && agent.tools?.includes(TASK_TOOL_NAME) === true;
    if (agent.readOnly) return t.readOnly === true || GATED_FOR_READ_ONLY.has(t.name);
    return true;
  });
}

type Authorize = (request: AccessRequest) => Promise<Authorization>;

/**
 * The parent's authorizer behind plan mode's rules: whatever plan mode denies (any edit, any
 * command that is not read-only) is refused without asking; the rest goes to the parent's gate
 * (its mode, rules, session rules and approvals), so the result is never wider than the parent's.
 */
export function readOnlyGate(parent: Authorize, permissions: () => PermissionContext): Authorize {
  return async (request) => {
    const verdict = decide(request, { ...permissions(), mode: 'plan' });
    if (verdict.behavior === 'deny') {
      return { granted: false, reason: `Permission denied: ${verdict.reason}. This subagent is read-only: it cannot change files or run commands that do. Report what should change instead.` };
    }
    return parent(request);
  };
}

/** What the conversation of a running subagent may start: a runner when nesting is allowed. */
export interface SubagentScope<R> {
  depth: number;
  /** Undefined when its agent does not allow nesting: `task` and forked skills are refused or run inline. */
  nested?: R;
}

const scopes = new WeakMap<ToolSession, SubagentScope<unknown>>();

/** Marks a tool session as a subagent's (tools shared with the parent look it up). */
export function setSubagentScope<R>(session: ToolSession, scope: SubagentScope<R>): void {
  scopes.set(session, scope);
}

/** The subagent scope of a tool session, or undefined for a top-level conversation. */
export function subagentScope<R>(session: ToolSession): SubagentScope<R> | undefined {
  return scopes.get(session) as SubagentScope<R> | undefined;
}
