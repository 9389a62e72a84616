/**
 * End-to-end: the XSS corpus (test/fixtures/xssPayloads.ts) reaches the real panel in VS Code as
 * streamed model output, as the content of a file the agent reads, and as file names on tool
 * cards. Every payload, if it ran, would bump `window.__xss` or set the title to "XSS"; the test
 * looks in the panel's own frame (and the workbench page) that none did, and that no
 * script-capable element made it into the transcript.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { reply, toolCall } from '../fixtures/mockAnthropic';
import { XSS_FILE_NAMES, XSS_PAYLOADS } from '../fixtures/xssPayloads';
import { openWorkbench, type Workbench } from './workbench';

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
      },
    });
    frame = (await (await wb.chat.locator('body').elementHandle())!.ownerFrame())!;
  });

  after(async () => {
    await wb?.close();
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
  });

  const mock = () => wb.mock;
});
