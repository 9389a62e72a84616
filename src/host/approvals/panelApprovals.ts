import type { ApprovalDecision, ApprovalRequest } from '../../shared/approvalProtocol';
import type { HostToWebview } from '../../shared/protocol';

/** A question as the panel shows it, before it has an id. */
export type ApprovalCard = ApprovalRequest extends infer R ? (R extends ApprovalRequest ? Omit<R, 'type' | 'id'> : never) : never;

export interface CardHandlers {
  /** The user answered on the card. Called at most once, and never after `close()`. */
  answer(decision: ApprovalDecision, reason: string | undefined): void;
  /** "Open diff" on an edit card. */
  openDiff?(): void;
}

export interface OpenCard {
  readonly id: string;
  /** Takes the card down (answered elsewhere, or interrupted). Idempotent. */
  close(outcome: 'allowed' | 'denied' | 'interrupted'): void;
}

type Listener = (msg: HostToWebview) => void;

/** Which answers a card of each kind offers: an edit is accepted or rejected, never "always". */
const OFFERED: Record<ApprovalCard['kind'], readonly ApprovalDecision[]> = {
  edit: ['allow', 'deny'],
  command: ['allow', 'always', 'deny'],
  read: ['allow', 'always', 'deny'],
};

/**
 * The approvals waiting in the panel. The approval UI opens a card next to its own (the editor
 * diff, a notification); whichever is answered first wins and the other is closed. The webview
 * can only answer an id that is open here, once, with a decision its card offers. No `vscode`.
 */
export class PanelApprovals {
  private readonly open = new Map<string, { card: ApprovalRequest; handlers: CardHandlers }>();
  private readonly listeners = new Set<Listener>();
  private next = 1;
  private readonly salt = Math.random().toString(36).slice(2, 8);

  /** Shows a card; the returned handle closes it. */
  ask(card: ApprovalCard, handlers: CardHandlers): OpenCard {
    const id = `ap-${this.salt}-${this.next++}`;
    const request = { ...card, type: 'approvalRequest', id } as ApprovalRequest;
    this.open.set(id, { card: request, handlers });
    this.post(request);
    return { id, close: (outcome) => this.close(id, outcome) };
  }

  /**
   * An answer from the webview. False (and nothing happens) for an id that is not open (already
   * answered, closed, or never asked) or a decision the card does not offer.
   */
  answer(id: string, decision: ApprovalDecision, reason?: string): boolean {
    const entry = this.open.get(id);
    if (!entry || !OFFERED[entry.card.kind].includes(decision)) return false;
    this.close(id, decision === 'deny' ? 'denied' : 'allowed');
    entry.handlers.answer(decision, decision === 'deny' ? reason?.trim() || undefined : undefined);
    return true;
  }

  /** "Open diff" from the webview; false for an id that is not an open edit card. */
  openDiff(id: string): boolean {
    const entry = this.open.get(id);
    if (!entry?.handlers.openDiff) return false;
    entry.handlers.openDiff();
    return true;
  }

  /** The open cards, oldest first: posted again after a snapshot so a reloaded panel shows them. */
  pending(): ApprovalRequest[] {
    return [...this.open.values()].map((e) => ({ ...e.card }));
  }

  onDidPost(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private close(id: string, outcome: 'allowed' | 'denied' | 'interrupted'): void {
    if (!this.open.delete(id)) return;
    this.post({ type: 'approvalResolved', id, outcome });
  }

  private post(msg: HostToWebview): void {
    for (const l of this.listeners) l(msg);
  }
}
