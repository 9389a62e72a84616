/**
 * End-to-end, bad input (issue 10): VS Code with no folder open at all. Reverie activates, the
 * panel answers, and with no workspace every file is outside it: a read of a file in the home
 * folder is asked about on a card (never read silently), and denying it reaches the model.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { plainMessages, reply, toolCall } from '../fixtures/mockAnthropic';
import { openWorkbench, type Workbench } from './workbench';

const SECRET = 'HOME-NOTE-5f1e';

describe('Reverie with no folder open (Playwright, real VS Code)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({
      name: 'e2e-no-folder', noFolder: true,
      settings: { 'reverie.compaction.sessionNotes': false },
      seed: (home) => {
        fs.mkdirSync(home, { recursive: true });
        fs.writeFileSync(path.join(home, 'notes.txt'), `${SECRET}\n`);
      },
    });
  });
  after(async () => wb?.close());

  it('answers in an empty window', async () => {
    wb.mock.enqueue(reply('Hello from an empty window.'));
    await wb.send('Hello?');
    await wb.chat.locator('.msg.assistant', { hasText: 'Hello from an empty window.' }).waitFor({ timeout: 30_000 });
    const last = plainMessages(wb.mock.requests.at(-1)!.body.messages).at(-1)!;
    const blocks = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
    assert.deepEqual(blocks.at(-1), { type: 'text', text: 'Hello?' }, 'the prompt went out, after the memory and skills reminders');
    console.log(`      screenshot: ${await wb.shot('e2e-no-folder.png')}`);
  });

  it('a read with no workspace asks on a card; Deny keeps the file from the model', async () => {
    wb.mock.enqueue(toolCall('read_file', { path: '~/notes.txt' }, { id: 'toolu_home' }), reply('I will not read it then.'));
    await wb.send('Read my notes.');
    const card = wb.chat.locator('.approval');
    await card.waitFor({ timeout: 30_000 });
    assert.match(await card.innerText(), /notes\.txt/);
    await card.locator('button[data-decision="deny"]').click();
    await card.waitFor({ state: 'detached', timeout: 15_000 });
    await wb.chat.locator('.msg.assistant', { hasText: 'I will not read it then.' }).waitFor({ timeout: 30_000 });
    const sent = JSON.stringify(plainMessages(wb.mock.requests.at(-1)!.body.messages));
    assert.ok(!sent.includes(SECRET), 'the file content never reached the model');
    assert.match(sent, /denied/i);
  });
});
