import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { contextStatusText, ContextStatus, type StatusBarApi } from '../../src/host/contextStatus';
import type { ContextFigures } from '../../src/shared/protocol';
import { compactionLine, compactionSummaryLabel, meterLine, showMeter } from '../../webview-ui/contextMeter';

const FIGURES: ContextFigures = {
  contextTokens: 68_000,
  windowTokens: 200_000,
  percent: 34,
  tokensToAutoCompact: 56_400,
  costUsd: 0.1234,
  cacheHitRatio: 0.921,
  hoverText: 'Context: 68,000 of 200,000 tokens (34%).\nSession cost: $0.12 *estimated*.',
};

/** A stand-in for vscode's StatusBarItem and MarkdownString: records what the user would see. */
function fakeApi() {
  const item = { text: '', tooltip: undefined as any, command: undefined as unknown, name: '', visible: false, accessibilityInformation: undefined as any, alignment: 0, priority: 0, disposed: false,
    show() { this.visible = true; }, hide() { this.visible = false; }, dispose() { this.disposed = true; } };
  class MarkdownString {
    value = '';
    isTrusted: boolean | undefined = true; // vscode's default is undefined; true here so the test sees it set
    appendMarkdown(v: string) { this.value += v; return this; }
    /** Text the real one escapes; marked here so the test can tell it from markdown. */
    appendText(v: string) { this.value += `«${v}»`; return this; }
  }
  const api = {
    window: { createStatusBarItem: (_id: string, alignment: number, priority: number) => Object.assign(item, { alignment, priority }) },
    StatusBarAlignment: { Left: 1, Right: 2 },
    MarkdownString,
  } as unknown as StatusBarApi;
  return { api, item };
}

describe('the context meter in the status bar and the panel footer', () => {
  it('the status bar item stays hidden until the first figures, then shows percent and cost, and hides on a new conversation', () => {
    const { api, item } = fakeApi();
    const status = new ContextStatus(api);
    assert.equal(item.visible, false);
    assert.equal(item.command, 'reverie.focusChat');
    assert.equal(item.alignment, 2, 'on the right, with the permission mode');
    status.observe({ type: 'snapshot', hasApiKey: true, model: 'm', busy: false, entries: [] });
    assert.equal(item.visible, false, 'a snapshot without figures keeps it hidden');
    status.observe({ type: 'context', meter: FIGURES });
    assert.equal(item.visible, true);
    assert.equal(item.text, '$(pulse) 34% · $0.12');
    assert.equal(item.tooltip.isTrusted, false);
    assert.equal(item.tooltip.value, '**Reverie context**\n\n«Context: 68,000 of 200,000 tokens (34%).»\n\n«Session cost: $0.12 *estimated*.»', 'each line a paragraph, as text');
    assert.match(item.accessibilityInformation.label, /68,000 of 200,000/);
    status.observe({ type: 'cleared' });
    assert.equal(item.visible, false);
    status.dispose();
    assert.equal(item.disposed, true);
  });

  it('writes small percentages with a decimal and leaves out an unknown cost', () => {
    assert.equal(contextStatusText({ ...FIGURES, percent: 0.4, costUsd: undefined }), '$(pulse) 0.4%');
    assert.equal(meterLine({ ...FIGURES, percent: 0.4, costUsd: undefined, cacheHitRatio: undefined }), '0.4% context · 56k to auto-compact');
  });

  it('the footer reads "34% context · 56k to auto-compact · $0.12 · cache 92%", with the explanation as tooltip and accessible name', () => {
    const { window } = new JSDOM('<div id="meter" hidden></div>');
    const el = window.document.getElementById('meter') as HTMLElement;
    showMeter(el, FIGURES);
    assert.equal(el.hidden, false);
    assert.equal(el.textContent, '34% context · 56k to auto-compact · $0.12 · cache 92%');
    assert.equal(el.title, FIGURES.hoverText);
    assert.match(el.getAttribute('aria-label')!, /^34% context .*\. Context: 68,000/);
    showMeter(el, { ...FIGURES, tokensToAutoCompact: 0 });
    assert.match(el.textContent!, /^34% context · compacts before the next request/);
    showMeter(el, undefined);
    assert.equal(el.hidden, true);
    assert.equal(el.getAttribute('title'), null);
  });

  it('the divider line names the trigger, the messages summarised and the tokens before and after', () => {
    const entry = { role: 'compaction' as const, id: 'e1', trigger: 'auto' as const, summarisedMessages: 142, keptMessages: 6, tokensBefore: 168_200, tokensAfter: 31_000, fromNotes: false, summary: '' };
    assert.equal(compactionLine(entry), 'Conversation compacted (auto) · 142 messages summarised · 168k → 31k tokens');
    assert.equal(compactionLine({ ...entry, trigger: 'manual', summarisedMessages: 1, tokensBefore: 950, tokensAfter: 1_250_000 }), 'Conversation compacted (manual) · 1 message summarised · 950 → 1.3M tokens');
    assert.equal(compactionSummaryLabel(entry), 'Summary · the latest 6 messages kept as they were');
    assert.equal(compactionSummaryLabel({ ...entry, keptMessages: 1, fromNotes: true }), 'Summary (from the session notes) · the latest message kept as it was');
    assert.equal(compactionSummaryLabel({ ...entry, keptMessages: 0 }), 'Summary');
  });
});
