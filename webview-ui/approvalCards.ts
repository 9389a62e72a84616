import type { ApprovalDecision, ApprovalRequest, FixResultEntry } from '../src/shared/approvalProtocol';
import type { WebviewToHost } from '../src/shared/protocol';

const BUTTONS: Record<ApprovalRequest['kind'], Array<[ApprovalDecision | 'openDiff', string]>> = {
  edit: [['allow', 'Accept'], ['deny', 'Reject'], ['openDiff', 'Open diff']],
  command: [['allow', 'Allow once'], ['always', 'Always allow'], ['deny', 'Deny']],
  read: [['allow', 'Allow once'], ['always', 'Always allow'], ['deny', 'Deny']],
};
const DIFF_MARK = { add: '+', del: '-', ctx: ' ', gap: '⋯' } as const;

/**
 * Approvals waiting for the user, as cards pinned under the conversation: an edit's compact diff
 * with Accept / Reject / Open diff, a command line with its folder and Allow once / Always allow /
 * Deny, a read outside the workspace. Everything from the host is set as text. A card goes away
 * when the host says the question is settled (here, in the editor, or by Stop).
 */
export class ApprovalCards {
  private readonly root: HTMLElement;

  constructor(before: HTMLElement, private readonly send: (msg: WebviewToHost) => void) {
    this.root = document.createElement('section');
    this.root.id = 'approvals';
    this.root.setAttribute('aria-label', 'Waiting for your approval');
    before.before(this.root);
  }

  show(card: ApprovalRequest): void {
    if (this.find(card.id)) return; // sent again after a snapshot
    const el = document.createElement('div');
    el.className = 'approval';
    el.dataset.id = card.id;
    el.dataset.kind = card.kind;
    el.setAttribute('role', 'group');
    const title = div('approval-title');
    const label = span('', card.kind === 'edit' ? (card.isNew ? 'Create ' : 'Edit ') : card.kind === 'command' ? 'Run a command' : 'Read outside the workspace ');
    title.append(label);
    if (card.kind !== 'command') title.append(span('approval-path', card.path));
    if (card.kind === 'edit') title.append(span('approval-counts', `+${card.added} −${card.removed}`));
    el.setAttribute('aria-label', `Reverie asks: ${title.textContent}`);
    el.append(title);
    if (card.kind === 'edit') el.append(diffView(card));
    if (card.kind === 'command') {
      const pre = document.createElement('pre');
      pre.className = 'approval-command';
      pre.textContent = card.command;
      el.append(pre, div('approval-cwd', `in ${card.cwd}`));
    }
    const reason = document.createElement('input');
    reason.type = 'text';
    reason.className = 'approval-reason';
    reason.placeholder = card.kind === 'edit' ? 'Why reject? (optional)' : 'Why deny? (optional)';
    reason.setAttribute('aria-label', reason.placeholder);
    const buttons = div('approval-buttons');
    for (const [action, text] of BUTTONS[card.kind]) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = text;
      b.dataset.decision = action;
      if (action !== 'allow') b.className = 'secondary';
      b.addEventListener('click', () => {
        if (action === 'openDiff') return this.send({ type: 'approvalOpenDiff', id: card.id });
        buttons.querySelectorAll('button').forEach((x) => void (x.dataset.decision !== 'openDiff' && (x.disabled = true)));
        this.send({ type: 'approvalAnswer', id: card.id, decision: action, ...(action === 'deny' && reason.value.trim() ? { reason: reason.value.trim() } : {}) });
      });
      buttons.append(b);
    }
    reason.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') (buttons.querySelector('[data-decision="deny"]') as HTMLButtonElement).click();
    });
    el.append(buttons, reason);
    this.root.append(el);
    el.scrollIntoView({ block: 'nearest' });
  }

  resolve(id: string): void {
    this.find(id)?.remove();
  }

  clear(): void {
    this.root.replaceChildren();
  }

  private find(id: string): HTMLElement | null {
    return this.root.querySelector<HTMLElement>(`[data-id="${CSS.escape(id)}"]`);
  }
}

function diffView(card: Extract<ApprovalRequest, { kind: 'edit' }>): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'approval-diff';
  for (const line of card.lines) {
    const row = div(`diff-${line.kind}`, line.kind === 'gap' ? `${DIFF_MARK.gap} ${line.text}` : `${DIFF_MARK[line.kind]} ${line.text}`);
    pre.append(row);
  }
  if (card.truncated) pre.append(div('diff-gap', '⋯ more in the diff (Open diff)'));
  return pre;
}

/** "Fixed: …" or "Still there: …" with Continue, as a transcript entry. */
export function fixResultElement(entry: FixResultEntry, send: (msg: WebviewToHost) => void): HTMLElement {
  const el = div('fix-result');
  el.dataset.fixed = String(entry.fixed);
  el.setAttribute('role', 'status');
  el.append(span('fix-text', entry.text));
  if (!entry.canContinue) return el;
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = 'Continue';
  b.dataset.action = 'fixContinue';
  b.addEventListener('click', () => {
    b.disabled = true;
    send({ type: 'fixContinue', entryId: entry.id });
  });
  el.append(b);
  return el;
}

function div(className: string, text?: string): HTMLDivElement {
  const d = document.createElement('div');
  d.className = className;
  if (text !== undefined) d.textContent = text;
  return d;
}

function span(className: string, text: string): HTMLSpanElement {
  const s = document.createElement('span');
  if (className) s.className = className;
  s.textContent = text;
  return s;
}
