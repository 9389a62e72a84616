import * as assert from 'node:assert/strict';
import { COMPACTION_LIMITS, COMPOSER_LIMITS, dispatch, formatTokens, hostToWebview, SLASH_LIMITS, webviewToHost, type HandlerMap, type WebviewToHost } from '../../src/shared/protocol';

describe('host <-> webview protocol', () => {
  const seen: WebviewToHost[] = [];
  const handlers: HandlerMap<WebviewToHost> = {
    ready: (m) => void seen.push(m),
    submit: (m) => void seen.push(m),
    stop: (m) => void seen.push(m),
    retry: (m) => void seen.push(m),
    newConversation: (m) => void seen.push(m),
    action: (m) => void seen.push(m),
    approvalAnswer: (m) => void seen.push(m),
    approvalOpenDiff: (m) => void seen.push(m),
    fixContinue: (m) => void seen.push(m),
    rewind: (m) => void seen.push(m),
    mentionQuery: (m) => void seen.push(m),
    setMode: (m) => void seen.push(m),
    setModel: (m) => void seen.push(m),
    listSessions: (m) => void seen.push(m),
    resumeSession: (m) => void seen.push(m),
    renameSession: (m) => void seen.push(m),
    deleteSession: (m) => void seen.push(m),
    codeAction: (m) => void seen.push(m),
    stopSubagent: (m) => void seen.push(m),
    planDecision: (m) => void seen.push(m),
    planOpen: (m) => void seen.push(m),
  };
  beforeEach(() => (seen.length = 0));

  it('dispatches a valid message to its handler', async () => {
    const r = dispatch(webviewToHost, handlers, { type: 'submit', text: 'hello' });
    assert.ok(r.ok);
    await r.done;
    assert.deepEqual(seen, [{ type: 'submit', text: 'hello' }]);
  });

  it('rejects unknown types, missing fields and blank submissions without running anything', () => {
    for (const bad of [{ type: 'explode' }, { type: 'submit' }, { type: 'submit', text: '   ' }, null, 'submit', { type: 'action', action: 'workbench.action.terminal.new' }]) {
      const r = dispatch(webviewToHost, handlers, bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
    }
    assert.equal(seen.length, 0);
  });

  it('gives a readable reason for a rejected message', () => {
    const r = dispatch(webviewToHost, handlers, { type: 'submit', text: 42 });
    assert.ok(!r.ok && /text/.test(r.error), JSON.stringify(r));
  });

  it('validates what the host sends, too', () => {
    assert.ok(hostToWebview.safeParse({ type: 'textDelta', turnId: 't1', entryId: 'e2', seq: 0, text: 'hi' }).success);
    assert.ok(!hostToWebview.safeParse({ type: 'textDelta', turnId: 't1', entryId: 'e2', seq: -1, text: 'hi' }).success);
    assert.ok(!hostToWebview.safeParse({ type: 'toolUpdate', turnId: 't1', entry: { role: 'tool', id: 'x', name: 'grep', summary: '', status: 'exploded', output: '' } }).success);
    assert.ok(!hostToWebview.safeParse({ type: 'snapshot', hasApiKey: true }).success);
  });
  it('bounds the slash commands the host may send: typeable names, short descriptions, a capped list', () => {
    const ok = { name: 'release-notes', description: 'Draft release notes', argumentHint: '<version>', source: 'project' };
    const msg = (commands: unknown[]) => hostToWebview.safeParse({ type: 'commands', commands }).success;
    assert.ok(msg([ok, { name: 'new', description: 'Start a new conversation', source: 'built-in' }]));
    assert.ok(!msg([{ ...ok, name: 'two words' }]));
    assert.ok(!msg([{ ...ok, name: '' }]));
    assert.ok(!msg([{ ...ok, name: '<img src=x>' }]));
    assert.ok(!msg([{ ...ok, description: 'x'.repeat(SLASH_LIMITS.description + 1) }]));
    assert.ok(!msg([{ ...ok, argumentHint: 'x'.repeat(SLASH_LIMITS.argumentHint + 1) }]));
    assert.ok(!msg(Array.from({ length: SLASH_LIMITS.count + 1 }, (_, i) => ({ ...ok, name: `s${i}` }))));
  });

  it('bounds a compaction divider: its summary, its figures, its trigger', () => {
    const divider = { role: 'compaction', id: 'e9', trigger: 'auto', summarisedMessages: 142, keptMessages: 6, tokensBefore: 168_000, tokensAfter: 31_000, fromNotes: false, summary: '## Intent' };
    const ok = (entry: unknown) => hostToWebview.safeParse({ type: 'entry', entry }).success;
    assert.ok(ok(divider));
    assert.ok(ok({ ...divider, summary: 'x'.repeat(COMPACTION_LIMITS.summary) }));
    assert.ok(!ok({ ...divider, summary: 'x'.repeat(COMPACTION_LIMITS.summary + 1) }));
    assert.ok(!ok({ ...divider, trigger: 'sometimes' }));
    assert.ok(!ok({ ...divider, tokensAfter: -1 }));
    assert.ok(!ok({ ...divider, summarisedMessages: 1.5 }));
    assert.ok(hostToWebview.safeParse({ type: 'snapshot', hasApiKey: true, model: 'm', busy: false, entries: [divider] }).success, 'a reload keeps the divider');
  });

  it('bounds the context meter: non-negative figures, a ratio within 0..1, a short hover text', () => {
    const meter = { contextTokens: 68_000, windowTokens: 200_000, percent: 34, tokensToAutoCompact: 99_000, costUsd: 0.12, cacheHitRatio: 0.92, hoverText: 'Context: 68,000 of 200,000' };
    const ok = (m: unknown) => hostToWebview.safeParse({ type: 'context', meter: m }).success;
    assert.ok(ok(meter));
    const { costUsd: _c, cacheHitRatio: _r, ...unknownPrice } = meter;
    assert.ok(ok(unknownPrice), 'cost and cache ratio may be unknown');
    assert.ok(!ok({ ...meter, cacheHitRatio: 1.5 }));
    assert.ok(!ok({ ...meter, windowTokens: 0 }));
    assert.ok(!ok({ ...meter, contextTokens: -5 }));
    assert.ok(!ok({ ...meter, hoverText: 'x'.repeat(COMPACTION_LIMITS.hoverText + 1) }));
    assert.ok(hostToWebview.safeParse({ type: 'snapshot', hasApiKey: true, model: 'm', busy: false, entries: [], meter }).success);
    assert.ok(!hostToWebview.safeParse({ type: 'snapshot', hasApiKey: true, model: 'm', busy: false, entries: [], meter: { percent: 3 } }).success);
  });

  it('writes token counts the way the panel shows them', () => {
    assert.deepEqual([0, 950, 999, 1_000, 24_300, 168_000, 999_499, 999_500, 1_000_000, 1_250_000].map(formatTokens), ['0', '950', '999', '1k', '24k', '168k', '999k', '1M', '1M', '1.3M']);
  });

  it('mention items carry workspace paths up to the path limit (a deep path is not a reason to drop the popup)', () => {
    const item = (p: string) => ({ type: 'mentionItems', requestId: 1, items: [{ kind: 'file', label: p, insert: p }] });
    const deep = `${'nested-folder/'.repeat(30)}file.ts`; // 427 characters: over the old 300 limit
    assert.equal(hostToWebview.safeParse(item(deep)).success, true);
    assert.equal(hostToWebview.safeParse(item('x'.repeat(COMPOSER_LIMITS.path + 1))).success, false);
  });
});
