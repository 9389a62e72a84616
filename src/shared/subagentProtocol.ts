/**
 * The protocol pieces for subagent cards (the `task` tool's live view) and plan reviews (plan mode's
 * exit_plan_mode). Kept apart from protocol.ts, which includes them in its unions.
 */
import { z } from 'zod';

/** Limits on a subagent card: agent names and descriptions come from files and the model. */
export const SUBAGENT_LIMITS = { calls: 20, name: 64, description: 200, summary: 200, id: 200 } as const;

const count = z.number().int().nonnegative();
const subagentId = z.string().regex(/^[A-Za-z0-9_-]+$/).max(SUBAGENT_LIMITS.id);

/** A transcript entry: one subagent, shown under the task call that started it. */
export const subagentEntry = z.object({
  role: z.literal('subagent'),
  id: z.string(),
  /** The subagent's session id (`<parent>-sub-<n>`): what Stop names. */
  subagentId,
  /** The parent's tool call that started it. */
  toolUseId: z.string().max(SUBAGENT_LIMITS.id).optional(),
  agent: z.string().max(SUBAGENT_LIMITS.name),
  description: z.string().max(SUBAGENT_LIMITS.description),
  readOnly: z.boolean(),
  /** Its latest tool calls, oldest first; `earlierCalls` were dropped from the front. */
  calls: z.array(z.object({
    id: z.string().max(SUBAGENT_LIMITS.id),
    name: z.string().max(SUBAGENT_LIMITS.name),
    summary: z.string().max(SUBAGENT_LIMITS.summary),
    status: z.enum(['running', 'done', 'error', 'interrupted']),
  })).max(SUBAGENT_LIMITS.calls),
  earlierCalls: count,
  turns: count,
  maxTurns: count,
  tokens: count,
  maxTokens: count,
  state: z.enum(['running', 'completed', 'budget_turns', 'budget_tokens', 'aborted', 'failed']),
});
export type SubagentEntry = z.infer<typeof subagentEntry>;

/** webview -> host: the card's Stop. Only a subagent that is still running is stopped. */
export const stopSubagent = z.object({ type: z.literal('stopSubagent'), id: subagentId });

/** Limits on a plan card. */
export const PLAN_LIMITS = { path: 1_000, comments: 20_000 } as const;

/** A transcript entry: a plan waiting for the user's decision (or the decision taken). */
export const planEntry = z.object({
  role: z.literal('plan'),
  id: z.string(),
  /** Where the plan document is, for the card's line (the user edits it there). */
  path: z.string().max(PLAN_LIMITS.path),
  state: z.enum(['pending', 'approved', 'revising']),
  /** The mode it was approved in. */
  mode: z.enum(['ask', 'acceptEdits', 'bypass']).optional(),
});
export type PlanEntry = z.infer<typeof planEntry>;

/** The modes a plan can be executed in (plan mode itself is not one). */
export const executionMode = z.enum(['ask', 'acceptEdits', 'bypass']);
export type ExecutionMode = z.infer<typeof executionMode>;

/** webview -> host: Approve (in a mode) or Another round (with the user's comments) on a pending plan. */
export const planDecision = z.discriminatedUnion('decision', [
  z.object({ type: z.literal('planDecision'), entryId: z.string().max(64), decision: z.literal('approve'), mode: executionMode }),
  z.object({ type: z.literal('planDecision'), entryId: z.string().max(64), decision: z.literal('revise'), comments: z.string().max(PLAN_LIMITS.comments) }),
]);
export type PlanDecision = z.infer<typeof planDecision>;

/** webview -> host: show the plan document again. */
export const planOpen = z.object({ type: z.literal('planOpen'), entryId: z.string().max(64) });
