/**
 * The sessions view's requests, on the host: list or search, resume, rename, delete (after a
 * confirmation). The controller lends it what it needs through SessionPanelHost, so the logic is
 * tested without VS Code and the controller only routes messages here.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { resumeMessages, skippedLinesNotice } from '../../core/session/transcript';
import type { HostToWebview, TranscriptEntry } from '../../shared/protocol';
import type { ComposerEnvironment } from '../composerEnvironment';
import { entriesFromTranscript } from './sessionEntries';

export interface SessionPanelHost {
  /** The session the panel shows now. */
  currentId(): string;
  post(msg: HostToWebview): void;
  /** Stops any run and waits for it to settle. */
  stopAndSettle(): Promise<void>;
  /** Replaces the conversation and the panel's entries with a saved session's, and redraws the panel. */
  replace(id: string, messages: MessageParam[], state: { lastActivityAt?: number; cleared: readonly string[] }, entries: TranscriptEntry[]): Promise<void>;
  newConversation(): Promise<void>;
  newId(): string;
  /** Shows an error line in the transcript. */
  error(message: string): void;
  warn(message: string): void;
}

export class SessionPanel {
  /** The view's latest list request, answered again after a rename or delete. */
  private last = { requestId: 0, query: '' };

  constructor(
    private readonly env: ComposerEnvironment,
    private readonly host: SessionPanelHost,
  ) {}

  async list(requestId: number, query: string): Promise<void> {
    this.last = { requestId, query };
    let sessions: Awaited<ReturnType<ComposerEnvironment['sessions']['list']>> = [];
    try {
      sessions = await this.env.sessions.list(query, this.host.currentId());
    } catch (err) {
      this.host.warn(`could not list sessions: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.host.post({ type: 'sessions', requestId, query, sessions });
  }

  /** Continues a saved session: the model gets its history with compactions replayed, the panel its messages. */
  async resume(id: string): Promise<boolean> {
    const parsed = await this.env.sessions.read(id).catch(() => undefined);
    if (!parsed || parsed.messages.length === 0) {
      this.host.error('That session could not be read: its transcript is missing or empty.');
      return false;
    }
    await this.host.stopAndSettle();
    const last = parsed.messages.at(-1);
    const entries = entriesFromTranscript(parsed, () => this.host.newId());
    const skipped = skippedLinesNotice(parsed.skippedLines);
    if (skipped) entries.push({ role: 'notice', id: this.host.newId(), text: skipped, tone: 'info' });
    await this.host.replace(id, resumeMessages(parsed), { lastActivityAt: last ? Date.parse(last.time) : undefined, cleared: parsed.cleared }, entries);
    return true;
  }

  /**
   * After a window reload: resumes the session the panel showed before (the host is the source of
   * truth, and a new extension host starts empty). A session that is gone is forgotten quietly.
   */
  async restoreOpen(): Promise<void> {
    const id = this.env.openSession?.get();
    if (!id) return;
    const parsed = await this.env.sessions.read(id).catch(() => undefined);
    if (parsed?.messages.length) await this.resume(id);
    else this.env.openSession?.set(undefined);
  }

  /** Keeps the remembered session in step with the panel: after each turn and resume, and on New. */
  observe(msg: HostToWebview, hasEntries: boolean): void {
    if (msg.type === 'turnEnded' || msg.type === 'snapshot') this.env.openSession?.set(hasEntries ? this.host.currentId() : undefined);
    else if (msg.type === 'cleared') this.env.openSession?.set(undefined);
  }

  async rename(id: string, title: string): Promise<void> {
    await this.env.sessions.rename(id, title);
    await this.list(this.last.requestId, this.last.query);
  }

  /** Asks first; deleting the session on screen starts a new conversation. */
  async delete(id: string): Promise<boolean> {
    const ok = await this.env.confirm('Delete this session?', 'Its transcript is removed from disk. This cannot be undone.', 'Delete');
    if (!ok) return false;
    if (id === this.host.currentId()) await this.host.newConversation();
    const deleted = await this.env.sessions.delete(id);
    await this.list(this.last.requestId, this.last.query);
    return deleted;
  }
}
