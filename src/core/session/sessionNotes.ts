/**
 * Session notes for one conversation: a running notes file (current state, task, files, errors,
 * learnings, work log) updated by a tool-less model call in the background once the context passes
 * 10,000 tokens, then after every 5,000 new tokens and 3 tool calls. When they are fresh they
 * stand in for a compaction summary, so that compaction needs no model call.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import {
  estimateTextTokens, flatten, groupByRound, isFresh, NotesSchedule, notesTail, notesUpdatePrompt, parseNotesReply,
  type NotesState, type Split, type TailBounds,
} from '../compaction';
import type { Usage } from '../model/modelClient';
import type { Logger } from '../ports';

const NOTES_MAX_OUTPUT_TOKENS = 16_000;
const NOTES_SYSTEM = 'You maintain concise, specific working notes for a coding session. Reply only with the notes in the format asked for.';

export interface SessionNotesDeps {
  log: Logger;
  /** Where the notes live (a file in the session folder). */
  store: { read(): Promise<string | undefined>; write(text: string): Promise<void> };
  /** One tool-less model call; its usage is reported through `spent`. */
  complete(request: { system: string; messages: MessageParam[]; maxTokens: number }, signal: AbortSignal): Promise<{ text: string; usage: Usage }>;
  spent(usage: Usage): void;
  now(): number;
}

export class SessionNotes {
  private schedule = new NotesSchedule();
  private state: NotesState | undefined;
  private run: AbortController | undefined;
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly deps: SessionNotesDeps) {}

  /** After a round of tool calls: counts them, and starts an update in the background when due. */
  afterRound(history: readonly MessageParam[], toolCalls: number, contextTokens: number): void {
    this.schedule.recordToolCalls(toolCalls);
    if (!this.schedule.shouldUpdate(contextTokens)) return;
    this.schedule.started();
    const run = (this.run = new AbortController());
    const seen = history.length;
    const from = this.state && this.state.historyLengthAtUpdate <= seen ? this.state.historyLengthAtUpdate : 0;
    this.work = this.update(history.slice(from, seen), seen, contextTokens, run.signal);
  }

  private async update(recent: MessageParam[], seen: number, tokens: number, signal: AbortSignal): Promise<void> {
    let ok = false;
    try {
      const current = this.state?.text ?? (await this.deps.store.read()) ?? '';
      const reply = await this.deps.complete({ system: NOTES_SYSTEM, messages: [{ role: 'user', content: notesUpdatePrompt(current, recent) }], maxTokens: NOTES_MAX_OUTPUT_TOKENS }, signal);
      this.deps.spent(reply.usage);
      const text = parseNotesReply(reply.text);
      if (!text) throw new Error('the reply held no notes');
      await this.deps.store.write(text);
      this.state = { text, updatedAt: this.deps.now(), historyLengthAtUpdate: seen };
      ok = true;
      this.deps.log.debug(`session notes updated (${estimateTextTokens(text)} tokens, covering ${seen} messages)`);
    } catch (err) {
      if (!signal.aborted) this.deps.log.warn(`session notes update failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.schedule.finished(ok, tokens);
    }
  }

  /** The background update, settled (tests and shutdown). */
  settled(): Promise<void> {
    return this.work;
  }

  /**
   * The notes as a compaction summary, with the split they allow: only when they cover everything
   * that would not stay verbatim (see notesTail and isFresh). Undefined when they cannot stand in.
   */
  asSummary(history: readonly MessageParam[], bounds: TailBounds): { summary: string; split: Split } | undefined {
    if (!this.state) return undefined;
    const groups = groupByRound(history);
    const tailGroup = notesTail(groups, this.state.historyLengthAtUpdate, bounds);
    if (tailGroup === undefined || tailGroup === 0) return undefined;
    const tailStart = tailGroup < groups.length ? groups[tailGroup].start : history.length;
    if (!isFresh(this.state, { historyLength: history.length, now: this.deps.now(), tailStart })) return undefined;
    return {
      summary: this.state.text.trim(),
      split: { groups, tailGroup, tailStart, toSummarise: flatten(groups.slice(0, tailGroup)), tail: flatten(groups.slice(tailGroup)) },
    };
  }

  /** The history was replaced by a compaction: new tokens count from its size, coverage from zero. */
  compacted(contextTokens: number): void {
    if (this.state) this.state = { ...this.state, historyLengthAtUpdate: 0 };
    this.schedule.compacted(contextTokens);
  }

  /** A new conversation: stop any update and forget the notes. */
  reset(): void {
    this.run?.abort();
    this.schedule = new NotesSchedule();
    this.state = undefined;
  }
}
