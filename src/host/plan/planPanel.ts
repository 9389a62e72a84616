import type { ExecutionMode, PlanDecision, PlanEntry } from '../../shared/subagentProtocol';

/** A plan exit_plan_mode handed over: its document is open in an editor. */
export interface PlanProposal {
  /** What the environment knows the document by (its path). */
  documentId: string;
  /** As the card shows it. */
  path: string;
  /** The text the agent wrote, to tell whether the user edited it. */
  plan: string;
}

/** The editor side of plan reviews (planDocuments.ts); vscode-free so the panel logic runs in Node tests. */
export interface PlanEnvironment {
  /** Fires when the agent presented a plan (its document is open). */
  onDidPropose(listener: (proposal: PlanProposal) => void): { dispose(): void };
  /** The document's text now, unsaved edits included; undefined when it cannot be read. */
  currentText(documentId: string): Promise<string | undefined>;
  /** Shows the document again. */
  open(documentId: string): Promise<void>;
  /** Switches the permission mode; false when the user declined (bypass is confirmed first). */
  setMode(mode: ExecutionMode): Promise<boolean>;
  /** Keeps the approved plan on the conversation (restored after a compaction). */
  keep(plan: string): void;
}

/** What the panel logic needs from the chat controller. */
export interface PlanChat {
  add(entry: PlanEntry): void;
  update(entry: PlanEntry): void;
  /** Starts a turn: the panel shows `display` as the user's message, the model gets `prompt`. */
  send(display: string, prompt: string): Promise<unknown>;
  busy(): boolean;
  /** Says why a decision could not be taken (busy, the document is gone). */
  error(message: string): void;
  newId(): string;
  warn(message: string): void;
}

export const MODE_LABELS: Record<ExecutionMode, string> = { ask: 'Ask', acceptEdits: 'Accept edits', bypass: 'Bypass' };

const edited = (plan: string, original: string) => plan.trim() !== original.trim();

/** The message that starts execution: the plan as the user left it. */
export function approvalMessage(plan: string, original: string, mode: ExecutionMode): string {
  return `The user approved this plan${edited(plan, original) ? ' (edited)' : ''}:\n\n<plan>\n${plan.trim()}\n</plan>\n\n` +
    `Execute it. The permission mode is now "${MODE_LABELS[mode]}". Keep to the plan; if something in it turns out wrong, say so before you deviate.`;
}

/** The message that asks for another round: the document as the user left it, and their comments. */
export function revisionMessage(plan: string, original: string, comments: string): string {
  const parts = [
    `The user wants another round on the plan. This is the plan${edited(plan, original) ? ' as they edited it' : ''}:\n\n<plan>\n${plan.trim()}\n</plan>`,
  ];
  if (comments.trim()) parts.push(`Their comments:\n\n${comments.trim()}`);
  parts.push('Revise the plan accordingly (you are still in plan mode: read only) and call exit_plan_mode again with the whole revised plan.');
  return parts.join('\n\n');
}

/**
 * Plan reviews in the panel: a card per plan the agent presents, Approve (in a chosen mode) or
 * Another round. Each decision reads the document's current text, so the user's edits count.
 */
export class PlanPanel {
  private readonly pending = new Map<string, { entry: PlanEntry; proposal: PlanProposal }>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly env: PlanEnvironment, private readonly chat: PlanChat) {
    this.subscription = env.onDidPropose((proposal) => this.propose(proposal));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private propose(proposal: PlanProposal): void {
    // A newer plan replaces the older ones still waiting: only the latest can be decided.
    this.pending.clear();
    const entry: PlanEntry = { role: 'plan', id: this.chat.newId(), path: proposal.path, state: 'pending' };
    this.pending.set(entry.id, { entry, proposal });
    this.chat.add({ ...entry });
  }

  async open(entryId: string): Promise<void> {
    const plan = this.pending.get(entryId);
    if (plan) await this.env.open(plan.proposal.documentId);
  }

  /** Approve or Another round; resolves to whether a message went to the agent. */
  async decide(msg: PlanDecision): Promise<boolean> {
    const plan = this.pending.get(msg.entryId);
    if (!plan) {
      this.chat.warn(`ignored a decision on plan ${msg.entryId}: it is not waiting for one`);
      return false;
    }
    if (this.chat.busy()) {
      this.chat.error('Reverie is still working. Wait for it to finish (or press Stop), then decide on the plan.');
      return false;
    }
    const text = await this.env.currentText(plan.proposal.documentId);
    if (text === undefined || !text.trim()) {
      this.chat.error(`The plan document ${plan.proposal.path} is empty or could not be read. Write the plan back into it, or ask for another round in a message.`);
      return false;
    }
    if (msg.decision === 'approve') {
      if (!(await this.env.setMode(msg.mode))) return false; // declined (bypass not confirmed): the card stays
      this.env.keep(text.trim());
      this.settle(plan.entry, { state: 'approved', mode: msg.mode });
      await this.chat.send(`Approved the plan (${MODE_LABELS[msg.mode]})`, approvalMessage(text, plan.proposal.plan, msg.mode));
    } else {
      this.settle(plan.entry, { state: 'revising' });
      const display = msg.comments.trim() ? `Another round on the plan: ${msg.comments.trim()}` : 'Another round on the plan';
      await this.chat.send(display, revisionMessage(text, plan.proposal.plan, msg.comments));
    }
    return true;
  }

  private settle(entry: PlanEntry, change: Partial<PlanEntry>): void {
    this.pending.delete(entry.id);
    Object.assign(entry, change);
    this.chat.update({ ...entry });
  }
}
