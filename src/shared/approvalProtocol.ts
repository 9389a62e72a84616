/**
 * The protocol pieces for approvals answered in the panel and for "Fix this" results. Kept apart
 * from protocol.ts (which includes them in its unions) so the limits and the card shapes sit together.
 */
import { z } from 'zod';

/** Limits on what an approval card may carry: paths and commands come from the model. */
export const APPROVAL_LIMITS = { path: 1_000, command: 10_000, diffLines: 80, lineText: 400, reason: 2_000, text: 2_000 } as const;

/** An id the host made up for one question; the webview can only echo it back. */
export const approvalId = z.string().regex(/^ap-[A-Za-z0-9-]{1,64}$/);

export const diffLine = z.object({
  kind: z.enum(['add', 'del', 'ctx', 'gap']),
  text: z.string().max(APPROVAL_LIMITS.lineText),
});
export type DiffLine = z.infer<typeof diffLine>;

const base = { type: z.literal('approvalRequest'), id: approvalId, tool: z.string().max(64) };

/** host -> webview: a question waiting for an answer, shown as a card (also sent again after a snapshot). */
export const approvalRequest = z.discriminatedUnion('kind', [
  z.object({
    ...base,
    kind: z.literal('edit'),
    /** As the user would write it: relative to the workspace when inside it. */
    path: z.string().max(APPROVAL_LIMITS.path),
    /** The file does not exist yet. */
    isNew: z.boolean(),
    added: z.number().int().nonnegative(),
    removed: z.number().int().nonnegative(),
    /** A compact diff, capped; `truncated` says lines were left out (the editor diff has them all). */
    lines: z.array(diffLine).max(APPROVAL_LIMITS.diffLines),
    truncated: z.boolean(),
  }),
  z.object({
    ...base,
    kind: z.literal('command'),
    /** The exact command line that will run. */
    command: z.string().max(APPROVAL_LIMITS.command),
    cwd: z.string().max(APPROVAL_LIMITS.path),
  }),
  z.object({ ...base, kind: z.literal('read'), path: z.string().max(APPROVAL_LIMITS.path) }),
]);
export type ApprovalRequest = z.infer<typeof approvalRequest>;

/** host -> webview: the question was answered (here, in the editor, or by Stop); the card closes. */
export const approvalResolved = z.object({
  type: z.literal('approvalResolved'),
  id: approvalId,
  /** What was decided, for the line the card leaves behind. */
  outcome: z.enum(['allowed', 'denied', 'interrupted']),
});

export const approvalDecision = z.enum(['allow', 'always', 'deny']);
export type ApprovalDecision = z.infer<typeof approvalDecision>;

/** webview -> host: an answer from a card. Only an id the host asked about (and still waits on) counts. */
export const approvalAnswer = z.object({
  type: z.literal('approvalAnswer'),
  id: approvalId,
  decision: approvalDecision,
  reason: z.string().trim().max(APPROVAL_LIMITS.reason).optional(),
});

/** webview -> host: "Open diff" on an edit card: shows (or focuses) the editable diff. */
export const approvalOpenDiff = z.object({ type: z.literal('approvalOpenDiff'), id: approvalId });

/** A transcript entry: what "Fix with Reverie" found when it checked its fix. */
export const fixResultEntry = z.object({
  role: z.literal('fixResult'),
  id: z.string(),
  fixed: z.boolean(),
  /** One or two plain sentences ("Fixed: the error at src/a.ts:12 is gone; npm test passed"). */
  text: z.string().max(APPROVAL_LIMITS.text),
  /** The panel offers Continue (a follow-up turn); the host keeps what it sends. */
  canContinue: z.boolean(),
});
export type FixResultEntry = z.infer<typeof fixResultEntry>;

/** webview -> host: Continue on a fix result that is still there. */
export const fixContinue = z.object({ type: z.literal('fixContinue'), entryId: z.string().max(64) });
