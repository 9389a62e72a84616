/**
 * The vscode-free half of dreaming in the editor: the words the user reads (notifications, tree
 * descriptions), the settings, and the review of one proposal (accept or reject each file; once
 * every file is decided the proposal is dropped). The VS Code views and commands in this folder
 * only render and forward to these.
 */
import type { Dreamer, DreamFileChange, DreamOutcome, DreamProposal, DreamSettings } from '../../core/dream/types';

/** What the editor uses of the core's Dreamer (`createDreamer` in core/dream/dreamer.ts). */
export type DreamerApi = Pick<Dreamer, 'isDue' | 'dream' | 'apply' | 'discard' | 'undo'>;

export type EditorDreamSettings = DreamSettings & { applyDirectly: boolean };

/** The `reverie.dream.*` settings, read through `get` (a WorkspaceConfiguration), with bad values replaced. */
export function readDreamSettings(get: <T>(key: string, fallback: T) => T): EditorDreamSettings {
  const atLeastOne = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? Math.max(1, v) : fallback);
  return {
    enabled: get<boolean>('enabled', true) !== false,
    minHours: atLeastOne(get<number>('minHours', 24), 24),
    minSessions: Math.ceil(atLeastOne(get<number>('minSessions', 5), 5)),
    applyDirectly: get<boolean>('applyDirectly', false) === true,
  };
}

/** "3 merged, 2 pruned, 1 updated" (zeros left out); a change the counts miss still says how many files. */
export function countsText(proposal: Pick<DreamProposal, 'counts' | 'changes'>): string {
  const { merged, pruned, updated, created } = proposal.counts;
  const parts = ([[merged, 'merged'], [pruned, 'pruned'], [updated, 'updated'], [created, 'created']] as const)
    .filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`);
  if (parts.length) return parts.join(', ');
  const n = proposal.changes.length;
  return `${n} file${n === 1 ? '' : 's'} changed`;
}

/**
 * The notification after a dream that changed something: "Reverie dreamed: 3 merged, 2 pruned,
 * 1 updated" with a Review button, or, when it was applied directly, "… (applied)" with Undo.
 */
export function proposedMessage(proposal: Pick<DreamProposal, 'counts' | 'changes'>, applied: boolean): { text: string; action: 'Review' | 'Undo' } {
  return applied
    ? { text: `Reverie dreamed: ${countsText(proposal)} (applied).`, action: 'Undo' }
    : { text: `Reverie dreamed: ${countsText(proposal)}.`, action: 'Review' };
}

/** What the user is told when a dream ends; `undefined` means say nothing. */
export type OutcomeNotice =
  | { kind: 'proposed'; proposal: DreamProposal }
  | { kind: 'info' | 'status' | 'warning'; text: string }
  | { kind: 'error'; text: string };

/** `manual`: started by Dream Now (the user is waiting for an answer), else after a turn (quiet). */
export function outcomeNotice(outcome: DreamOutcome, manual: boolean): OutcomeNotice | undefined {
  switch (outcome.status) {
    case 'proposed':
      return { kind: 'proposed', proposal: outcome.proposal };
    case 'nothing':
      return manual ? { kind: 'info', text: 'Reverie dreamed: nothing needed to change.' } : { kind: 'status', text: 'Reverie dreamed: nothing needed to change' };
    case 'busy':
      return manual ? { kind: 'warning', text: `Reverie: another window is dreaming (${outcome.reason}). Try again later.` } : undefined;
    case 'failed':
      return { kind: 'error', text: `Reverie could not dream: ${outcome.reason}` };
    case 'cancelled':
      return undefined;
  }
}

export const KIND_LABEL: Record<DreamFileChange['kind'], string> = { added: 'added', modified: 'modified', deleted: 'deleted' };
/** Codicons (ThemeIcon ids) and their colours, as the Source Control view shows changes. */
export const KIND_ICON: Record<DreamFileChange['kind'], { icon: string; color: string }> = {
  added: { icon: 'diff-added', color: 'gitDecoration.addedResourceForeground' },
  modified: { icon: 'diff-modified', color: 'gitDecoration.modifiedResourceForeground' },
  deleted: { icon: 'diff-removed', color: 'gitDecoration.deletedResourceForeground' },
};

/** The tree item's description: "deleted · contradicted by the newer testing.md". One line, plain text. */
export function changeDescription(change: DreamFileChange): string {
  const reason = change.reason?.reason.replace(/\s+/g, ' ').trim();
  return reason ? `${KIND_LABEL[change.kind]} · ${reason}` : KIND_LABEL[change.kind];
}

/** The tooltip's lines, plain text (rendered with appendText, never as markdown). */
export function changeTooltipLines(change: DreamFileChange): string[] {
  const r = change.reason;
  const lines = [`${change.file} (${KIND_LABEL[change.kind]}${r ? `, ${r.action}` : ''})`];
  if (r?.reason) lines.push(r.reason);
  if (r?.mergedFrom?.length) lines.push(`Merged from: ${r.mergedFrom.join(', ')}`);
  if (r?.sessions?.length) lines.push(`From sessions: ${r.sessions.join(', ')}`);
  if (!r) lines.push('The dream gave no reason for this file.');
  return lines;
}

export type Decision = 'accepted' | 'rejected';

/**
 * One proposal under review. Accepting applies the file at once (the core snapshots the folder
 * first); rejecting only records it. When every file is decided the proposal is discarded.
 * `snapshots` are those taken by this proposal's applies, oldest first: undoing them newest first
 * puts the folder back as it was before the whole dream.
 */
export class DreamReview {
  private readonly decisions = new Map<string, Decision>();
  private finished = false;
  readonly snapshots: string[] = [];

  constructor(readonly proposal: DreamProposal, private readonly dreamer: Pick<DreamerApi, 'apply' | 'discard'>) {}

  /** Files still waiting for a decision, in the proposal's order. */
  get pending(): DreamFileChange[] {
    return this.proposal.changes.filter((c) => !this.decisions.has(c.file));
  }

  get done(): boolean {
    return this.finished;
  }

  decision(file: string): Decision | undefined {
    return this.decisions.get(file);
  }

  /** Applies the given pending files (all pending when omitted). Returns the files written. */
  async accept(files?: string[]): Promise<string[]> {
    const chosen = this.choose(files);
    if (!chosen.length) return [];
    const result = await this.dreamer.apply(this.proposal, chosen);
    this.snapshots.push(result.snapshotId);
    for (const f of chosen) this.decisions.set(f, 'accepted');
    await this.finishIfDecided();
    return result.applied;
  }

  /** Rejects the given pending files (all pending when omitted): the memory folder keeps them as they are. */
  async reject(files?: string[]): Promise<void> {
    for (const f of this.choose(files)) this.decisions.set(f, 'rejected');
    await this.finishIfDecided();
  }

  /** Drops the whole proposal, whatever is left undecided. */
  async close(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    await this.dreamer.discard(this.proposal);
  }

  private choose(files: string[] | undefined): string[] {
    if (this.finished) return [];
    const pending = this.pending.map((c) => c.file);
    return files === undefined ? pending : pending.filter((f) => files.includes(f));
  }

  private async finishIfDecided(): Promise<void> {
    if (this.pending.length === 0) await this.close();
  }
}
