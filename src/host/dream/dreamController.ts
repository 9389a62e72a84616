import * as vscode from 'vscode';
import type { DreamFileChange, DreamOutcome } from '../../core/dream/types';
import type { Logger } from '../../core/ports';
import { Disposable } from '../disposable';
import { DreamReview, outcomeNotice, proposedMessage, type DreamerApi, type EditorDreamSettings } from './dreamReview';
import { DreamReviewView } from './dreamReviewView';

export interface DreamControllerDeps {
  dreamer: DreamerApi;
  log: Logger;
  /** The chat's current session (excluded from the sessions a dream counts and reads). */
  sessionId: () => string | undefined;
  settings: () => EditorDreamSettings;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Dreaming in the editor: checks the gate after each completed turn, runs the dream with
 * cancellable progress, tells the user how it ended, and drives the review (accept or reject per
 * file or all) and undo. One dream and one proposal at a time per window; the core's lock keeps
 * other windows and the CLI out.
 */
export class DreamController extends Disposable {
  readonly view: DreamReviewView;
  private running: Promise<DreamOutcome> | undefined;
  /** The review of the last dream that applied something, for Undo. */
  private lastApplied: DreamReview | undefined;
  /** The last thing said to the user about a dream (the integration tests read it; notifications cannot be read back). */
  lastNotice: string | undefined;

  constructor(private readonly deps: DreamControllerDeps) {
    super();
    this.view = this._register(new DreamReviewView());
    this.setContext('reverie.dream.pending', false);
    this.setContext('reverie.dreaming', false);
  }

  /** Ties `d` to this controller's life. */
  own(d: vscode.Disposable): void {
    this._register(d);
  }

  get review(): DreamReview | undefined {
    return this.view.current;
  }

  get dreaming(): boolean {
    return this.running !== undefined;
  }

  /** After a completed turn: cheap when no dream is due. Never throws. */
  async afterTurn(): Promise<void> {
    try {
      if (!this.deps.settings().enabled || this.running || this.review) return;
      const gate = await this.deps.dreamer.isDue(this.deps.sessionId());
      this.deps.log.debug(`dream gate: ${gate.due ? 'due' : 'not due'} (${gate.why})`);
      if (gate.due && !this.running && !this.review) await this.run(false);
    } catch (err) {
      this.deps.log.error(`dream gate failed: ${errorText(err)}`);
    }
  }

  /** Reverie: Dream Now: skips the hours and sessions gate, not the lock. */
  async dreamNow(): Promise<DreamOutcome | undefined> {
    if (this.running) {
      this.say('info', 'Reverie is already dreaming.');
      return this.running;
    }
    if (this.review) {
      this.say('info', 'Reverie: review the pending dream first (accept or reject its files).', 'Review');
      return undefined;
    }
    return this.run(true);
  }

  /** Runs one dream with progress in a notification (Cancel aborts it), then reports how it ended. */
  private run(manual: boolean): Promise<DreamOutcome> {
    const started = Date.now();
    const dreaming = vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Reverie is dreaming', cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const cancel = token.onCancellationRequested(() => abort.abort());
        try {
          return await this.deps.dreamer.dream(abort.signal, (text) => progress.report({ message: text }), this.deps.sessionId());
        } catch (err) {
          this.deps.log.error(`dream failed: ${err instanceof Error ? err.stack : String(err)}`);
          return { status: 'failed', reason: errorText(err) } satisfies DreamOutcome;
        } finally {
          cancel.dispose();
        }
      },
    );
    const done = Promise.resolve(dreaming)
      .then(async (outcome) => {
        const usage = outcome.status === 'proposed' ? outcome.proposal.usage : outcome.status === 'nothing' ? outcome.usage : undefined;
        this.deps.log.info(`dream ${manual ? '(Dream Now) ' : '(after a turn) '}ended: ${outcome.status} after ${((Date.now() - started) / 1000).toFixed(1)} s`
          + (usage ? `, ${usage.inputTokens} in / ${usage.outputTokens} out / ${usage.cacheReadInputTokens} cache-read tokens` : '')
          + ('reason' in outcome ? `: ${outcome.reason}` : ''));
        await this.ended(outcome, manual);
        return outcome;
      })
      .finally(() => {
        this.running = undefined;
        this.setContext('reverie.dreaming', false);
      });
    this.running = done;
    this.setContext('reverie.dreaming', true);
    return done;
  }

  private async ended(outcome: DreamOutcome, manual: boolean): Promise<void> {
    const notice = outcomeNotice(outcome, manual);
    if (!notice) return;
    if (notice.kind !== 'proposed') {
      if (notice.kind === 'status') {
        this.lastNotice = notice.text;
        vscode.window.setStatusBarMessage(`$(check) ${notice.text}`, 8_000);
      } else if (notice.kind === 'error') this.say('error', notice.text, 'Show Log');
      else this.say(notice.kind, notice.text);
      return;
    }
    const review = new DreamReview(notice.proposal, this.deps.dreamer);
    if (this.deps.settings().applyDirectly) {
      try {
        await review.accept(); // every file: the review closes itself (the staging copy is removed)
        this.applied(review);
        this.say('info', proposedMessage(notice.proposal, true).text, 'Undo');
      } catch (err) {
        this.deps.log.error(`applying the dream failed: ${errorText(err)}`);
        this.view.show(review);
        this.say('error', `Reverie could not apply the dream: ${errorText(err)}. Review it instead.`, 'Review');
      }
      return;
    }
    this.view.show(review);
    this.say('info', proposedMessage(notice.proposal, false).text, 'Review');
  }

  /** Accepts the given files of the pending proposal (every pending file when omitted). */
  async accept(changes?: readonly DreamFileChange[]): Promise<void> {
    await this.decide((r) => r.accept(changes?.map((c) => c.file)));
  }

  /** Rejects the given files of the pending proposal (every pending file when omitted). */
  async reject(changes?: readonly DreamFileChange[]): Promise<void> {
    await this.decide((r) => r.reject(changes?.map((c) => c.file)));
  }

  private async decide(act: (r: DreamReview) => Promise<unknown>): Promise<void> {
    const review = this.review;
    if (!review) return;
    try {
      await act(review);
    } catch (err) {
      this.deps.log.error(`dream review: ${errorText(err)}`);
      this.say('error', `Reverie: ${errorText(err)}`, 'Show Log');
    }
    if (review.snapshots.length) this.applied(review);
    this.view.show(review);
    if (review.done && review.snapshots.length) {
      const accepted = review.proposal.changes.filter((c) => review.decision(c.file) === 'accepted').length;
      this.say('info', `Reverie: the dream's changes to ${accepted} memory file${accepted === 1 ? '' : 's'} are applied.`, 'Undo');
    }
  }

  /**
   * Restores the memory folder as it was before the last dream applied in this window: each of its
   * snapshots (one per accept), newest first. Without one in this window, the core's latest snapshot.
   */
  async undo(): Promise<string[] | undefined> {
    const snapshots = this.lastApplied ? [...this.lastApplied.snapshots].reverse() : [undefined];
    try {
      const restored = new Set<string>();
      let any = false;
      for (const id of snapshots) {
        const result = await this.deps.dreamer.undo(id);
        if (!result) continue;
        any = true;
        result.restored.forEach((f) => restored.add(f));
      }
      this.lastApplied = undefined;
      this.setContext('reverie.dream.canUndo', false);
      if (!any) {
        this.say('info', 'Reverie: there is no applied dream to undo.');
        return undefined;
      }
      this.say('info', `Reverie: restored the memory folder as it was before the dream (${restored.size} file${restored.size === 1 ? '' : 's'}).`);
      return [...restored].sort();
    } catch (err) {
      this.deps.log.error(`dream undo failed: ${errorText(err)}`);
      this.say('error', `Reverie could not undo the dream: ${errorText(err)}`, 'Show Log');
      return undefined;
    }
  }

  /** Drops a pending proposal without deciding (e.g. the window closes): its staging copy is removed. */
  override dispose(): void {
    void this.review?.close().catch(() => {});
    super.dispose();
  }

  private applied(review: DreamReview): void {
    this.lastApplied = review;
    this.setContext('reverie.dream.canUndo', true);
  }

  private setContext(key: string, value: boolean): void {
    void vscode.commands.executeCommand('setContext', key, value);
  }

  /** Shows a notification without waiting for it; its button runs the matching command. */
  private say(kind: 'info' | 'warning' | 'error', text: string, action?: 'Review' | 'Undo' | 'Show Log'): void {
    this.lastNotice = text;
    const show = kind === 'error' ? vscode.window.showErrorMessage : kind === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const shown = action ? show(text, action) : show(text);
    void Promise.resolve(shown).then((choice) => {
      if (choice === 'Review') void vscode.commands.executeCommand(`${DreamReviewView.viewId}.focus`);
      else if (choice === 'Undo') void this.undo();
      else if (choice === 'Show Log') void vscode.commands.executeCommand('reverie.showLog');
    });
  }

  /** The commands of dreaming (titles and icons in package.json); tree items pass their change. */
  registerCommands(): vscode.Disposable {
    const command = (id: string, run: (...args: any[]) => unknown) => vscode.commands.registerCommand(id, run);
    const one = (change: unknown) => (change && typeof change === 'object' && 'file' in change ? [change as DreamFileChange] : this.view.view.selection);
    return vscode.Disposable.from(
      command('reverie.dream.now', () => this.dreamNow()),
      command('reverie.dream.review', () => (this.review ? vscode.commands.executeCommand(`${DreamReviewView.viewId}.focus`) : this.say('info', 'Reverie: no dream is waiting for review.'))),
      command('reverie.dream.undo', () => this.undo()),
      command('reverie.dream.accept', (change?: DreamFileChange) => this.accept(one(change))),
      command('reverie.dream.reject', (change?: DreamFileChange) => this.reject(one(change))),
      command('reverie.dream.acceptAll', () => this.accept()),
      command('reverie.dream.rejectAll', () => this.reject()),
      command('reverie.dream.openDiff', (change?: DreamFileChange) => change && this.view.openDiff(change)),
    );
  }
}
