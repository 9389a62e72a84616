import * as assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import type { SlashCommand } from '../../src/shared/protocol';
import { matchCommands, SlashCompletion, slashQuery } from '../../webview-ui/slashCompletion';

const COMMANDS: SlashCommand[] = [
  { name: 'new', description: 'Start a new conversation', source: 'built-in' },
  { name: 'remember', description: 'Save something to memory', argumentHint: '<what to remember>', source: 'built-in' },
  { name: 'explain-file', description: 'Explain a file', argumentHint: '<path>', source: 'project' },
  { name: 'review', description: 'Review the <b>diff</b> <img src=x onerror="document.body.dataset.pwned=1">', source: 'user' },
];

describe('slash command completion in the chat input', () => {
  it('completes only the first word of text that starts with a slash, with the caret inside it', () => {
    assert.equal(slashQuery('/', 1), '');
    assert.equal(slashQuery('/exp', 4), 'exp');
    assert.equal(slashQuery('/exp', 2), 'exp', 'the caret inside the word');
    assert.equal(slashQuery('/explain-file math.js', 21), undefined, 'the caret in the arguments');
    assert.equal(slashQuery('/explain-file math.js', 13), 'explain-file');
    assert.equal(slashQuery('/exp', 0), undefined, 'the caret before the slash');
    assert.equal(slashQuery('ask /exp', 8), undefined);
    assert.equal(slashQuery(' /exp', 5), undefined);
  });

  it('lists prefix matches first, then names that contain the text', () => {
    assert.deepEqual(matchCommands(COMMANDS, 're').map((c) => c.name), ['remember', 'review']);
    assert.deepEqual(matchCommands(COMMANDS, 'e').map((c) => c.name), ['explain-file', 'new', 'remember', 'review']);
    assert.deepEqual(matchCommands(COMMANDS, 'FILE').map((c) => c.name), ['explain-file']);
    assert.deepEqual(matchCommands(COMMANDS, '').length, COMMANDS.length);
    assert.deepEqual(matchCommands(COMMANDS, 'usr/bin'), []);
  });

  describe('the popup', () => {
    let dom: JSDOM;
    let input: HTMLTextAreaElement;
    let list: HTMLElement;
    let completion: SlashCompletion;
    let keysUsed: string[];
    const saved: Record<string, unknown> = {};

    beforeEach(() => {
      dom = new JSDOM('<div class="prompt-wrap"><div id="slash-list"></div><textarea id="prompt"></textarea></div>');
      for (const k of ['document', 'Event']) {
        saved[k] = (globalThis as any)[k];
        (globalThis as any)[k] = (dom.window as any)[k];
      }
      input = dom.window.document.getElementById('prompt') as HTMLTextAreaElement;
      list = dom.window.document.getElementById('slash-list')!;
      completion = new SlashCompletion(input, list);
      completion.setCommands(COMMANDS);
      keysUsed = [];
      // What main.ts does: the list gets the key first; otherwise Enter would send.
      input.addEventListener('keydown', (e) => {
        if (completion.handleKey(e)) {
          e.preventDefault();
          keysUsed.push(e.key);
        }
      });
    });
    afterEach(() => {
      for (const [k, v] of Object.entries(saved)) (globalThis as any)[k] = v;
      dom.window.close();
    });

    const type = (text: string) => {
      input.focus();
      input.value = text;
      input.setSelectionRange(text.length, text.length);
      input.dispatchEvent(new dom.window.Event('input', { bubbles: true }));
    };
    const key = (k: string, init: KeyboardEventInit = {}) => {
      const e = new dom.window.KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });
      input.dispatchEvent(e);
      return e.defaultPrevented;
    };
    const options = () => [...list.querySelectorAll<HTMLElement>('[role="option"]')];
    const names = () => options().map((o) => o.querySelector('.slash-name')!.textContent);
    const selected = () => list.querySelector<HTMLElement>('[aria-selected="true"]');

    it('opens on "/" with every command, as an accessible listbox driven from the input', () => {
      type('/');
      assert.equal(list.hidden, false);
      assert.equal(list.getAttribute('role'), 'listbox');
      assert.equal(input.getAttribute('aria-expanded'), 'true');
      assert.equal(input.getAttribute('aria-controls'), 'slash-list');
      assert.deepEqual(names(), ['/new', '/remember', '/explain-file', '/review']);
      assert.equal(input.getAttribute('aria-activedescendant'), selected()!.id);
      assert.equal(selected()!.dataset.name, 'new');
      const explain = options()[2];
      assert.equal(explain.querySelector('.slash-hint')!.textContent, '<path>');
      assert.equal(explain.querySelector('.slash-desc')!.textContent, 'Explain a file');
    });

    it('shows names and descriptions from skill files as text, never as HTML', () => {
      type('/rev');
      const desc = options()[0].querySelector('.slash-desc')!;
      assert.equal(desc.textContent, COMMANDS[3].description);
      assert.equal(list.querySelector('img, b'), null);
      assert.equal(dom.window.document.body.dataset.pwned, undefined);
    });

    it('filters as the name is typed and closes when nothing matches or the text is not a command', () => {
      type('/re');
      assert.deepEqual(names(), ['/remember', '/review']);
      type('/usr/bin/env');
      assert.equal(list.hidden, true);
      assert.equal(input.getAttribute('aria-expanded'), 'false');
      assert.equal(input.hasAttribute('aria-activedescendant'), false);
      assert.equal(key('Enter'), false, 'Enter is left to send the message');
      type('what does /review do?');
      assert.equal(list.hidden, true);
    });

    it('Down and Up move the selection (wrapping); Enter inserts "/name " and closes', () => {
      type('/');
      key('ArrowDown');
      key('ArrowDown');
      assert.equal(selected()!.dataset.name, 'explain-file');
      assert.equal(input.getAttribute('aria-activedescendant'), selected()!.id);
      key('ArrowUp');
      key('ArrowUp');
      key('ArrowUp');
      assert.equal(selected()!.dataset.name, 'review', 'Up from the first wraps to the last');
      assert.equal(key('Enter'), true);
      assert.equal(input.value, '/review ');
      assert.equal(input.selectionStart, '/review '.length);
      assert.equal(list.hidden, true);
      assert.deepEqual(keysUsed, ['ArrowDown', 'ArrowDown', 'ArrowUp', 'ArrowUp', 'ArrowUp', 'Enter']);
      // Typing the arguments keeps it shut, and the next Enter is not taken by the list.
      type('/review the last commit');
      assert.equal(list.hidden, true);
      assert.equal(key('Enter'), false);
    });

    it('Tab accepts too, replacing only the command word and keeping the arguments', () => {
      type('/exp math.js');
      input.setSelectionRange(4, 4);
      input.dispatchEvent(new dom.window.Event('click'));
      assert.deepEqual(names(), ['/explain-file']);
      assert.equal(key('Tab'), true);
      assert.equal(input.value, '/explain-file math.js');
    });

    it('Escape closes the list until the text changes; with the list closed, Up and Escape are not taken', () => {
      type('/r');
      assert.equal(key('Escape'), true);
      assert.equal(list.hidden, true);
      assert.equal(key('ArrowUp'), false);
      assert.equal(key('Escape'), false);
      type('/re');
      assert.equal(list.hidden, false);
    });

    it('a click on an option accepts it', () => {
      type('/');
      options()[1].dispatchEvent(new dom.window.MouseEvent('click', { bubbles: true }));
      assert.equal(input.value, '/remember ');
      assert.equal(list.hidden, true);
    });

    it('a new command list refreshes an open popup, keeping the selected command', () => {
      type('/d');
      assert.equal(list.hidden, true);
      type('/e');
      key('ArrowDown');
      assert.equal(selected()!.dataset.name, 'new');
      completion.setCommands([{ name: 'deploy', description: 'Ship it', source: 'user' }, ...COMMANDS]);
      assert.deepEqual(names(), ['/explain-file', '/deploy', '/new', '/remember', '/review']);
      assert.equal(selected()!.dataset.name, 'new');
      completion.setCommands(COMMANDS.slice(0, 1));
      assert.deepEqual(names(), ['/new']);
      completion.setCommands([]);
      assert.equal(list.hidden, true, 'nothing is left to offer');
    });
  });
});
