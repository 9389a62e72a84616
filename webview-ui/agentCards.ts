/**
 * Cards for subagents (the `task` tool's live view, with Stop) and for plans to review (Approve in
 * a mode / Another round). Built as DOM with text only: agent names, descriptions and tool
 * summaries come from files and the model.
 */
import './agentCards.css';
import type { WebviewToHost } from '../src/shared/protocol';
import type { ExecutionMode, PlanEntry, SubagentEntry } from '../src/shared/subagentProtocol';
import { formatTokens } from '../src/shared/protocol';

type Send = (msg: WebviewToHost) => void;

const STATE_TEXT: Record<SubagentEntry['state'], string> = {
  running: 'running',
  completed: 'completed',
  budget_turns: 'stopped at budget (turns)',
  budget_tokens: 'stopped at budget (tokens)',
  aborted: 'aborted',
  failed: 'failed',
};
const CALL_MARK = { running: '…', done: '✓', error: '✗', interrupted: '⏹' } as const;

export function subagentCardElement(entry: SubagentEntry, send: Send): HTMLElement {
  const el = el_('section', 'subagent');
  el.dataset.state = entry.state;
  if (entry.toolUseId) el.dataset.toolUse = entry.toolUseId;
  el.setAttribute('aria-label', `${entry.agent} subagent: ${entry.description}`);
  const head = el_('div', 'subagent-head');
  head.append(el_('span', 'subagent-agent', entry.agent), el_('span', 'subagent-description', entry.description), el_('span', 'subagent-state', STATE_TEXT[entry.state]));
  if (entry.state === 'running') {
    const stop = document.createElement('button');
    stop.type = 'button';
    stop.className = 'secondary subagent-stop';
    stop.textContent = 'Stop';
    stop.title = 'Stop this subagent (the conversation goes on)';
    stop.addEventListener('click', () => {
      stop.disabled = true;
      send({ type: 'stopSubagent', id: entry.subagentId });
    });
    head.append(stop);
  }
  el.append(head);
  const usage = `${formatTokens(entry.tokens)} / ${formatTokens(entry.maxTokens)} tokens · ${entry.turns} / ${entry.maxTurns} turns`;
  el.append(el_('div', 'subagent-usage', usage));
  if (entry.calls.length || entry.earlierCalls) {
    const list = el_('ul', 'subagent-calls');
    if (entry.earlierCalls) list.append(el_('li', 'subagent-earlier', `${entry.earlierCalls} earlier tool ${entry.earlierCalls === 1 ? 'call' : 'calls'}`));
    for (const call of entry.calls) {
      const li = el_('li', 'subagent-call');
      li.dataset.status = call.status;
      li.append(el_('span', 'tool-status', CALL_MARK[call.status]), el_('span', 'tool-name', call.name), el_('span', 'tool-summary', call.summary));
      list.append(li);
    }
    el.append(list);
  }
  return el;
}

const MODES: Array<{ mode: ExecutionMode; label: string }> = [
  { mode: 'ask', label: 'Ask' },
  { mode: 'acceptEdits', label: 'Accept edits' },
  { mode: 'bypass', label: 'Bypass' },
];

export function planCardElement(entry: PlanEntry, send: Send): HTMLElement {
  const el = el_('section', 'plan-card');
  el.dataset.state = entry.state;
  el.setAttribute('aria-label', 'Plan');
  if (entry.state !== 'pending') {
    const mode = MODES.find((m) => m.mode === entry.mode)?.label;
    el.append(el_('div', 'plan-title', entry.state === 'approved' ? `Plan approved${mode ? ` (${mode})` : ''}` : 'Plan: another round requested'));
    return el;
  }
  el.append(el_('div', 'plan-title', 'Plan ready'));
  const where = el_('div', 'plan-path');
  const open = button('Open plan', 'secondary', () => send({ type: 'planOpen', entryId: entry.id }));
  where.append(el_('span', '', `Edit it in ${entry.path} (or add comments below), then decide. `), open);
  el.append(where);
  const row = el_('div', 'plan-actions');
  const select = document.createElement('select');
  select.className = 'plan-mode';
  select.setAttribute('aria-label', 'Mode to execute the plan in');
  for (const m of MODES) {
    const o = document.createElement('option');
    o.value = m.mode;
    o.textContent = m.label;
    if (m.mode === 'acceptEdits') o.selected = true;
    select.append(o);
  }
  const comments = document.createElement('textarea');
  comments.className = 'plan-comments';
  comments.rows = 2;
  comments.placeholder = 'Comments for another round (optional)';
  comments.setAttribute('aria-label', 'Comments for another round');
  const approve = button('Approve', '', () => send({ type: 'planDecision', entryId: entry.id, decision: 'approve', mode: select.value as ExecutionMode }));
  const again = button('Another round', 'secondary', () => send({ type: 'planDecision', entryId: entry.id, decision: 'revise', comments: comments.value }));
  row.append(approve, select, again);
  el.append(row, comments);
  return el;
}

function button(text: string, className: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  if (className) b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

function el_<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
