/**
 * The one protocol between the extension host and the chat webview. Both sides validate what
 * they receive with these schemas; the dispatch maps are typed over the unions, so a message
 * that is added here but not handled fails to compile.
 */
import { z } from 'zod';
import { approvalAnswer, approvalOpenDiff, approvalRequest, approvalResolved, fixContinue, fixResultEntry } from './approvalProtocol';
import { planDecision, planEntry, planOpen, stopSubagent, subagentEntry } from './subagentProtocol';

export const errorReason = z.enum([
  'no_api_key', 'bad_base_url', 'auth', 'permission', 'rate_limit', 'overloaded', 'server', 'network', 'timeout',
  'prompt_too_long', 'model_not_found', 'bad_request', 'aborted', 'busy', 'internal',
  /** A `/command` the panel cannot run: no such skill, a disabled one, a built-in missing its text. */
  'bad_command',
  /** `/compact` could not summarise the conversation (nothing to compact, the summary call failed). */
  'compaction_failed',
  /** A rewind or fork that could not be done (no checkpoint, the history before that message is gone). */
  'rewind_failed',
]);
export const errorAction = z.enum(['setApiKey', 'retry', 'openSettings', 'newConversation']);

export const endState = z.enum(['completed', 'aborted_streaming', 'aborted_tools', 'max_turns', 'max_tokens', 'model_error', 'prompt_too_long']);

const toolEntry = z.object({
  role: z.literal('tool'),
  id: z.string(),
  name: z.string(),
  /** One line for the card: the path, pattern or command the tool was called with. */
  summary: z.string(),
  status: z.enum(['pending', 'running', 'done', 'error', 'interrupted']),
  /** The start of the tool's output or result, for the card's details. */
  output: z.string(),
  /** todo_write only: the list it wrote, shown as a checklist card. */
  todos: z.array(z.object({ content: z.string().max(500), status: z.enum(['pending', 'in_progress', 'completed']) })).max(100).optional(),
});

/** Limits on what the host may send about compaction and the context meter. */
export const COMPACTION_LIMITS = { summary: 20_000, hoverText: 2_000 } as const;

const count = z.number().int().nonnegative();

/** A compaction, shown as a divider: the older part of the conversation is now a summary. */
const compactionEntry = z.object({
  role: z.literal('compaction'),
  id: z.string(),
  trigger: z.enum(['auto', 'manual', 'reactive']),
  summarisedMessages: count,
  keptMessages: count,
  tokensBefore: count,
  tokensAfter: count,
  /** The session notes stood in for the summary (no model call). */
  fromNotes: z.boolean(),
  /** Markdown from the model: rendered only through the panel's sanitising markdown path. */
  summary: z.string().max(COMPACTION_LIMITS.summary),
});

/** The context meter's figures (core/compaction/meter.ts), for the panel's footer and the status bar. */
export const contextFigures = z.object({
  contextTokens: count,
  windowTokens: z.number().int().positive(),
  /** Of the window, one decimal. */
  percent: z.number().nonnegative(),
  tokensToAutoCompact: count,
  /** Absent for a model with no known price. */
  costUsd: z.number().nonnegative().optional(),
  /** 0..1; absent before any prompt. */
  cacheHitRatio: z.number().min(0).max(1).optional(),
  /** Plain text, one fact a line: what the numbers mean. */
  hoverText: z.string().max(COMPACTION_LIMITS.hoverText),
});
export type ContextFigures = z.infer<typeof contextFigures>;

/** A token count as the panel and the status bar write it: 950, 56k, 1.2M. */
export function formatTokens(n: number): string {
  if (n < 1_000) return String(Math.round(n));
  if (n < 999_500) return `${Math.round(n / 1_000)}k`;
  return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
}

const transcriptEntry = z.discriminatedUnion('role', [
  toolEntry,
  z.object({ role: z.literal('user'), id: z.string(), text: z.string() }),
  z.object({
    role: z.literal('assistant'),
    id: z.string(),
    text: z.string(),
    status: z.enum(['streaming', 'done', 'stopped', 'error']),
    /** The model's thinking before this answer, shown folded; rendered like the answer (sanitised markdown). */
    thinking: z.string().optional(),
  }),
  z.object({ role: z.literal('error'), id: z.string(), reason: errorReason, message: z.string(), action: errorAction.optional() }),
  /**
   * A short line about something that happened: "Saved 1 memory" (`done`, the default), or
   * `info` for what the agent did on its own, e.g. clearing old tool results from the context.
   */
  z.object({ role: z.literal('notice'), id: z.string(), text: z.string(), tone: z.enum(['done', 'info']).optional() }),
  compactionEntry,
  /** What "Fix with Reverie" found when it checked its fix (approvalProtocol.ts). */
  fixResultEntry,
  /** A subagent's card and a plan to review (subagentProtocol.ts). */
  subagentEntry,
  planEntry,
]);
export type TranscriptEntry = z.infer<typeof transcriptEntry>;

/** Limits on what one slash command may carry to the panel (skill metadata comes from repository files). */
export const SLASH_LIMITS = { name: 64, description: 200, argumentHint: 80, source: 40, count: 200 } as const;

/** Something the user can type as `/name args`: a built-in or a skill. */
export const slashCommand = z.object({
  /** Without the slash. */
  name: z.string().regex(/^[\w.:-]+$/).max(SLASH_LIMITS.name),
  description: z.string().max(SLASH_LIMITS.description),
  argumentHint: z.string().max(SLASH_LIMITS.argumentHint).optional(),
  /** Where it comes from, for the list: "built-in", "project", "user", ... */
  source: z.string().max(SLASH_LIMITS.source),
});
export type SlashCommand = z.infer<typeof slashCommand>;

/** Limits on the composer's popups, mode and model pickers, and the sessions view. */
export const COMPOSER_LIMITS = { mentionItems: 50, text: 300, path: 1024, query: 200, models: 20, sessions: 200, title: 120 } as const;

/** Something the user can mention as `@insert`: a workspace file or folder, the selection, problems, terminal output. */
export const mentionItem = z.object({
  kind: z.enum(['file', 'folder', 'selection', 'problems', 'terminal']),
  /** What the list shows (a path, or the name of the special mention). */
  label: z.string().max(COMPOSER_LIMITS.path),
  /** What goes after the `@` in the input: a relative path, `path:12-20`, `problems`, `terminal`. */
  insert: z.string().max(COMPOSER_LIMITS.path),
  detail: z.string().max(COMPOSER_LIMITS.path).optional(),
});
export type MentionItem = z.infer<typeof mentionItem>;

export const permissionModeSchema = z.enum(['ask', 'acceptEdits', 'plan', 'bypass']);
const modelName = z.string().regex(/^[\w.:@/[\]-]+$/).max(100);
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);

/** One saved session in the sessions view. */
export const sessionSummary = z.object({
  id: sessionId,
  /** The title the user gave it, else the start of the first user message. */
  title: z.string().max(COMPOSER_LIMITS.title),
  /** ISO time. */
  startedAt: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** For a search: where the query matched. */
  snippet: z.string().max(COMPOSER_LIMITS.text).optional(),
  /** The conversation the panel shows now. */
  current: z.boolean(),
});
export type SessionSummary = z.infer<typeof sessionSummary>;

export const hostToWebview = z.discriminatedUnion('type', [
  /** Everything needed to draw the panel from scratch: sent when the webview (re)loads. */
  z.object({
    type: z.literal('snapshot'),
    hasApiKey: z.boolean(),
    model: z.string(),
    busy: z.boolean(),
    entries: z.array(transcriptEntry),
    /** The context meter after the latest response; absent before the first one. */
    meter: contextFigures.optional(),
  }),
  z.object({ type: z.literal('auth'), hasApiKey: z.boolean() }),
  z.object({ type: z.literal('turnStarted'), turnId: z.string(), userEntryId: z.string(), text: z.string(), retry: z.boolean() }),
  /** A piece of streamed assistant text for entry `entryId` (created on its first delta); `seq` counts from 0 within the turn. */
  z.object({ type: z.literal('textDelta'), turnId: z.string(), entryId: z.string(), seq: z.number().int().nonnegative(), text: z.string() }),
  /** A tool card, created or updated. */
  z.object({ type: z.literal('toolUpdate'), turnId: z.string(), entry: toolEntry }),
  /** Entries that will not be kept (the request is being retried). */
  z.object({ type: z.literal('entriesRemoved'), turnId: z.string(), ids: z.array(z.string()) }),
  /** A passing status line, e.g. "API overloaded; retrying in 2 s (attempt 1 of 10)"; empty text clears it. */
  z.object({ type: z.literal('status'), turnId: z.string(), text: z.string() }),
  z.object({
    type: z.literal('turnEnded'),
    turnId: z.string(),
    state: endState,
    usage: z.object({ inputTokens: z.number(), outputTokens: z.number(), cacheReadInputTokens: z.number(), cacheCreationInputTokens: z.number() }).optional(),
  }),
  z.object({ type: z.literal('error'), turnId: z.string().optional(), entryId: z.string(), reason: errorReason, message: z.string(), action: errorAction.optional() }),
  z.object({ type: z.literal('notice'), turnId: z.string(), entryId: z.string(), text: z.string(), tone: z.enum(['done', 'info']).optional() }),
  z.object({ type: z.literal('cleared') }),
  /** An entry added whole: the user's `/command` that could not run, a compaction divider. */
  z.object({ type: z.literal('entry'), entry: transcriptEntry }),
  /** The context meter, after each response (a new conversation clears it with `cleared`). */
  z.object({ type: z.literal('context'), meter: contextFigures }),
  /** The slash commands to complete in the input: sent after the snapshot, and again when skills change. */
  z.object({ type: z.literal('commands'), commands: z.array(slashCommand).max(SLASH_LIMITS.count) }),
  /** The answer to `mentionQuery`: items ranked best first. */
  z.object({ type: z.literal('mentionItems'), requestId: z.number().int(), items: z.array(mentionItem).max(COMPOSER_LIMITS.mentionItems) }),
  /** The permission mode and the model, after the snapshot and whenever either changes (in the panel or elsewhere). */
  z.object({ type: z.literal('composerState'), mode: permissionModeSchema, model: z.string().max(100), models: z.array(z.string().max(100)).max(COMPOSER_LIMITS.models) }),
  /** The answer to `listSessions`, newest first; sent again after a rename or delete. */
  z.object({ type: z.literal('sessions'), requestId: z.number().int(), query: z.string().max(COMPOSER_LIMITS.query), sessions: z.array(sessionSummary).max(COMPOSER_LIMITS.sessions) }),
  /** An approval waiting for an answer, as a card (approvalProtocol.ts); and its end. */
  approvalRequest,
  approvalResolved,
]);
export type HostToWebview = z.infer<typeof hostToWebview>;

/** Limits on a code block the panel sends back to the host. */
export const CODE_ACTION_LIMITS = { code: 500_000, language: 64 } as const;
export type CodeAction = Extract<WebviewToHost, { type: 'codeAction' }>;

export const webviewToHost = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('submit'), text: z.string().trim().min(1).max(200_000) }),
  z.object({ type: z.literal('stop') }),
  z.object({ type: z.literal('retry') }),
  z.object({ type: z.literal('newConversation') }),
  /** A user message's menu: rewind the files to before it, fork the conversation from before it, or both. */
  z.object({ type: z.literal('rewind'), entryId: z.string().min(1).max(100), mode: z.enum(['code', 'fork', 'both']) }),
  /** A button in the panel; only these fixed actions, never an arbitrary command id. */
  z.object({ type: z.literal('action'), action: z.enum(['setApiKey', 'openSettings']) }),
  /** `@text` typed in the input: the host answers with `mentionItems` of the same requestId. */
  z.object({ type: z.literal('mentionQuery'), requestId: z.number().int(), query: z.string().max(COMPOSER_LIMITS.query) }),
  /** The panel's mode switch; bypass is confirmed by the host like the status bar picker. */
  z.object({ type: z.literal('setMode'), mode: permissionModeSchema }),
  /** The panel's model picker: written to `reverie.model`. */
  z.object({ type: z.literal('setModel'), model: modelName }),
  /** The sessions view: list (empty query) or search. */
  z.object({ type: z.literal('listSessions'), requestId: z.number().int(), query: z.string().max(COMPOSER_LIMITS.query) }),
  z.object({ type: z.literal('resumeSession'), id: sessionId }),
  z.object({ type: z.literal('renameSession'), id: sessionId, title: z.string().trim().max(COMPOSER_LIMITS.title) }),
  /** The host asks for confirmation before it deletes. */
  z.object({ type: z.literal('deleteSession'), id: sessionId }),
  /** A code block's toolbar: copy it (when the webview's clipboard fails), insert it at the cursor, or apply it over the selection. */
  z.object({
    type: z.literal('codeAction'),
    action: z.enum(['insert', 'apply', 'copy']),
    code: z.string().max(CODE_ACTION_LIMITS.code),
    language: z.string().max(CODE_ACTION_LIMITS.language),
  }),
  /** An approval card's buttons and Continue on a fix result (approvalProtocol.ts). */
  approvalAnswer,
  approvalOpenDiff,
  fixContinue,
  /** A subagent card's Stop; a plan card's Approve / Another round and its document (subagentProtocol.ts). */
  stopSubagent,
  planDecision,
  planOpen,
]);
export type WebviewToHost = z.infer<typeof webviewToHost>;

/** A handler for every message of a union, keyed by its `type`. */
export type HandlerMap<U extends { type: string }> = {
  [K in U['type']]: (msg: Extract<U, { type: K }>) => void | Promise<void>;
};

export type DispatchResult = { ok: true; done: Promise<void> } | { ok: false; error: string };

/** Validates an incoming message and hands it to its handler; invalid input is reported, never run. */
export function dispatch<U extends { type: string }>(schema: z.ZodType<U>, handlers: HandlerMap<U>, raw: unknown): DispatchResult {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  const msg = parsed.data;
  const handler = handlers[msg.type as U['type']] as (m: U) => void | Promise<void>;
  return { ok: true, done: Promise.resolve().then(() => handler(msg)) };
}
