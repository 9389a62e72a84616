import type { AgentEvent, AgentOutcome } from '../core/agent/events';
import { z } from 'zod';
import type { Meter } from '../core/compaction/meter';
import { COMPACTION_LIMITS, formatTokens, type ContextFigures, type HostToWebview, type TranscriptEntry } from '../shared/protocol';
import { SubagentCards } from './subagentCards';

type Entry<R extends TranscriptEntry['role']> = Extract<TranscriptEntry, { role: R }>;

/** How long streamed text is gathered before it is posted: one message per frame, not per token. */
const DELTA_FLUSH_MS = 16;
/** Tool output shown on a card (the tail of a command's output while it runs). */
const CARD_OUTPUT_CHARS = 4_000;

/**
 * Projects one agent run's events onto the transcript the panel shows: assistant text entries
 * (a new one after each tool call), tool cards, retry status. Only small deltas are posted.
 */
export class TurnView {
  private text: Entry<'assistant'> | undefined;
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seq = 0;
  private attemptStart: number;
  private readonly tools = new Map<string, Entry<'tool'>>();
  private readonly writes = new Map<string, string>();
  /** Paths written successfully in this run (write_file / edit_file). */
  readonly written: string[] = [];
  /** Subagent cards (the task tool): subagentCards.ts. */
  private readonly subagents = new SubagentCards((entry) => this.keep(entry), (entry) => this.post({ type: 'entry', entry }), () => this.newId());

  constructor(
    private readonly turnId: string,
    private readonly entries: TranscriptEntry[],
    private readonly post: (msg: HostToWebview) => void,
    private readonly newId: () => string,
  ) {
    this.attemptStart = entries.length;
  }

  handle(e: AgentEvent): void {
    switch (e.type) {
      case 'request_start':
        this.flush();
        this.text = undefined;
        this.attemptStart = this.entries.length;
        break;
      case 'text':
        if (!this.text) {
          this.text = { role: 'assistant', id: this.newId(), text: '', status: 'streaming' };
          this.entries.push(this.text);
        }
        this.text.text += e.text;
        this.pending += e.text;
        this.timer ??= setTimeout(() => this.flush(), DELTA_FLUSH_MS);
        break;
      case 'tool_use_start': {
        this.flush();
        this.text = undefined;
        const card: Entry<'tool'> = { role: 'tool', id: e.id, name: e.name, summary: '', status: 'pending', output: '' };
        this.tools.set(e.id, card);
        this.entries.push(card);
        this.postCard(card);
        break;
      }
      case 'tool_call':
        this.updateCard(e.id, (c) => ({ ...c, summary: summarize(e.input), status: 'running', ...todoCard(e.name, e.input) }));
        if ((e.name === 'write_file' || e.name === 'edit_file') && typeof (e.input as { path?: unknown }).path === 'string') {
          this.writes.set(e.id, (e.input as { path: string }).path);
        }
        break;
      case 'tool_progress':
        this.updateCard(e.id, (c) => ({ ...c, output: (c.output + e.text).slice(-CARD_OUTPUT_CHARS) }));
        break;
      case 'tool_result':
        if (!e.isError && this.writes.has(e.id)) this.written.push(this.writes.get(e.id)!);
        this.updateCard(e.id, (c) => ({
          ...c,
          status: e.isError ? (/^Interrupted by the user/.test(e.content) ? 'interrupted' : 'error') : 'done',
          output: e.content.slice(0, CARD_OUTPUT_CHARS),
        }));
        break;
      case 'discard_text': {
        this.flush();
        const removed = this.entries.splice(this.attemptStart);
        for (const r of removed) this.tools.delete(r.id);
        this.text = undefined;
        if (removed.length) this.post({ type: 'entriesRemoved', turnId: this.turnId, ids: removed.map((r) => r.id) });
        break;
      }
      case 'retry_wait':
        this.post({ type: 'status', turnId: this.turnId, text: `${RETRY_TEXT[e.reason] ?? 'The request failed'}; retrying in ${Math.ceil(e.delayMs / 1000)} s (attempt ${e.attempt} of 10)` });
        break;
      case 'continue':
        this.post({ type: 'status', turnId: this.turnId, text: e.reason.startsWith('max_tokens') ? 'The answer reached the output limit; continuing' : '' });
        break;
      case 'usage':
        break;
      case 'subagent_start':
      case 'subagent_event':
      case 'subagent_end':
        this.subagents.handle(e);
        break;
      case 'context':
        this.post({ type: 'context', meter: contextFigures(e.meter) });
        break;
      case 'notice':
        this.addNotice(e.text, 'info');
        break;
      case 'micro_compaction':
        this.addNotice(
          `Cleared ${e.cleared} old tool ${e.cleared === 1 ? 'result' : 'results'} from the context (about ${formatTokens(e.tokensSaved)} tokens); the transcript keeps them`,
          'info',
        );
        break;
      case 'compaction_start':
        this.flush();
        this.post({ type: 'status', turnId: this.turnId, text: 'Compacting the conversation…' });
        break;
      case 'compaction': {
        this.flush();
        this.text = undefined;
        this.keep({
          role: 'compaction', id: this.newId(), trigger: e.trigger, summarisedMessages: e.summarisedMessages, keptMessages: e.keptMessages,
          tokensBefore: e.tokensBefore, tokensAfter: e.tokensAfter, fromNotes: e.fromNotes, summary: clipSummary(e.summary),
        });
        this.post({ type: 'status', turnId: this.turnId, text: '' });
        break;
      }
    }
  }

  /** A notice in the transcript, kept even if the attempt it came from is retried. */
  private addNotice(text: string, tone: 'done' | 'info'): void {
    this.flush();
    this.text = undefined;
    const entry: Entry<'notice'> = { role: 'notice', id: this.newId(), text, tone };
    this.entries.push(entry);
    this.attemptStart = this.entries.length;
    this.post({ type: 'notice', turnId: this.turnId, entryId: entry.id, text, tone });
  }

  /** An entry posted whole; like a notice, a retry of the request does not remove it. */
  private keep(entry: TranscriptEntry): void {
    this.entries.push(entry);
    this.attemptStart = this.entries.length;
    this.post({ type: 'entry', entry: { ...entry } });
  }

  /** Flushes, closes open entries, and reports how the run ended. */
  finish(outcome: Pick<AgentOutcome, 'state'> & Partial<Pick<AgentOutcome, 'usage'>>): void {
    this.flush();
    const stopped = outcome.state.startsWith('aborted');
    for (const entry of this.entries) {
      if (entry.role === 'assistant' && entry.status === 'streaming') entry.status = stopped ? 'stopped' : outcome.state === 'model_error' ? 'error' : 'done';
    }
    for (const card of this.tools.values()) {
      if (card.status === 'pending' || card.status === 'running') this.updateCard(card.id, (c) => ({ ...c, status: 'interrupted' }));
    }
    this.subagents.finish();
    this.post({ type: 'status', turnId: this.turnId, text: '' });
    this.post({ type: 'turnEnded', turnId: this.turnId, state: outcome.state, usage: outcome.usage });
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending || !this.text) return;
    this.post({ type: 'textDelta', turnId: this.turnId, entryId: this.text.id, seq: this.seq++, text: this.pending });
    this.pending = '';
  }

  private updateCard(id: string, change: (c: Entry<'tool'>) => Entry<'tool'>): void {
    const card = this.tools.get(id);
    if (!card) return;
    Object.assign(card, change(card));
    this.postCard(card);
  }

  private postCard(card: Entry<'tool'>): void {
    this.post({ type: 'toolUpdate', turnId: this.turnId, entry: { ...card } });
  }
}

/** The meter's figures as the protocol carries them (the hover text bounded). */
export function contextFigures(meter: Meter): ContextFigures {
  return {
    contextTokens: meter.contextTokens,
    windowTokens: meter.windowTokens,
    percent: meter.percent,
    tokensToAutoCompact: meter.tokensToAutoCompact,
    ...(meter.costUsd === undefined ? {} : { costUsd: meter.costUsd }),
    ...(meter.cacheHitRatio === undefined ? {} : { cacheHitRatio: meter.cacheHitRatio }),
    hoverText: meter.hoverText.slice(0, COMPACTION_LIMITS.hoverText),
  };
}

const SUMMARY_CUT_NOTE = '\n\n*(Cut here for the panel; the model has the whole summary.)*';

/** The summary as the panel shows it: whole up to the protocol's limit, then cut with a note. */
export function clipSummary(summary: string): string {
  if (summary.length <= COMPACTION_LIMITS.summary) return summary;
  return summary.slice(0, COMPACTION_LIMITS.summary - SUMMARY_CUT_NOTE.length) + SUMMARY_CUT_NOTE;
}

const RETRY_TEXT: Record<string, string> = {
  rate_limit: 'Rate limited by the API',
  overloaded: 'The API is overloaded',
  server: 'The API had an internal error',
  network: 'The connection to the API dropped',
  timeout: 'The API stopped responding',
};

/** The one-line description of a tool call a person wants to see on its card. */
export function summarize(input: unknown): string {
  if (typeof input !== 'object' || input === null) return '';
  const i = input as Record<string, unknown>;
  // The pattern before the path: a search shows "pattern in path", not "path in path".
  const first = [i.command, i.pattern, i.path, i.id].find((v) => typeof v === 'string') as string | undefined;
  const extra = typeof i.pattern === 'string' && typeof i.path === 'string' ? ` in ${i.path}` : '';
  const line = typeof i.line === 'number' ? `:${i.line}` : '';
  return ((first ?? '') + line + extra).split('\n')[0].slice(0, 200);
}

const TODO_ITEM = z.object({ content: z.string(), status: z.enum(['pending', 'in_progress', 'completed']) });

/** For todo_write: the list it was called with, clipped to the protocol's limits, for the checklist card. */
export function todoCard(name: string, input: unknown): { todos?: NonNullable<Entry<'tool'>['todos']> } {
  if (name !== 'todo_write') return {};
  const parsed = z.object({ todos: z.array(TODO_ITEM) }).safeParse(input);
  if (!parsed.success) return {};
  return { todos: parsed.data.todos.slice(0, 100).map((t) => ({ content: t.content.slice(0, 500), status: t.status })) };
}
