import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { WebviewToHost } from '../../../src/shared/protocol';
import { InputHistory } from '../../../webview-ui/composer';
import { MentionCompletion, mentionQuery, mentionsIn, mentionToken } from '../../../webview-ui/mentions';

describe('the panel input: history and @ mentions', () => {
  let dom: JSDOM;
  let input: HTMLTextAreaElement;
  const saved: Record<string, unknown> = {};
  beforeEach(() => {
    dom = new JSDOM('<div id="mention-list"></div><textarea id="prompt"></textarea><div id="chips"></div>');
    for (const k of ['document', 'Event', 'HTMLElement']) {
      saved[k] = (globalThis as any)[k];
      (globalThis as any)[k] = (dom.window as any)[k];
    }
    input = dom.window.document.getElementById('prompt') as HTMLTextAreaElement;
  });
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) (globalThis as any)[k] = v;
    dom.window.close();
  });
  const key = (k: string) => new dom.window.KeyboardEvent('keydown', { key: k, cancelable: true });
  const type = (value: string, caret = value.length) => {
    input.value = value;
    input.setSelectionRange(caret, caret);
    input.dispatchEvent(new dom.window.Event('input', { bubbles: true }));
  };

  it('Up on the first line recalls older messages, Down comes back to the draft; both persisted', () => {
    let persisted: string[] = [];
    const history = new InputHistory(input, ['first'], (e) => (persisted = e));
    history.push('second\nline two');
    assert.deepEqual(persisted, ['first', 'second\nline two']);
    type('draft');
    assert.equal(history.handleKey(key('ArrowUp')), true);
    assert.equal(input.value, 'second\nline two');
    assert.equal(input.selectionStart, 'second'.length, 'the caret stays on the first line');
    assert.equal(history.handleKey(key('ArrowUp')), true);
    assert.equal(input.value, 'first');
    assert.equal(history.handleKey(key('ArrowUp')), false, 'nothing older');
    assert.equal(history.handleKey(key('ArrowDown')), true);
    assert.equal(input.value, 'second\nline two');
    assert.equal(history.handleKey(key('ArrowDown')), true, 'the caret is at the end: the last line');
    assert.equal(input.value, 'draft');
    assert.equal(history.handleKey(key('ArrowDown')), false);
  });

  it('Up in the middle of a multi-line message moves the caret instead', () => {
    const history = new InputHistory(input, ['old'], () => undefined);
    type('one\ntwo', 6);
    assert.equal(history.handleKey(key('ArrowUp')), false);
    assert.equal(input.value, 'one\ntwo');
  });

  it('finds the @word at the caret, and writes markers back (quoted with spaces)', () => {
    assert.deepEqual(mentionQuery('look at @ma', 11), { start: 8, query: 'ma' });
    assert.deepEqual(mentionQuery('@', 1), { start: 0, query: '' });
    assert.equal(mentionQuery('mail me@example', 15), undefined);
    assert.equal(mentionQuery('@math.js done', 13), undefined, 'the caret is past the word');
    assert.equal(mentionToken('notes with space.md'), '@"notes with space.md"');
    assert.deepEqual(mentionsIn('a @src/x.js, @"a b.md" and @src/x.js'), ['@src/x.js', '@"a b.md"']);
  });

  it('asks the host, shows only the latest answer, and Enter writes the picked item as a marker with a chip', () => {
    const sent: WebviewToHost[] = [];
    const list = dom.window.document.getElementById('mention-list')!;
    const chips = dom.window.document.getElementById('chips')!;
    const mentions = new MentionCompletion(input, list, chips, (m) => sent.push(m));
    type('explain @ma');
    assert.ok(chips.hidden, 'the @word being typed is not a chip yet');
    type('explain @mat');
    assert.deepEqual(sent, [{ type: 'mentionQuery', requestId: 1, query: 'ma' }, { type: 'mentionQuery', requestId: 2, query: 'mat' }]);
    mentions.show(1, [{ kind: 'file', label: 'stale.js', insert: 'stale.js' }]);
    assert.ok(list.hidden, 'an answer to an older query is dropped');
    mentions.show(2, [{ kind: 'file', label: 'src/math.js', insert: 'src/math.js' }, { kind: 'folder', label: 'src/', insert: 'src' }]);
    assert.equal(list.hidden, false);
    assert.equal(list.querySelectorAll('[role="option"]').length, 2);
    assert.equal(mentions.handleKey(key('Enter')), true);
    assert.equal(input.value, 'explain @src/math.js ');
    assert.ok(list.hidden);
    assert.deepEqual([...chips.querySelectorAll('.mention-chip > span')].map((s) => s.textContent), ['@src/math.js']);
    (chips.querySelector('button[data-token]') as HTMLButtonElement).click();
    assert.equal(input.value, 'explain ');
  });
});
