/**
 * Proves: no payload of the XSS corpus (test/fixtures/xssPayloads.ts) becomes script-capable
 * markup in the chat panel's DOM, whatever channel brings it: model output (answers, thinking,
 * compaction summaries, streamed pieces), tool output, file names on tool cards, and memory file
 * names (tool cards and listings of the memory folder, MEMORY.md's links, notices, the `@` popup
 * and its chips). Ends with one line: payloads x channels tried.
 */
import * as assert from 'node:assert/strict';
import createDOMPurify from 'dompurify';
import type { TranscriptEntry } from '../../../src/shared/protocol';
import { createMarkdownRenderer } from '../../../webview-ui/markdown';
import { MentionCompletion, mentionToken } from '../../../webview-ui/mentions';
import { Transcript } from '../../../webview-ui/transcript';
import { XSS_FILE_NAMES, XSS_MEMORY_NAMES, XSS_PAYLOADS, xssMemoryIndex, xssMemoryTopic } from '../../fixtures/xssPayloads';
import { FakeGeometry, installDom } from './domEnv';

const DANGEROUS_TAGS = 'script, iframe, frame, object, embed, form, input, textarea, style, link, meta, base, svg, math, template, noscript, video, audio, source, marquee, body, img[src^="javascript:" i], img[src^="data:" i]';
const URL_ATTRS = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc', 'background', 'poster'];

/** Fails on anything in `root` that could run script: a tag, an on* attribute, a script URL, inline style. */
function assertInert(root: Element, what: string, chipButtons = false): void {
  const bad = root.querySelector(DANGEROUS_TAGS);
  assert.equal(bad, null, `${what}: a <${bad?.tagName.toLowerCase()}> survived`);
  for (const el of root.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      assert.ok(!/^on/i.test(attr.name), `${what}: <${el.tagName.toLowerCase()} ${attr.name}> survived`);
      assert.notEqual(attr.name, 'style', `${what}: a style attribute survived`);
      if (URL_ATTRS.includes(attr.name.toLowerCase())) {
        assert.match(attr.value.trim(), /^(https?:|mailto:|#|[^:]*$)/i, `${what}: ${attr.name}="${attr.value}"`);
      }
    }
    const own = (el as HTMLElement).dataset.codeAction || (el as HTMLElement).dataset.action || (chipButtons && el.className === 'chip-remove' && el.textContent === '×');
    if (el.tagName === 'BUTTON') assert.ok(own, `${what}: a button not made by the panel`);
  }
}

/** Payloads tried per channel (each distinct payload counted once per channel). */
const tried = new Map<string, Set<string>>();
const tally = (channel: string, payloads: readonly string[]) => {
  const set = tried.get(channel) ?? new Set<string>();
  payloads.forEach((p) => set.add(p));
  tried.set(channel, set);
};

describe('XSS corpus through the panel (markdown, streaming, tool cards, notices)', () => {
  after(() => {
    const parts = [...tried].map(([c, s]) => `${c} ${s.size}`);
    const total = [...tried.values()].reduce((n, s) => n + s.size, 0);
    console.log(`      XSS (unit, jsdom): ${parts.join(' + ')} = ${total} payload x channel tries`);
  });
  let env: ReturnType<typeof installDom>;
  let root: HTMLElement;
  let transcript: Transcript;

  beforeEach(() => {
    env = installDom();
    root = document.getElementById('transcript')!;
    // A tall viewport: every entry is mounted, so every one is checked.
    transcript = new Transcript(root, createMarkdownRenderer(createDOMPurify(env.window as any)), () => undefined, { geometry: new FakeGeometry(root, 1e7, 10, 40) });
  });
  afterEach(() => {
    transcript.view.dispose();
    env.restore();
  });

  it('the checker itself catches live markup (so a pass means something)', () => {
    for (const html of ['<img src=x onerror="x()">', '<a href="javascript:x()">a</a>', '<svg></svg>', '<p style="x:y">p</p>', '<button>b</button>']) {
      const div = document.createElement('div');
      div.innerHTML = html;
      assert.throws(() => assertInert(div, html), assert.AssertionError, html);
    }
  });

  it('has at least 50 payloads', () => {
    assert.ok(XSS_PAYLOADS.length >= 50, `${XSS_PAYLOADS.length}`);
  });

  it('no payload survives as script-capable markup in a finished answer, its thinking, or a compaction summary', () => {
    const entries: TranscriptEntry[] = XSS_PAYLOADS.flatMap((p, i): TranscriptEntry[] => [
      { role: 'assistant', id: `a${i}`, text: `Here:\n\n${p}\n\nand inline ${p} too.`, status: 'done', thinking: p },
      { role: 'compaction', id: `c${i}`, trigger: 'auto', summarisedMessages: 1, keptMessages: 1, tokensBefore: 10, tokensAfter: 5, fromNotes: false, summary: p },
    ]);
    transcript.reset(entries);
    assert.equal(root.querySelectorAll('.msg.assistant').length, XSS_PAYLOADS.length, 'all mounted');
    for (const [i, p] of XSS_PAYLOADS.entries()) assertInert(root.querySelector(`[data-id="a${i}"]`)!, `answer ${JSON.stringify(p)}`);
    assertInert(root, 'the whole transcript');
    tally('model output', XSS_PAYLOADS);
  });

  it('no payload survives when streamed in small pieces (each frame re-renders the open block)', () => {
    transcript.startTurn('t');
    let seq = 0;
    const text = XSS_PAYLOADS.join('\n\n');
    for (let i = 0; i < text.length; i += 5) {
      transcript.appendDelta('t', 'a', seq++, text.slice(i, i + 5));
      if (seq % 40 === 0) {
        env.frames();
        assertInert(root, `streamed up to ${i}`);
      }
    }
    env.frames();
    transcript.endTurn('t', 'completed');
    assertInert(root, 'the streamed answer');
  });

  it('tool cards, file names, todo items, notices, errors and user text show payloads as text only', () => {
    const all = [...XSS_PAYLOADS, ...XSS_FILE_NAMES];
    const entries: TranscriptEntry[] = all.flatMap((p, i): TranscriptEntry[] => [
      { role: 'tool', id: `t${i}`, name: 'read_file', summary: p, status: 'done', output: p },
      { role: 'tool', id: `e${i}`, name: p, summary: `src/${p}`, status: 'error', output: `Error: ${p}` },
      { role: 'tool', id: `d${i}`, name: 'todo_write', summary: '', status: 'done', output: '', todos: [{ content: p, status: 'in_progress' }] },
      { role: 'notice', id: `n${i}`, text: `Saved ${p}` },
      { role: 'error', id: `x${i}`, reason: 'internal', message: p },
      { role: 'user', id: `u${i}`, text: p },
    ]);
    transcript.reset(entries);
    assertInert(root, 'cards and notices');
    // Shown as typed: the card carries the exact text.
    assert.equal(root.querySelector('[data-id="t0"] .tool-summary')!.textContent, all[0]);
    assert.equal(root.querySelector('[data-id="t0"] .tool-output')!.textContent, all[0]);
    tally('tool output', all);
    tally('file names', all);
  });

  it('memory file names: tool cards, the folder listing, MEMORY.md, notices, the @ popup and chips show them as text only', () => {
    const names = XSS_MEMORY_NAMES;
    assert.ok(names.length >= 50, `${names.length} memory file names`);
    const dir = '.reverie/memory';
    const entries: TranscriptEntry[] = [
      { role: 'tool', id: 'ls', name: 'list_files', summary: dir, status: 'done', output: `${dir}/\n${names.map((n) => `  ${n}`).join('\n')}` },
      { role: 'tool', id: 'idx', name: 'read_file', summary: `${dir}/MEMORY.md`, status: 'done', output: xssMemoryIndex(names) },
      ...names.flatMap((n, i): TranscriptEntry[] => [
        { role: 'tool', id: `r${i}`, name: 'read_file', summary: `${dir}/${n}`, status: 'done', output: xssMemoryTopic(n) },
        { role: 'tool', id: `w${i}`, name: 'write_file', summary: `~/.reverie/memory/${n}`, status: 'error', output: `Error: ${dir}/${n} is not valid` },
        { role: 'notice', id: `s${i}`, text: `Saved 1 memory (${n})` },
      ]),
    ];
    transcript.reset(entries);
    assertInert(root, 'memory cards and notices');
    names.forEach((n, i) => assert.equal(root.querySelector(`[data-id="r${i}"] .tool-summary`)!.textContent, `${dir}/${n}`, 'the name is shown as typed'));

    // The @ popup lists workspace files, memory files among them when memory lives in the workspace.
    const input = document.createElement('textarea');
    const list = document.createElement('div');
    const chips = document.createElement('div');
    document.body.append(list, input, chips);
    const sent: unknown[] = [];
    const g = globalThis as { Event?: unknown };
    const savedEvent = g.Event;
    g.Event = env.window.Event;
    try {
      const mentions = new MentionCompletion(input, list, chips, (m) => sent.push(m));
      for (let start = 0; start < names.length; start += 50) {
        input.value = '@memory';
        input.setSelectionRange(7, 7);
        input.dispatchEvent(new env.window.Event('input', { bubbles: true }));
        const batch = names.slice(start, start + 50);
        mentions.show(sent.length, batch.map((n) => ({ kind: 'file' as const, label: `${dir}/${n}`, insert: `${dir}/${n}`, detail: n })));
        assertInert(list, 'the @ popup');
        assert.deepEqual([...list.querySelectorAll('.slash-name')].map((e) => e.textContent), batch.map((n) => `${dir}/${n}`));
        const key = new env.window.KeyboardEvent('keydown', { key: 'Enter', cancelable: true });
        assert.equal(mentions.handleKey(key), true, 'Enter picks the first');
        assertInert(chips, 'the mention chips', true);
        assert.equal(chips.querySelector('.mention-chip > span')!.textContent, mentionToken(`${dir}/${batch[0]}`));
      }
    } finally {
      g.Event = savedEvent;
    }
    tally('memory file names', names);
  });
});
