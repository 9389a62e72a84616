import * as assert from 'node:assert/strict';
import createDOMPurify from 'dompurify';
import type { TranscriptEntry } from '../../../src/shared/protocol';
import { createMarkdownRenderer } from '../../../webview-ui/markdown';
import { Transcript } from '../../../webview-ui/transcript';
import { XSS_FILE_NAMES, XSS_PAYLOADS } from '../../fixtures/xssPayloads';
import { FakeGeometry, installDom } from './domEnv';

const DANGEROUS_TAGS = 'script, iframe, frame, object, embed, form, input, textarea, style, link, meta, base, svg, math, template, noscript, video, audio, source, marquee, body, img[src^="javascript:" i], img[src^="data:" i]';
const URL_ATTRS = ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc', 'background', 'poster'];

/** Fails on anything in `root` that could run script: a tag, an on* attribute, a script URL, inline style. */
function assertInert(root: Element, what: string): void {
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
    if (el.tagName === 'BUTTON') assert.ok((el as HTMLElement).dataset.codeAction || (el as HTMLElement).dataset.action, `${what}: a button not made by the panel`);
  }
}

describe('XSS corpus through the panel (markdown, streaming, tool cards, notices)', () => {
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
  });
});
