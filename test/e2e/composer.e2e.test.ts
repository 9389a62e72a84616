/**
 * End-to-end: the panel's input and sessions in the real workbench. `@` mentions picked from the
 * popup and expanded by the host, Up for the previous message, the mode switch mirrored by the
 * status bar, a saved session resumed from the sessions view, the agent finishing an answer while
 * the panel is hidden, and the conversation back after a window reload.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { transcriptsDir } from '../../src/core/memory/locations';
import { messageRecord, serializeRecord, sessionHeader } from '../../src/core/session/transcript';
import { plainMessages, reply } from '../fixtures/mockAnthropic';
import { openWorkbench, type Workbench } from './workbench';

const SEEDED = 'seeded-00000001';

/** A session from "yesterday", as the extension would have saved it. */
function seedSession(home: string, workspace: string): void {
  const dir = transcriptsDir(home, workspace);
  fs.mkdirSync(dir, { recursive: true });
  const at = new Date(Date.now() - 24 * 3600_000);
  const messages: MessageParam[] = [
    { role: 'user', content: 'How do we release this project?' },
    { role: 'assistant', content: [{ type: 'text', text: 'Tag the commit and push; CI publishes the package.' }] },
  ];
  fs.writeFileSync(path.join(dir, `${SEEDED}.jsonl`), [sessionHeader(SEEDED, workspace, 'claude-x', at), ...messages.map((m) => messageRecord(m, at))].map(serializeRecord).join(''));
}

const lastUserText = (wb: Workbench) => {
  const last = plainMessages(wb.mock.requests.at(-1)!.body.messages).at(-1);
  return typeof last.content === 'string' ? last.content : last.content.map((b: { text?: string }) => b.text ?? '').join('\n');
};

describe('the panel input and sessions end to end (Playwright)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ name: 'e2e-composer', seed: seedSession });
  });
  after(async () => wb?.close());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.shot(`e2e-composer-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}.png`).catch(() => undefined);
  });

  const chat = () => wb.chat;
  const reveal = async () => {
    await wb.page.locator('.activitybar').getByRole('tab', { name: /^Reverie/ }).click();
    wb.chat = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await chat().locator('#prompt').waitFor({ timeout: 30_000 });
  };

  it('"@" + part of a file name offers it; picked, it is sent as a mention the host expands with the file', async () => {
    const prompt = chat().locator('#prompt');
    await prompt.click();
    await prompt.pressSequentially('What does @mat');
    const list = chat().locator('#mention-list[role="listbox"]');
    await list.waitFor({ state: 'visible', timeout: 15_000 });
    const first = list.locator('[role="option"][aria-selected="true"]');
    await first.locator('.slash-name', { hasText: 'math.js' }).waitFor({ timeout: 15_000 });
    assert.equal(await prompt.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
    console.log(`      screenshot: ${await wb.shot('e2e-mentions.png')}`);
    await prompt.press('Enter'); // picks; does not send
    assert.equal(await prompt.inputValue(), 'What does @math.js ');
    await chat().locator('.mention-chip', { hasText: '@math.js' }).waitFor();
    await prompt.pressSequentially('do?');
    wb.mock.enqueue(reply('It adds two numbers, with a bug.'));
    await prompt.press('Enter');
    await chat().locator('.msg.assistant', { hasText: 'adds two numbers' }).waitFor({ timeout: 15_000 });
    const sent = lastUserText(wb);
    assert.match(sent, /What does @math\.js do\?/);
    assert.match(sent, /\[@math\.js\] Contents of math\.js:\n```js\n[\s\S]*function add/, 'the file content is attached');
    assert.equal((await chat().locator('.msg.user').last().innerText()).trim(), 'What does @math.js do?', 'the panel shows what was typed');
  });

  it('Up in the empty input recalls the previous message, Down goes back', async () => {
    const prompt = chat().locator('#prompt');
    await prompt.click();
    await prompt.press('ArrowUp');
    assert.equal(await prompt.inputValue(), 'What does @math.js do?');
    await prompt.press('ArrowDown');
    assert.equal(await prompt.inputValue(), '');
  });

  it('the mode switch in the panel and the status bar follow each other', async () => {
    await chat().locator('#mode-select').selectOption('plan');
    const status = wb.page.locator('.statusbar-item', { hasText: 'Reverie: Plan' });
    await status.waitFor({ timeout: 10_000 });
    await status.click();
    const row = wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Accept Edits' });
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await wb.page.locator('.statusbar-item', { hasText: 'Reverie: Accept Edits' }).waitFor({ timeout: 10_000 });
    await chat().locator('#mode-select[data-mode="acceptEdits"]').waitFor({ timeout: 10_000 });
    assert.equal(await chat().locator('#mode-select').inputValue(), 'acceptEdits');
    await chat().locator('#mode-select').selectOption('ask');
    await wb.page.locator('.statusbar-item', { hasText: 'Reverie: Ask' }).waitFor({ timeout: 10_000 });
    const models = await chat().locator('#model-select option').allInnerTexts();
    assert.ok(models.length >= 3 && models.some((m) => /claude-/.test(m)), models.join());
  });

  it('the agent keeps running while the panel is hidden: shown again, the answer is complete', async () => {
    const answer = 'A slow answer that keeps arriving. '.repeat(30) + 'THE END.';
    wb.mock.enqueue(reply(answer, { chunkSize: 10, delayMs: 40 })); // ~4 s
    await wb.send('answer slowly');
    await chat().locator('.msg.assistant.streaming').waitFor({ timeout: 15_000 });
    await wb.page.locator('.activitybar').getByRole('tab', { name: /^Explorer/ }).click();
    await wb.page.waitForTimeout(6_000);
    assert.equal(wb.mock.requests.at(-1)!.clientAborted, false, 'the stream was not cut when the panel went away');
    await reveal();
    const last = chat().locator('.msg.assistant').last();
    await last.locator('text=THE END.').waitFor({ timeout: 10_000 });
    assert.equal(await chat().locator('.msg.assistant.streaming').count(), 0);
    assert.ok(await chat().locator('#send:not([disabled])').isVisible(), 'not busy any more');
  });

  it('the sessions view lists and searches past sessions, and resumes one with its messages', async () => {
    await chat().locator('#sessions-toggle').click();
    const seeded = chat().locator(`#sessions .session[data-id="${SEEDED}"]`);
    await seeded.waitFor({ timeout: 15_000 });
    assert.match(await seeded.innerText(), /How do we release this project\?/);
    assert.ok(await chat().locator('#sessions .session.current').count() === 1, 'the conversation on screen is marked');
    console.log(`      screenshot: ${await wb.shot('e2e-sessions.png')}`);
    await chat().locator('#sessions-search').fill('CI publishes');
    await chat().locator('#sessions .session').first().waitFor();
    await wb.page.waitForTimeout(500);
    assert.deepEqual(await chat().locator('#sessions .session').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.id)), [SEEDED]);
    await seeded.locator('.session-open').click();
    await chat().locator('.msg.assistant', { hasText: 'CI publishes the package.' }).waitFor({ timeout: 15_000 });
    assert.equal(await chat().locator('.msg').count(), 2);
    assert.ok(await chat().locator('#sessions').isHidden());
    wb.mock.enqueue(reply('Bump the version first.'));
    await wb.send('Anything before tagging?');
    await chat().locator('.msg.assistant', { hasText: 'Bump the version first.' }).waitFor({ timeout: 15_000 });
    const history = plainMessages(wb.mock.requests.at(-1)!.body.messages);
    assert.equal(history.length, 3, 'the model got the resumed conversation');
    assert.match(JSON.stringify(history[1]), /CI publishes the package/);
  });

  it('after a window reload the panel shows the same conversation', async () => {
    await wb.page.reload();
    await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    wb.chat = wb.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const shown = await chat().locator('#prompt').waitFor({ timeout: 20_000 }).then(() => true, () => false);
    if (!shown) await reveal();
    await chat().locator('.msg.assistant', { hasText: 'Bump the version first.' }).waitFor({ timeout: 30_000 });
    await chat().locator('.msg.user', { hasText: 'How do we release this project?' }).waitFor();
    assert.equal(await chat().locator('.msg').count(), 4);
  });
});
