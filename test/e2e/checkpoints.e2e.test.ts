/**
 * End to end: checkpoints, "Rewind code to here" (preview, apply, Undo Rewind) and "Fork
 * conversation from here", in the real workbench with the packaged .vsix and the mock server.
 * The agent edits math.js in turn 1 and creates NOTES.md in turn 2 (edits are accepted by mode).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { reply, toolCall } from '../fixtures/mockAnthropic';
import { transcriptsDir } from '../../src/core/memory/locations';
import { openWorkbench, type Workbench } from './workbench';

const TURN1 = 'fix the add function';
const TURN2 = 'add a notes file';

/** Waits until `check` holds (files on disk change a moment after the UI says so). */
async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Checkpoints, rewind and fork (Playwright)', function () {
  this.timeout(180_000);
  let wb: Workbench;
  let original: string;
  const file = (name: string) => path.join(wb.workspace, name);
  const text = (name: string) => (fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : undefined);

  before(async () => {
    wb = await openWorkbench({ name: 'e2e-checkpoints', settings: { 'reverie.permissions.defaultMode': 'acceptEdits' } });
    original = text('math.js')!;
  });
  after(async () => wb?.close());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb.shot(`e2e-checkpoints-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 50)}.png`).catch(() => undefined);
  });

  /** Opens the "⋯" menu of a user message with the keyboard and picks an action. */
  async function messageAction(message: string, mode: 'code' | 'fork' | 'both'): Promise<void> {
    const bubble = wb.chat.locator('.msg.user', { hasText: message });
    await bubble.hover();
    const button = bubble.locator('.msg-actions');
    assert.equal(await button.getAttribute('aria-haspopup'), 'menu');
    await button.click();
    const item = wb.chat.locator(`.msg-actions-menu [role="menuitem"][data-mode="${mode}"]`);
    await item.waitFor({ state: 'visible', timeout: 5_000 });
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    await item.click();
  }

  it('two turns: the agent edits math.js, then creates NOTES.md', async () => {
    wb.mock.enqueue(
      toolCall('read_file', { path: 'math.js' }, { id: 'toolu_read1' }),
      toolCall('edit_file', { path: 'math.js', old_string: 'return a - b;', new_string: 'return a + b;' }, { id: 'toolu_edit1' }),
      reply('Fixed: add now adds.'),
      toolCall('write_file', { path: 'NOTES.md', content: '# Notes\n\nadd() was subtracting.\n' }, { id: 'toolu_write2' }),
      reply('Wrote NOTES.md.'),
    );
    await wb.send(TURN1);
    await wb.chat.locator('.msg.assistant', { hasText: 'add now adds' }).waitFor({ timeout: 30_000 });
    await wb.chat.locator('#send:not([disabled])').waitFor();
    await wb.send(TURN2);
    await wb.chat.locator('.msg.assistant', { hasText: 'Wrote NOTES.md' }).waitFor({ timeout: 30_000 });
    await wb.chat.locator('#send:not([disabled])').waitFor();
    assert.match(text('math.js')!, /return a \+ b;/);
    assert.match(text('NOTES.md')!, /subtracting/);
  });

  it('"Rewind code to here" on turn 1 previews the files, then restores both on disk; Undo Rewind brings them back', async () => {
    await messageAction(TURN1, 'code');
    const picker = wb.page.locator('.quick-input-widget');
    await picker.waitFor({ state: 'visible', timeout: 15_000 });
    const rows = picker.locator('.monaco-list-row');
    await rows.filter({ hasText: 'NOTES.md' }).waitFor({ timeout: 10_000 });
    assert.match(await rows.filter({ hasText: 'math.js' }).innerText(), /restored to its earlier content/);
    assert.match(await rows.filter({ hasText: 'NOTES.md' }).innerText(), /deleted: it did not exist then/);
    await wb.shot('e2e-rewind-preview.png');
    await rows.filter({ hasText: 'Rewind 2 files' }).click();

    await eventually(() => text('math.js') === original && text('NOTES.md') === undefined, 'math.js restored and NOTES.md deleted');
    await wb.chat.locator('.notice', { hasText: `Rewound 2 files to before '${TURN1}'` }).waitFor({ timeout: 10_000 });
    const undo = wb.page.locator('.notifications-toasts .monaco-button', { hasText: 'Undo Rewind' });
    await undo.waitFor({ timeout: 10_000 });
    await wb.page.waitForTimeout(600); // the toast slides in
    console.log(`      screenshot: ${await wb.shot('e2e-rewind.png')}`);

    await undo.click();
    await eventually(() => /return a \+ b;/.test(text('math.js') ?? '') && /subtracting/.test(text('NOTES.md') ?? ''), 'the rewind undone');
  });

  it('"Fork conversation from here" on turn 2 starts a new conversation holding only turn 1', async () => {
    const sessions = transcriptsDir(wb.home, wb.workspace);
    const before = fs.readdirSync(sessions).filter((f) => f.endsWith('.jsonl'));
    assert.equal(before.length, 1);
    await messageAction(TURN2, 'fork');
    await wb.chat.locator('.notice', { hasText: `Forked from before '${TURN2}'` }).waitFor({ timeout: 10_000 });
    assert.deepEqual(await wb.chat.locator('.msg.user').allInnerTexts().then((t) => t.map((s) => s.trim())), [TURN1]);
    assert.equal(await wb.chat.locator('.msg.assistant', { hasText: 'Wrote NOTES.md' }).count(), 0);
    assert.match(text('NOTES.md') ?? '', /subtracting/, 'a fork alone leaves the files as they are');

    wb.mock.enqueue(reply('Starting over from turn 1.'));
    const sent = wb.mock.requests.length;
    await wb.send('let us try another way');
    await wb.chat.locator('.msg.assistant', { hasText: 'Starting over' }).waitFor({ timeout: 30_000 });
    assert.equal(wb.mock.requests.length, sent + 1);
    const messages = JSON.stringify(wb.mock.requests.at(-1)!.body.messages);
    assert.match(messages, new RegExp(TURN1));
    assert.match(messages, /toolu_edit1/, 'turn 1 with its tool calls');
    assert.doesNotMatch(messages, new RegExp(TURN2));
    assert.doesNotMatch(messages, /toolu_write2/);
    assert.match(messages, /let us try another way/);
    // The old conversation keeps its transcript (it stays in the sessions list); the fork has its own.
    await eventually(() => fs.readdirSync(sessions).filter((f) => f.endsWith('.jsonl')).length === 2, 'two transcripts');
    assert.ok(fs.readdirSync(sessions).includes(before[0]));
    console.log(`      screenshot: ${await wb.shot('e2e-fork.png')}`);
  });
});
