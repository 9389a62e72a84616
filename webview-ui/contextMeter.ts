import { formatTokens, type ContextFigures, type TranscriptEntry } from '../src/shared/protocol';

type CompactionEntry = Extract<TranscriptEntry, { role: 'compaction' }>;

/** "34%", or "0.4%" below one percent, so a fresh conversation does not read as empty. */
export function formatPercent(percent: number): string {
  return percent < 1 ? `${percent.toFixed(1)}%` : `${Math.round(percent)}%`;
}

/** The footer under the input: "34% context · 56k to auto-compact · $0.12 · cache 92%". */
export function meterLine(m: ContextFigures): string {
  const parts = [
    `${formatPercent(m.percent)} context`,
    m.tokensToAutoCompact > 0 ? `${formatTokens(m.tokensToAutoCompact)} to auto-compact` : 'compacts before the next request',
  ];
  if (m.costUsd !== undefined) parts.push(`$${m.costUsd.toFixed(2)}`);
  if (m.cacheHitRatio !== undefined) parts.push(`cache ${Math.round(m.cacheHitRatio * 100)}%`);
  return parts.join(' · ');
}

/** Shows the figures in `el` (text, tooltip, accessible name), or hides it when there are none yet. */
export function showMeter(el: HTMLElement, m: ContextFigures | undefined): void {
  el.hidden = m === undefined;
  if (!m) {
    el.textContent = '';
    el.removeAttribute('title');
    el.removeAttribute('aria-label');
    return;
  }
  const line = meterLine(m);
  el.textContent = line;
  el.title = m.hoverText;
  el.setAttribute('aria-label', `${line}. ${m.hoverText}`);
}

const TRIGGER_LABEL = { auto: 'auto', manual: 'manual', reactive: 'the prompt was too long' } as const;

/** The divider's line: "Conversation compacted (auto) · 142 messages summarised · 168k → 31k tokens". */
export function compactionLine(e: CompactionEntry): string {
  const messages = `${e.summarisedMessages} ${e.summarisedMessages === 1 ? 'message' : 'messages'} summarised`;
  return `Conversation compacted (${TRIGGER_LABEL[e.trigger]}) · ${messages} · ${formatTokens(e.tokensBefore)} → ${formatTokens(e.tokensAfter)} tokens`;
}

/** The label of the folded summary. */
export function compactionSummaryLabel(e: CompactionEntry): string {
  const source = e.fromNotes ? 'Summary (from the session notes)' : 'Summary';
  if (e.keptMessages === 0) return source;
  return `${source} · ${e.keptMessages === 1 ? 'the latest message kept as it was' : `the latest ${e.keptMessages} messages kept as they were`}`;
}
