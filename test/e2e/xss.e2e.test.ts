/**
 * End-to-end: the XSS corpus (test/fixtures/xssPayloads.ts) reaches the real panel in VS Code as
 * streamed model output, as the content of a file the agent reads, as file names on tool cards,
 * and as memory file names: a workspace memory folder (.reverie/memory) seeded with a topic file
 * per payload, which the panel shows in the `@` popup and its chips, on the cards of list_files,
 * glob, grep and read_file over that folder, in MEMORY.md's links, and on a `/remember` write
 * with its "Saved 1 memory" notice. Every payload, if it ran, would bump `window.__xss` or set the
 * title to "XSS"; the test looks in the panel's own frame (and the workbench page) that none did,
 * that no script-capable element made it into the panel, and that the names are shown as text.
 * Ends with one line: payloads x channels tried.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { reply, toolCall, type MockStep } from '../fixtures/mockAnthropic';
import { XSS_FILE_NAMES, XSS_MEMORY_NAMES, XSS_PAYLOADS, xssMemoryIndex, xssMemoryTopic } from '../fixtures/xssPayloads';
import { mentionToken } from '../../webview-ui/mentions';
import { openWorkbench, type Workbench } from './workbench';

const MEMORY = '.reverie/memory';
/** The name `/remember` writes: a new topic file, itself a payload. */
const REMEMBERED = `new ${[...XSS_MEMORY_NAMES].sort((a, b) => a.length - b.length)[0]}`;
/** Distinct payloads tried per channel, for the closing count line. */
const tried = new Map<string, Set<string>>();
const tally = (channel: string, payloads: readonly string[]) => {
  const set = tried.get(channel) ?? new Set<string>();
  payloads.forEach((p) => set.add(p));
  tried.set(channel, set);
};

const LIVE = 'script, iframe, object, embed, form, svg, math, style, link, meta, base, [onerror], [onload], [onclick], [onmouseover], [onfocus], [ontoggle], [onbegin], [style], a[href^="javascript:" i], a[href^="data:" i]';

describe('XSS corpus in the panel (Playwright, real VS Code)', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let frame: Frame;

  before(async () => {
    wb = await openWorkbench({
      name: 'e2e-xss',
      seed: (_home, workspace) => {
        fs.writeFileSync(path.join(workspace, 'xss-notes.md'), XSS_PAYLOADS.join('\n\n'));
        const dir = path.join(workspace, 'names');
        fs.mkdirSync(dir, { recursive: true });
        for (const name of XSS_FILE_NAMES) fs.writeFileSync(path.join(dir, name), 'x');
        const memory = path.join(workspace, MEMORY);
        fs.mkdirSync(memory, { recursive: true });
        fs.writeFileSync(path.join(memory, 'MEMORY.md'), xssMemoryIndex(XSS_MEMORY_NAMES));
        for (const name of XSS_MEMORY_NAMES) fs.writeFileSync(path.join(memory, name), xssMemoryTopic(name));
      },
      // Memory in the workspace (so the @ popup lists it); no background notes calls to take scripted replies.
      settings: { 'reverie.memory.location': 'workspace', 'reverie.compaction.sessionNotes': false },
    });
    frame = (await (await wb.chat.locator('body').elementHandle())!.ownerFrame())!;
  });

  after(async () => {
    await wb?.close();
    const parts = [...tried].map(([c, set]) => `${c} ${set.size}`);
    const total = [...tried.values()].reduce((n, set) => n + set.size, 0);
    console.log(`      XSS (e2e, Playwright): ${parts.join(' + ')} = ${total} payload x channel tries`);
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.shot(`e2e-xss-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 40)}.png`).catch(() => undefined);
  });

  const fired = async () => ({
    panel: await frame.evaluate(() => ({ xss: (window as any).__xss, title: document.title })),
    page: await wb.page.evaluate(() => ({ xss: (window as any).__xss, title: document.title })),
  });

  it('streams the corpus as model output: rendered, none executes', async () => {
    mock().enqueue(reply(XSS_PAYLOADS.join('\n\n') + '\n\nEnd of corpus.', { chunkSize: 40, delayMs: 5 }));
    await wb.send('Show me the payloads');
    await wb.chat.locator('.msg.assistant:not(.streaming)', { hasText: 'End of corpus.' }).waitFor({ timeout: 60_000 });
    const answer = wb.chat.locator('.msg.assistant').last();
    assert.equal(await answer.locator(LIVE).count(), 0, 'no script-capable element or attribute in the answer');
    assert.ok(await answer.locator('pre.code-block .code-toolbar button').count() >= 3, 'the code blocks still have their toolbars');
    assert.match(await answer.innerText(), /<script>window\.__xss/, 'script tags are shown as text');
    const f = await fired();
    assert.equal(f.panel.xss, undefined);
    assert.notEqual(f.panel.title, 'XSS');
    assert.equal(f.page.xss, undefined);
    assert.notEqual(f.page.title, 'XSS');
    tally('model output', XSS_PAYLOADS);
  });

  it('tool output and file names on tool cards stay text', async () => {
    mock().enqueue(
      toolCall('read_file', { path: 'xss-notes.md' }),
      toolCall('read_file', { path: XSS_FILE_NAMES[0] }),
      toolCall('list_files', { path: 'names' }),
      toolCall('read_file', { path: `names/${XSS_FILE_NAMES[1]}` }),
      reply('Read them all.'),
    );
    await wb.send('Read the notes and list the names');
    await wb.chat.locator('.msg.assistant', { hasText: 'Read them all.' }).waitFor({ timeout: 60_000 });
    const cards = wb.chat.locator('.tool');
    assert.ok(await cards.count() >= 4, `${await cards.count()} tool cards`);
    // Open every card so its output is laid out too.
    await frame.evaluate(() => document.querySelectorAll<HTMLDetailsElement>('.tool details').forEach((d) => (d.open = true)));
    assert.equal(await wb.chat.locator('#transcript').locator(LIVE).count(), 0, 'nothing live anywhere in the transcript');
    const summaries = await wb.chat.locator('.tool .tool-summary').allInnerTexts();
    assert.ok(summaries.some((s) => s.includes(XSS_FILE_NAMES[1])), 'a file name with markup is shown as typed');
    const outputs = (await wb.chat.locator('.tool .tool-output').allInnerTexts()).join('\n');
    assert.ok(outputs.includes('<svg onload='), 'the listing shows the names as text');
    console.log(`      screenshot: ${await wb.shot('e2e-xss.png')}`);
    const f = await fired();
    assert.equal(f.panel.xss, undefined);
    assert.notEqual(f.panel.title, 'XSS');
    assert.equal(f.page.xss, undefined);
    tally('tool output', XSS_PAYLOADS);
    tally('file names', XSS_FILE_NAMES);
  });

  /** No payload ran, in the panel's frame or the workbench. */
  const assertNoneFired = async () => {
    const f = await fired();
    assert.equal(f.panel.xss, undefined, 'a payload ran in the panel');
    assert.notEqual(f.panel.title, 'XSS');
    assert.equal(f.page.xss, undefined, 'a payload ran in the workbench');
    assert.notEqual(f.page.title, 'XSS');
  };

  /**
   * Scrolls the whole transcript (it mounts only what is near the viewport), checking at each
   * step that nothing live is mounted; returns every tool card's summary and output seen.
   */
  const scanTranscript = () => frame.evaluate(async (live) => {
    const summaries = new Set<string>();
    const outputs = new Set<string>();
    let liveSeen = 0;
    const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const s = document.scrollingElement ?? document.documentElement;
    s.scrollTop = 0;
    await frames();
    for (let guard = 0; guard < 400; guard++) {
      document.querySelectorAll<HTMLDetailsElement>('.tool details').forEach((d) => (d.open = true));
      await frames();
      liveSeen += document.querySelectorAll(`#transcript :is(${live})`).length;
      document.querySelectorAll('.tool .tool-summary').forEach((e) => summaries.add(e.textContent ?? ''));
      document.querySelectorAll('.tool .tool-output').forEach((e) => outputs.add(e.textContent ?? ''));
      if (s.scrollTop + s.clientHeight >= s.scrollHeight - 2) break;
      s.scrollTop += Math.max(100, s.clientHeight * 0.7);
      await frames();
    }
    s.scrollTop = s.scrollHeight;
    return { summaries: [...summaries], outputs: [...outputs].join('\n'), liveSeen };
  }, LIVE);

  it('memory file names in the @ popup and its chips stay text', async () => {
    const prompt = wb.chat.locator('#prompt');
    await prompt.click();
    await prompt.fill('');
    await prompt.pressSequentially('Look at @memory');
    const list = wb.chat.locator('#mention-list[role="listbox"]');
    await list.waitFor({ state: 'visible', timeout: 15_000 });
    await list.locator('.slash-name', { hasText: `${MEMORY}/` }).first().waitFor({ timeout: 15_000 });
    const labels = await list.locator('.slash-name').allTextContents();
    const known = new Set(XSS_MEMORY_NAMES.map((n) => `${MEMORY}/${n}`));
    const shown = labels.filter((l) => known.has(l));
    assert.ok(shown.length >= 20, `${shown.length} memory files listed, shown as typed: ${labels.slice(0, 5).join(' | ')}`);
    assert.equal(await list.locator(LIVE).count(), 0, 'nothing live in the popup');
    console.log(`      screenshot: ${await wb.shot('e2e-xss-mentions.png')}`);
    await assertNoneFired();
    tally('memory file names', shown.map((l) => l.slice(MEMORY.length + 1)));

    // Pick one whose name is an <img onerror>: it goes into the input as a quoted mention, and a chip.
    await prompt.fill('');
    await prompt.pressSequentially('Look at @oNeRrOr');
    const first = list.locator('[role="option"][aria-selected="true"] .slash-name');
    await first.waitFor({ timeout: 15_000 });
    const picked = (await first.textContent()) ?? '';
    assert.ok(known.has(picked), `the first match is a memory file: ${picked}`);
    await prompt.press('Enter'); // picks; does not send
    await wb.chat.locator('.mention-chip').first().waitFor();
    assert.equal((await wb.chat.locator('.mention-chip > span').first().textContent()), mentionToken(picked), 'the chip shows the name as text');
    assert.equal(await wb.chat.locator('.mention-chip').locator(LIVE).count(), 0, 'nothing live in the chips');
    wb.mock.enqueue(reply('Looked at the memory file.'));
    await prompt.press('Enter');
    await wb.chat.locator('.msg.assistant', { hasText: 'Looked at the memory file.' }).waitFor({ timeout: 60_000 });
    assert.ok((await wb.chat.locator('.msg.user').last().innerText()).includes(mentionToken(picked)), 'the sent message shows the mention as typed');
    await assertNoneFired();
  });

  it('memory file names on list_files, glob, grep and read_file cards, MEMORY.md, and a /remember write stay text', async () => {
    const reads: MockStep = {
      kind: 'message', stopReason: 'tool_use',
      content: XSS_MEMORY_NAMES.map((n, i) => ({ type: 'tool_use' as const, id: `toolu_mem_${i}`, name: 'read_file', input: { path: `${MEMORY}/${n}` } })),
    };
    wb.mock.enqueue(
      toolCall('list_files', { path: MEMORY }),
      toolCall('glob', { pattern: '*.md', path: MEMORY }),
      toolCall('grep', { pattern: 'markup', path: MEMORY }),
      toolCall('read_file', { path: `${MEMORY}/MEMORY.md` }),
      reads,
      reply('Read the whole memory.'),
    );
    await wb.send('Read your memory');
    await wb.chat.locator('.msg.assistant', { hasText: 'Read the whole memory.' }).waitFor({ timeout: 90_000 });

    wb.mock.enqueue(
      toolCall('write_file', { path: `${MEMORY}/${REMEMBERED}`, content: xssMemoryTopic(REMEMBERED) }),
      reply('Remembered.'),
    );
    await wb.send(`/remember the notes file is called ${REMEMBERED}`);
    await wb.chat.locator('.notice', { hasText: 'Saved 1 memory' }).waitFor({ timeout: 60_000 });
    assert.ok(fs.existsSync(path.join(wb.workspace, MEMORY, REMEMBERED)), 'the memory was written under its payload name');

    const seen = await scanTranscript();
    assert.equal(seen.liveSeen, 0, 'nothing live anywhere in the transcript, top to bottom');
    const clip = (s: string) => s.slice(0, 200);
    const onCards = XSS_MEMORY_NAMES.filter((n) => seen.summaries.includes(clip(`${MEMORY}/${n}`)));
    assert.equal(onCards.length, XSS_MEMORY_NAMES.length, `every memory file's read_file card shows its path as typed (${onCards.length} of ${seen.summaries.length} cards)`);
    assert.ok(seen.summaries.includes(clip(`${MEMORY}/${REMEMBERED}`)), 'the /remember write card shows the name as typed');
    const listed = XSS_MEMORY_NAMES.filter((n) => seen.outputs.includes(n));
    assert.equal(listed.length, XSS_MEMORY_NAMES.length, 'each name is shown as text in some card output (listing, glob, grep, MEMORY.md, its own file)');
    console.log(`      screenshot: ${await wb.shot('e2e-xss-memory.png')}`);
    await assertNoneFired();
    tally('memory file names', XSS_MEMORY_NAMES);
  });

  const mock = () => wb.mock;
});
