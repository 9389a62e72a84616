/**
 * End-to-end: plan mode in the real VS Code. The agent (the mock) hands its plan over with
 * exit_plan_mode; the plan opens as a markdown document and the panel shows "Plan ready". The user
 * adds a step in the editor (unsaved) and approves in "Accept edits": the mode switches and the
 * agent gets the plan as edited.
 */
import * as assert from 'node:assert/strict';
import { reply, toolCall, type MockStep } from '../fixtures/mockAnthropic';
import { openWorkbench, type Workbench } from './workbench';

const PLAN = '# Plan\n\n1. Read math.js.\n2. Fix add().\n3. Run node test.js.';
const ADDED = '4. Say what changed.';
const APPROVED = 'The user approved this plan';
const toolResults = (body: any): number =>
  (body.messages ?? []).filter((m: any) => m.role === 'user' && Array.isArray(m.content) && m.content.some((b: any) => b.type === 'tool_result')).length;

function route(body: any): MockStep {
  if (JSON.stringify(body.messages).includes(APPROVED)) return reply('Executing the approved plan.');
  return toolResults(body) === 0 ? toolCall('exit_plan_mode', { plan: PLAN }, { id: 'toolu_plan' }) : reply('The plan is ready for your review.');
}

describe('plan mode: the plan document and Approve (Playwright, real VS Code)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ name: 'e2e-plan', settings: { 'reverie.permissions.defaultMode': 'plan' }, mockOptions: { fallback: route } });
  });
  after(async () => wb?.close());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.shot(`e2e-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => undefined);
  });

  it('opens the plan in an editor; Approve reads the edited text and switches the mode', async () => {
    const { page, chat } = wb;
    await page.locator('.statusbar-item', { hasText: 'Reverie: Plan' }).first().waitFor({ timeout: 15_000 });
    await wb.send('Plan how to fix the failing test.');
    const card = chat.locator('.plan-card');
    await card.locator('.plan-title', { hasText: 'Plan ready' }).waitFor({ timeout: 60_000 });
    await chat.locator('.msg.assistant', { hasText: 'The plan is ready for your review.' }).waitFor({ timeout: 30_000 });
    assert.match(await card.locator('.plan-path').innerText(), /plan-1\.md/);

    // The document is open in an editor with the agent's plan; the user adds a step (not saved).
    await page.locator('.tabs-container .tab', { hasText: 'plan-1.md' }).waitFor({ timeout: 15_000 });
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'Fix add()' }).waitFor({ timeout: 15_000 });
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type(ADDED);
    await page.keyboard.press('Escape');
    await editor.locator('.view-lines', { hasText: 'Say what changed' }).waitFor({ timeout: 10_000 });
    console.log(`      screenshot: ${await wb.shot('e2e-plan.png')}`);

    await card.locator('select.plan-mode').selectOption('acceptEdits');
    const before = wb.mock.requests.length;
    await card.getByRole('button', { name: 'Approve' }).click();
    await page.locator('.statusbar-item', { hasText: 'Reverie: Accept Edits' }).first().waitFor({ timeout: 15_000 });
    await chat.locator('.msg.assistant', { hasText: 'Executing the approved plan.' }).waitFor({ timeout: 30_000 });
    await chat.locator('.plan-card .plan-title', { hasText: 'Plan approved (Accept edits)' }).waitFor({ timeout: 10_000 });
    assert.equal(wb.mock.requests.length, before + 1);
    const sent = JSON.stringify(wb.mock.requests.at(-1)!.body.messages);
    assert.ok(sent.includes(`${APPROVED} (edited)`), 'the agent is told the plan was edited');
    assert.ok(sent.includes('3. Run node test.js.') && sent.includes(ADDED), 'the plan as the user left it, unsaved edit included');
  });
});
