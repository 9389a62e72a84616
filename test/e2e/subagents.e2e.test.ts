/**
 * End-to-end: the subagent card in the real panel. The mock scripts a `task` call (agent
 * 'explore'); the subagent (told apart by its system prompt) lists the files once, then answers.
 * The card under the task call shows the tool call, the tokens against the budget, and "completed".
 */
import * as assert from 'node:assert/strict';
import { reply, systemText, toolCall, type MockStep } from '../fixtures/mockAnthropic';
import { openWorkbench, type Workbench } from './workbench';

const SUBAGENT_MARK = 'You are a subagent';
const toolResults = (body: any): number =>
  (body.messages ?? []).filter((m: any) => m.role === 'user' && Array.isArray(m.content) && m.content.some((b: any) => b.type === 'tool_result')).length;

/** The parent starts one explore task; the subagent makes one tool call, then answers. */
function route(body: any): MockStep {
  if (systemText(body).includes(SUBAGENT_MARK)) {
    return toolResults(body) === 0
      ? toolCall('list_files', { path: '.', depth: 1 }, { id: 'toolu_sub_list' })
      : reply('The project has math.js and test.js.');
  }
  return toolResults(body) === 0
    ? toolCall('task', { agent: 'explore', description: 'Find the project files', prompt: 'List the files at the top of the project and report them.' }, { id: 'toolu_task' })
    : reply('The explorer found math.js and test.js.');
}

describe('subagent card (Playwright, real VS Code)', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    wb = await openWorkbench({ name: 'e2e-subagents', mockOptions: { fallback: route } });
  });
  after(async () => wb?.close());
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.shot(`e2e-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => undefined);
  });

  it('shows the task\'s subagent with its tool call, its tokens and "completed"', async () => {
    await wb.send('What files does this project have? Use an explorer.');
    await wb.chat.locator('.msg.assistant', { hasText: 'The explorer found math.js and test.js.' }).waitFor({ timeout: 60_000 });
    const card = wb.chat.locator('.subagent');
    assert.equal(await card.count(), 1);
    assert.equal(await card.getAttribute('data-tool-use'), 'toolu_task');
    assert.equal((await card.locator('.subagent-agent').innerText()).trim(), 'explore');
    assert.match(await card.locator('.subagent-description').innerText(), /Find the project files/);
    const call = card.locator('.subagent-call');
    assert.equal(await call.count(), 1);
    assert.equal((await call.locator('.tool-name').innerText()).trim(), 'list_files');
    assert.equal((await call.locator('.tool-summary').innerText()).trim(), '.');
    assert.equal(await call.getAttribute('data-status'), 'done');
    // Two subagent responses: its tokens are what the mock reported for them, against the 200k default budget.
    const subRequests = wb.mock.requests.filter((r) => systemText(r.body).includes(SUBAGENT_MARK));
    assert.equal(subRequests.length, 2);
    const usage = await card.locator('.subagent-usage').innerText();
    assert.match(usage, /^[1-9][\d.]*k? \/ 200k tokens · 2 \/ 25 turns$/);
    assert.equal((await card.locator('.subagent-state').innerText()).trim(), 'completed');
    assert.equal(await card.locator('.subagent-stop').count(), 0, 'no Stop once it has ended');
    console.log(`      screenshot: ${await wb.shot('e2e-subagent-card.png')}`);
  });
});
