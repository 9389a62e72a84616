/**
 * The panel's "Rewind code to here" and "Fork conversation from here", on the host: a checkpoint
 * opened before each prompt goes out, where that prompt landed in the history, and the rewind and
 * fork themselves. The controller lends it what it needs through RewindHost, as it does for the
 * sessions view and plan cards, so this is tested without VS Code.
 */
import { forkHistory } from '../../core/checkpoints/fork';
import type { Logger } from '../../core/ports';
import type { Conversation } from '../../core/session/conversation';
import type { TranscriptEntry } from '../../shared/protocol';
import { clip } from '../slashCommands';
import { rewindNotice, type ChatCheckpoints, type RewindPoint } from './chatCheckpoints';

export interface RewindHost {
  /** The panel's entries, in order (the rewind finds the user message there; a fork keeps those before it). */
  entries: TranscriptEntry[];
  /** True, after telling the user, when a turn is running. */
  refuseWhileBusy(): boolean;
  addEntry(entry: TranscriptEntry): void;
  error(message: string): void;
  refreshPanel(): Promise<void>;
  newId(): string;
}

export class ChatRewind {
  /** User entry id -> where its message sits in the history, and the checkpoint opened before it. */
  private readonly points = new Map<string, RewindPoint>();

  constructor(
    private readonly conversation: Conversation,
    private readonly checkpoints: ChatCheckpoints | undefined,
    private readonly host: RewindHost,
    private readonly log: Logger,
  ) {}

  /** Wraps a run's start: opens a checkpoint before the prompt goes out, and notes where its message lands in the history. */
  withCheckpoint<T, E>(entryId: string, text: string, start: (signal: AbortSignal, emit: (e: E) => void) => Promise<T>) {
    return async (signal: AbortSignal, emit: (e: E) => void): Promise<T> => {
      const point: RewindPoint = { sessionId: this.conversation.id, historyIndex: this.conversation.messages.length };
      this.points.set(entryId, point);
      point.checkpointId = await this.checkpoints?.open(point.sessionId, text);
      return start(signal, (e) => {
        point.message ??= this.conversation.messages[point.historyIndex]; // added by send(), before any event
        emit(e);
      });
    };
  }

  /** A user message's menu: "Rewind code to here", "Fork conversation from here", or both. Resolves to whether it happened. */
  async rewind(entryId: string, mode: 'code' | 'fork' | 'both'): Promise<boolean> {
    if (this.host.refuseWhileBusy()) return false;
    const index = this.host.entries.findIndex((e) => e.id === entryId);
    const entry = this.host.entries[index];
    const point = this.points.get(entryId);
    if (!point || entry?.role !== 'user') {
      this.host.error('There is no checkpoint for that message (it was not sent in this window).');
      return false;
    }
    const label = clip(entry.text, 60);
    if (mode !== 'fork') {
      if (!point.checkpointId || !this.checkpoints) {
        this.host.error('No checkpoint was saved before that message, so its files cannot be rewound.');
        return false;
      }
      const result = await this.checkpoints.rewind(point.checkpointId, label);
      if (!result) return false; // cancelled in the preview, or nothing to do
      this.host.addEntry({ role: 'notice', id: this.host.newId(), text: rewindNotice(result, label) });
    }
    return mode === 'code' || this.fork(point, index, label);
  }

  /** A new conversation (new session id and transcript) whose history is everything before that message. */
  private async fork(point: RewindPoint, index: number, label: string): Promise<boolean> {
    const wanted = JSON.stringify(point.message);
    const laterDuplicates = [...this.points.values()].filter((p) => p !== point && p.sessionId === point.sessionId && p.historyIndex > point.historyIndex && JSON.stringify(p.message) === wanted).length;
    let transcript;
    try {
      transcript = await this.checkpoints?.readTranscript?.(point.sessionId);
    } catch (err) {
      this.log.warn(`fork: could not read the transcript of ${point.sessionId}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const fork = forkHistory({ ...point, laterDuplicates }, { id: this.conversation.id, messages: this.conversation.messages }, transcript);
    if (!fork) {
      this.host.error('The conversation before that message is no longer available, so it cannot be forked.');
      return false;
    }
    const kept = this.host.entries.slice(0, index);
    this.conversation.clear();
    this.conversation.restore(fork.messages, undefined, { cleared: fork.cleared });
    const id = this.conversation.id;
    try {
      for (const r of fork.records) await this.checkpoints?.record?.(id, r.messages, r.event);
    } catch (err) {
      this.log.error(`fork: could not write the new transcript: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.host.entries.splice(0, this.host.entries.length, ...kept);
    this.host.entries.push({ role: 'notice', id: this.host.newId(), text: `Forked from before '${label}': a new conversation with the ${fork.messages.length} earlier messages`, tone: 'info' });
    await this.host.refreshPanel();
    return true;
  }
}
