import * as assert from 'node:assert/strict';
import { dispatch, hostToWebview, SLASH_LIMITS, webviewToHost, type HandlerMap, type WebviewToHost } from '../../src/shared/protocol';

describe('host <-> webview protocol', () => {
  const seen: WebviewToHost[] = [];
  const handlers: HandlerMap<WebviewToHost> = {
    ready: (m) => void seen.push(m),
    submit: (m) => void seen.push(m),
    stop: (m) => void seen.push(m),
    retry: (m) => void seen.push(m),
    newConversation: (m) => void seen.push(m),
    action: (m) => void seen.push(m),
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
});
