import * as assert from 'node:assert/strict';
import createDOMPurify from 'dompurify';
import type { TranscriptEntry, WebviewToHost } from '../../../src/shared/protocol';
import { webviewToHost } from '../../../src/shared/protocol';
import { createMarkdownRenderer, splitBlocks } from '../../../webview-ui/markdown';
import { Transcript } from '../../../webview-ui/transcript';
import { FakeGeometry, installDom } from './domEnv';

describe('the panel transcript: code blocks, todo cards, thinking, streaming', () => {
  let env: ReturnType<typeof installDom>;
  let root: HTMLElement;
  let posted: WebviewToHost[];
  let renders: string[];
  let transcript: Transcript;

  beforeEach(() => {
    env = installDom();
    root = document.getElementById('transcript')!;
    posted = [];
    renders = [];
    const md = createMarkdownRenderer(createDOMPurify(env.window as any));
    const render = (s: string) => {
      renders.push(s);
      return md(s);
    };
    transcript = new Transcript(root, render, (m) => posted.push(m), { geometry: new FakeGeometry(root, 2000, 10, 40) });
  });
  afterEach(() => {
    transcript.view.dispose();
    env.restore();
  });

  const answer = (id: string, text: string, extra: Partial<Extract<TranscriptEntry, { role: 'assistant' }>> = {}): TranscriptEntry =>
    ({ role: 'assistant', id, text, status: 'done', ...extra });

  it('gives every code block a toolbar whose buttons have labels and post validated codeAction messages', async () => {
    transcript.reset([answer('a1', 'Try:\n\n```ts\nconst x = 1;\n```\n\nand\n\n```\nplain\n```')]);
    const blocks = root.querySelectorAll('pre.code-block');
    assert.equal(blocks.length, 2);
    const buttons = [...blocks[0].querySelectorAll<HTMLButtonElement>('.code-toolbar button')];
    assert.deepEqual(buttons.map((b) => b.dataset.codeAction), ['copy', 'insert', 'apply']);
    for (const b of buttons) {
      assert.ok(b.getAttribute('aria-label'), 'labelled for screen readers');
      assert.equal(b.type, 'button');
      assert.equal(b.tabIndex, 0, 'reachable with Tab');
    }
    assert.equal(blocks[0].querySelector('.code-lang')?.textContent, 'ts');

    buttons[1].click();
    buttons[2].click();
    blocks[1].querySelector<HTMLButtonElement>('[data-code-action="insert"]')!.click();
    buttons[0].click(); // the clipboard is refused in tests: the host is asked to copy
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(posted, [
      { type: 'codeAction', action: 'insert', code: 'const x = 1;\n', language: 'ts' },
      { type: 'codeAction', action: 'apply', code: 'const x = 1;\n', language: 'ts' },
      { type: 'codeAction', action: 'insert', code: 'plain\n', language: '' },
      { type: 'codeAction', action: 'copy', code: 'const x = 1;\n', language: 'ts' },
    ]);
    for (const m of posted) assert.ok(webviewToHost.safeParse(m).success, 'the host accepts it');
  });

  it('the code sent is the block text, not the highlighted markup or the toolbar', () => {
    transcript.reset([answer('a1', '```js\nif (a < b && c) { return "x"; } // done\n```')]);
    const pre = root.querySelector('pre')!;
    assert.ok(pre.querySelector('code span.tok-keyword'), 'highlighted');
    pre.querySelector<HTMLButtonElement>('[data-code-action="insert"]')!.click();
    assert.equal((posted[0] as any).code, 'if (a < b && c) { return "x"; } // done\n');
  });

  it('the host refuses a codeAction over the length cap', () => {
    assert.equal(webviewToHost.safeParse({ type: 'codeAction', action: 'insert', code: 'x'.repeat(500_001), language: 'ts' }).success, false);
    assert.equal(webviewToHost.safeParse({ type: 'codeAction', action: 'run', code: 'x', language: 'ts' }).success, false);
  });

  it('renders todo_write as a checklist card, as text', () => {
    transcript.reset([{
      role: 'tool', id: 't1', name: 'todo_write', summary: '', status: 'done', output: 'Todo list updated',
      todos: [
        { content: 'Write a failing test', status: 'completed' },
        { content: 'Fix <b>the</b> parser', status: 'in_progress' },
        { content: 'Run the suite', status: 'pending' },
      ],
    }]);
    const card = root.querySelector('.tool.todo')!;
    const items = [...card.querySelectorAll('.todo-list li')];
    assert.deepEqual(items.map((li) => (li as HTMLElement).dataset.status), ['completed', 'in_progress', 'pending']);
    assert.equal(items[1].querySelector('.todo-text')!.textContent, 'Fix <b>the</b> parser');
    assert.equal(card.querySelector('b'), null);
    assert.deepEqual(items.map((li) => li.querySelector('.todo-mark')!.getAttribute('aria-label')), ['done', 'in progress', 'to do']);
    assert.equal(card.querySelector('.tool-summary')!.textContent, '1 of 3 done');
    assert.equal(card.querySelector('details')!.open, true, 'the checklist is shown without a click');
  });

  it('updates a todo card in place when the list changes', () => {
    transcript.startTurn('t');
    const todo = (status: 'pending' | 'completed') => ({ role: 'tool' as const, id: 'c1', name: 'todo_write', summary: '', status: 'done' as const, output: '', todos: [{ content: 'One', status }] });
    transcript.upsertTool('t', todo('pending'));
    transcript.upsertTool('t', todo('completed'));
    assert.equal(root.querySelectorAll('.tool.todo').length, 1);
    assert.equal((root.querySelector('.todo-list li') as HTMLElement).dataset.status, 'completed');
  });

  it('folds the thinking of an answer under "Thinking", rendered through the sanitiser', () => {
    transcript.reset([answer('a1', 'The answer.', { thinking: 'Let me think <img src=x onerror="window.__xss=1"> **hard**' })]);
    const details = root.querySelector('.msg.assistant > details.thinking') as HTMLDetailsElement;
    assert.ok(details);
    assert.equal(details.open, false, 'folded');
    assert.equal(details.querySelector('summary')!.textContent, 'Thinking');
    assert.equal(details.querySelector('strong')!.textContent, 'hard');
    assert.equal(details.querySelector('img'), null);
    assert.equal(root.querySelector('.msg.assistant > .markdown:not(.thinking-body)')!.textContent!.trim(), 'The answer.');
  });

  it('streams: renders at most once per frame, and only the unfinished block again', () => {
    transcript.startTurn('t1');
    const paras = Array.from({ length: 30 }, (_, i) => `Paragraph ${i} with some words.`);
    const text = paras.join('\n\n') + '\n\n';
    let seq = 0;
    for (let i = 0; i < text.length; i += 7) transcript.appendDelta('t1', 'a1', seq++, text.slice(i, i + 7));
    assert.equal(renders.length, 0, 'nothing rendered before the frame');
    env.frames();
    const firstFrame = renders.length;
    assert.ok(firstFrame <= 31, `${firstFrame} renders in one frame`);
    renders.length = 0;
    transcript.appendDelta('t1', 'a1', seq++, 'The last one is still');
    transcript.appendDelta('t1', 'a1', seq++, ' arriving');
    env.frames();
    // The block that just closed (it was the open one last frame) once, then the open block: nothing earlier again.
    assert.deepEqual(renders, ['Paragraph 29 with some words.\n\n', 'The last one is still arriving']);
    renders.length = 0;
    transcript.appendDelta('t1', 'a1', seq++, ' now.');
    env.frames();
    assert.deepEqual(renders, ['The last one is still arriving now.'], 'one render of the open block only');
    transcript.endTurn('t1', 'completed');
    const el = root.querySelector('[data-id="a1"]')!;
    assert.ok(!el.classList.contains('streaming'));
    assert.equal(el.querySelectorAll('p').length, 31);
    assert.match(el.textContent!, /Paragraph 29 with some words\.\s*The last one is still arriving now\./);
  });

  it('splitBlocks never splits inside a fence or a list item continuation', () => {
    assert.deepEqual(splitBlocks('a\n\nb\n'), ['a\n\n', 'b\n']);
    assert.deepEqual(splitBlocks('```\nx\n\ny\n```\n\nz\n'), ['```\nx\n\ny\n```\n\n', 'z\n']);
    assert.deepEqual(splitBlocks('- one\n\n  more of one\n\n- two\n'), ['- one\n\n  more of one\n\n', '- two\n']);
    assert.deepEqual(splitBlocks('    indented\n\n    code\n'), ['    indented\n\n    code\n']);
  });

  it('marks a stopped turn on its last entry, and keeps the note when the entry is rebuilt', () => {
    transcript.startTurn('t1');
    transcript.appendDelta('t1', 'a1', 0, 'Partial');
    env.frames();
    transcript.endTurn('t1', 'aborted_streaming');
    assert.equal(root.querySelector('[data-id="a1"] .status')?.textContent, 'Stopped');
    transcript.startTurn('t2');
    transcript.endTurn('t2', 'aborted_streaming');
    assert.equal(root.querySelector('[data-id="t2-stopped"] .status')?.textContent, 'Stopped before any answer arrived');
  });

  it('lets another feature render its own entry kind and decorate entries', () => {
    transcript.registerRenderer('fixResult', (e) => {
      const el = document.createElement('div');
      el.className = 'fix-result';
      el.textContent = (e as any).text;
      return el;
    });
    transcript.addDecorator((el, e) => e.role === 'user' && el.append(Object.assign(document.createElement('button'), { className: 'rewind' })));
    transcript.reset([{ role: 'user', id: 'u1', text: 'hi' }, { role: 'fixResult', id: 'f1', fixed: true, text: 'Fixed.', canContinue: false } as any]);
    assert.ok(root.querySelector('[data-id="u1"] button.rewind'));
    assert.equal(root.querySelector('[data-id="f1"].fix-result')?.textContent, 'Fixed.');
  });
});
