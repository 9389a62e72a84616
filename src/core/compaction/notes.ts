/**
 * Session notes: a running notes file per session, kept up to date by a background call, so that
 * compaction can use it as the summary without a model call when it is fresh.
 *
 * Schedule (the harness's figures): the first update once the context passes 10,000 tokens, then
 * whenever the context grew by 5,000 tokens AND at least 3 tool calls ran since the last update.
 * Both conditions, so a chat without tools does not rewrite notes every few messages, and a burst
 * of tiny tool calls does not either.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { chooseTail, DEFAULT_TAIL, type TailBounds } from './boundary';
import type { Group } from './groups';
import { renderTranscript } from './render';
import { estimateTextTokens } from './tokens';

export const NOTES_MAX_TOKENS = 12_000;
export const NOTES_SECTION_TOKENS = 2_000;

export const NOTES_SECTIONS = [
  ['Current state', 'What is being worked on right now; what was just done; what comes next.'],
  ['Task', 'What the user asked for, their exact words where they matter, and the constraints they set.'],
  ['Files and functions', 'The files and functions that matter, one line each on why.'],
  ['Errors and corrections', 'Errors met and how they were fixed; every correction the user made.'],
  ['Learnings', 'What was found out about the code, the tools and the user\'s preferences.'],
  ['Work log', 'Terse, in order: what was done, step by step.'],
] as const;

/** The empty notes file: each section a heading followed by its description in italics. */
export const NOTES_TEMPLATE = NOTES_SECTIONS.map(([title, what]) => `# ${title}\n_${what}_\n`).join('\n');

/** true when the notes hold something beyond the template's headings and descriptions. */
export function hasContent(notes: string): boolean {
  const descriptions = new Set<string>(NOTES_SECTIONS.map(([, what]) => `_${what}_`));
  return notes.split('\n').some((line) => {
    const t = line.trim();
    return t !== '' && !t.startsWith('#') && !descriptions.has(t);
  });
}

export interface NotesScheduleOptions {
  initTokens: number;
  updateTokens: number;
  minToolCalls: number;
}

export const DEFAULT_NOTES_SCHEDULE: NotesScheduleOptions = { initTokens: 10_000, updateTokens: 5_000, minToolCalls: 3 };

export class NotesSchedule {
  private tokensAtUpdate: number | undefined;
  private toolCalls = 0;
  private running = false;

  constructor(private readonly options: NotesScheduleOptions = DEFAULT_NOTES_SCHEDULE) {}

  recordToolCalls(n = 1): void {
    this.toolCalls += n;
  }

  /** Whether to start an update now, given the tokens in context. Never while one is running. */
  shouldUpdate(contextTokens: number): boolean {
    if (this.running) return false;
    if (this.tokensAtUpdate === undefined) return contextTokens >= this.options.initTokens;
    return contextTokens - this.tokensAtUpdate >= this.options.updateTokens && this.toolCalls >= this.options.minToolCalls;
  }

  started(): void {
    this.running = true;
  }

  /** The update ended. On success the counters restart from `contextTokens`. */
  finished(ok: boolean, contextTokens: number): void {
    this.running = false;
    if (!ok) return;
    this.tokensAtUpdate = contextTokens;
    this.toolCalls = 0;
  }

  /** After a compaction the context shrank: new tokens count from its new size. */
  compacted(contextTokens: number): void {
    if (this.tokensAtUpdate !== undefined) this.tokensAtUpdate = contextTokens;
  }
}

/** The prompt for a notes update: the current notes plus the messages since the last update. */
export function notesUpdatePrompt(currentNotes: string, recentMessages: readonly MessageParam[]): string {
  const notes = currentNotes.trim() ? currentNotes : NOTES_TEMPLATE;
  return [
    'You keep the working notes of a coding session between a user and an AI coding agent. Here are the notes so far:',
    `<notes>\n${notes}\n</notes>`,
    'And the conversation since they were last updated:',
    `<transcript>\n${renderTranscript(recentMessages)}\n</transcript>`,
    'Rewrite the notes so they cover the conversation above as well. Rules:',
    '- Keep every section heading and its italic description line exactly as they are; write under them.',
    '- Be specific: file paths, function names, commands, error messages, the user\'s exact words for requirements.',
    '- "Current state" always describes the latest work; the work log gains entries and never loses the story.',
    `- Stay under about ${NOTES_SECTION_TOKENS.toLocaleString('en-US')} tokens per section and ${NOTES_MAX_TOKENS.toLocaleString('en-US')} in all; when over, condense the oldest detail first.`,
    'Reply with the complete new notes inside <notes>...</notes> and nothing else.',
  ].join('\n\n');
}

/** The notes from a reply to notesUpdatePrompt; undefined when the reply holds none. */
export function parseNotesReply(reply: string): string | undefined {
  const m = /<notes>\n?([\s\S]*?)\n?<\/notes>/.exec(reply);
  const text = m?.[1].trim();
  return text && hasContent(text) ? `${text}\n` : undefined;
}

export interface NotesState {
  text: string;
  /** When the last successful update finished. */
  updatedAt: number;
  /** How many history messages the last update had seen. */
  historyLengthAtUpdate: number;
}

export interface FreshnessCheck {
  historyLength: number;
  now: number;
  /**
   * Where the verbatim tail would start (history index). The notes can stand in for a summary only
   * if every message they have not seen stays verbatim, i.e. tailStart <= historyLengthAtUpdate.
   */
  tailStart?: number;
  /** At most this many messages after the update (default 8: about the last two or three rounds). */
  maxUncoveredMessages?: number;
  /** Optionally, notes older than this are stale whatever they cover. */
  maxAgeMs?: number;
}

/**
 * Fresh = the notes have real content, are within 1.5x their size cap (an update that ignored the
 * cap is not a summary), cover all but the last few messages, and every message they miss is in
 * the verbatim tail.
 */
export function isFresh(notes: NotesState | undefined, check: FreshnessCheck): boolean {
  if (!notes || !hasContent(notes.text)) return false;
  if (estimateTextTokens(notes.text) > NOTES_MAX_TOKENS * 1.5) return false;
  const uncovered = check.historyLength - notes.historyLengthAtUpdate;
  if (uncovered < 0 || uncovered > (check.maxUncoveredMessages ?? 8)) return false;
  if (check.tailStart !== undefined && check.tailStart > notes.historyLengthAtUpdate) return false;
  if (check.maxAgeMs !== undefined && check.now - notes.updatedAt > check.maxAgeMs) return false;
  return true;
}

/**
 * The tail for a notes-as-summary compaction: chooseTail's, widened back so that it also holds
 * every message the notes have not seen. Undefined when that tail would pass `bounds.maxTokens`
 * (then the notes cannot stand in and a full compaction runs instead).
 */
export function notesTail(groups: readonly Group[], historyLengthAtUpdate: number, bounds: TailBounds = DEFAULT_TAIL): number | undefined {
  const firstUnseen = groups.findIndex((g) => g.end > historyLengthAtUpdate);
  const start = Math.min(chooseTail(groups, bounds), firstUnseen < 0 ? groups.length : firstUnseen);
  const tokens = groups.slice(start).reduce((s, g) => s + g.tokens, 0);
  return tokens > bounds.maxTokens && groups.length - start > 1 ? undefined : start;
}
