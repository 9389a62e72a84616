/**
 * End-to-end: "Fix with Reverie" from the lightbulb to the verified result, and approvals answered
 * from the panel's cards. test/fixtures/fix-repo/total.js is a `// @ts-check` file with an error
 * VS Code's built-in TypeScript features report (`summ` is not defined); test.js fails until it is fixed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolResultsSent } from '../fixtures/fixScenario';
import { reply, type MockStep } from '../fixtures/mockAnthropic';
import { openWorkbench, type Workbench } from './workbench';

const calls = (...c: Array<[string, string, unknown]>): MockStep => ({
  kind: 'message',
  stopReason: 'tool_use',
  content: [{ type: 'text', text: 'Let me look.' }, ...c.map(([id, name, input]) => ({ type: 'tool_use' as const, id, name, input }))],
  chunkSize: 40,
});

describe('Fix with Reverie and approval cards (Playwright)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ name: 'e2e-fix', fixture: 'fix-repo', settings: { 'reverie.fix.testCommand': 'node test.js' } });
  });
  after(async () => wb?.close());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.shot(`e2e-fix-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}.png`).catch(() => undefined);
  });

  it('the lightbulb offers "Fix with Reverie"; the fix is a diff card, Accept applies it, and the panel says the error is gone and the tests pass', async () => {
    const { page, chat, mock } = wb;
    // Open total.js with Quick Open and wait for the TypeScript error under `summ`.
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
    await page.keyboard.press('Control+P');
    const quick = page.locator('.quick-input-widget input');
    await quick.waitFor({ timeout: 15_000 });
    await quick.fill('total.js');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'total.js' }).first().waitFor({ timeout: 15_000 });
    await quick.press('Enter');
    await page.locator('.editor-instance .view-lines', { hasText: 'return summ;' }).waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: 90_000 });

    // Put the cursor on the problem and open the quick fix menu.
    const squiggle = (await page.locator('.editor-instance .squiggly-error').first().boundingBox())!;
    await page.mouse.click(squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2);
    await page.locator('.statusbar', { hasText: 'Ln 6, Col' }).waitFor({ timeout: 10_000 });
    await page.keyboard.press('Control+.');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Fix with Reverie' });
    await item.waitFor({ timeout: 20_000 });
    assert.ok(await page.locator('.action-widget .monaco-list-row', { hasText: 'Explain with Reverie' }).count(), 'Explain is offered too');
    console.log(`      screenshot: ${await wb.shot('e2e-fix-lightbulb.png')}`);

    mock.enqueue(
      calls(['toolu_fix_read', 'read_file', { path: 'total.js' }]),
      calls(['toolu_fix_edit', 'edit_file', { path: 'total.js', old_string: 'return summ;', new_string: 'return sum;' }]),
      reply('The variable was misspelled: `summ` is now `sum`.', { chunkSize: 8 }),
    );
    const before = mock.requests.length;
    await item.click();

    // The proposed edit is a card in the panel, with the file and the compact diff.
    const card = chat.locator('.approval[data-kind="edit"]');
    await card.waitFor({ timeout: 30_000 });
    assert.match(await card.locator('.approval-path').innerText(), /^total\.js$/);
    assert.equal((await card.locator('.approval-counts').innerText()).trim(), '+1 −1');
    assert.equal((await card.locator('.diff-del').innerText()).trim(), '-   return summ;');
    assert.equal((await card.locator('.diff-add').innerText()).trim(), '+   return sum;');
    console.log(`      screenshot: ${await wb.shot('e2e-approval-card.png')}`);
    await card.locator('button[data-decision="allow"]').click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });

    // The answer streams; then the check runs the configured test command, which asks first.
    await chat.locator('.msg.assistant', { hasText: 'is now' }).waitFor({ timeout: 30_000 });
    const testCard = chat.locator('.approval[data-kind="command"]');
    await testCard.waitFor({ timeout: 60_000 });
    assert.equal((await testCard.locator('.approval-command').innerText()).trim(), 'node test.js');
    await testCard.locator('button[data-decision="allow"]').click();

    const result = chat.locator('.fix-result');
    await result.waitFor({ timeout: 60_000 });
    assert.equal(await result.getAttribute('data-fixed'), 'true');
    assert.equal((await result.locator('.fix-text').innerText()).trim(), 'Fixed: the error at total.js:6 is gone; node test.js passed.');
    assert.equal(await result.locator('button').count(), 0, 'nothing to continue');
    assert.match(fs.readFileSync(path.join(wb.workspace, 'total.js'), 'utf8'), /return sum;/);

    // What the model was asked: the diagnostic and the numbered code around it.
    const first = JSON.stringify(mock.requests[before].body.messages.at(-1));
    assert.match(first, /Fix this error in total\.js/);
    assert.match(first, /error \(ts 2552\) at total\.js:6:10: Cannot find name 'summ'/);
    assert.match(first, />  6 \| {3}return summ;/);
    assert.match(first, /<system-reminder>\\n# Memory/, 'memory comes in as usual');
    assert.match(await chat.locator('.msg.user').last().innerText(), /^Fix: Cannot find name 'summ'/);
    console.log(`      screenshot: ${await wb.shot('e2e-fix-verified.png')}`);
  });

  it('Deny on a command card, with a reason, reaches the model and the command does not run', async () => {
    const { chat, mock } = wb;
    mock.enqueue(
      calls(['toolu_rm', 'run_command', { command: 'node -e "require(\'fs\').writeFileSync(\'ran.txt\', \'x\')"', description: 'Write a file' }]),
      reply('Understood, I will not run it.'),
    );
    await wb.send('Write ran.txt with a command.');
    const card = chat.locator('.approval[data-kind="command"]');
    await card.waitFor({ timeout: 30_000 });
    assert.match(await card.locator('.approval-command').innerText(), /writeFileSync\('ran\.txt'/);
    assert.equal((await card.locator('.approval-cwd').innerText()).trim(), `in ${wb.workspace}`);
    assert.deepEqual(await card.locator('button').allInnerTexts(), ['Allow once', 'Always allow', 'Deny']);
    await card.locator('.approval-reason').fill('not on this machine');
    await card.locator('button[data-decision="deny"]').click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await chat.locator('.msg.assistant', { hasText: 'I will not run it' }).waitFor({ timeout: 30_000 });
    const sent = toolResultsSent(mock.requests).get('toolu_rm')!;
    assert.equal(sent.is_error, true);
    assert.match(sent.content, /The user denied this: not on this machine/);
    assert.ok(!fs.existsSync(path.join(wb.workspace, 'ran.txt')), 'the command did not run');
  });
});
