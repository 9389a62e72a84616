/**
 * End-to-end: the packaged .vsix installed into a real VS Code (code-server), driven through its
 * UI with Playwright and Chromium, talking to the mock Anthropic server. What a user does: open
 * the Reverie panel, set a key in the password box, type, watch the answer stream in, press Stop.
 * Screenshots land in test-results/ as artifacts.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { FINAL_ANSWER, fixScenario, toolResultsSent } from '../fixtures/fixScenario';
import { MockAnthropicServer, overloadedUntilGivenUp, reply, requestKey } from '../fixtures/mockAnthropic';
import { projectMemoryDir } from '../../src/core/memory/locations';
import { launchBrowser, makeRunDir, repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';

/** A project memory as a user would have it after a few weeks: an index of 142 lines and two topics. */
function seedMemory(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const lines = ['- [Prefers tabs](prefers-tabs.md) — indentation style', '- [Release checklist](release.md) — where the steps live'];
  for (let i = lines.length; i < 142; i++) lines.push(`- note ${i + 1}: a short fact worth keeping`);
  fs.writeFileSync(path.join(dir, 'MEMORY.md'), lines.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'prefers-tabs.md'), '---\nname: Prefers tabs\ndescription: indentation style for this project\ntype: feedback\n---\nTabs, never spaces.\n');
  fs.writeFileSync(path.join(dir, 'release.md'), '---\nname: Release checklist\ndescription: where the release steps live\ntype: reference\n---\nSee docs/release.md.\n');
}

const KEY = 'sk-ant-e2e-not-a-real-key';
const artifacts = path.join(repoRoot, 'test-results');

describe('Reverie end to end in VS Code (Playwright)', function () {
  this.timeout(120_000);
  let mock: MockAnthropicServer;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let chat: FrameLocator;
  let workspace: string;

  const shot = async (name: string) => {
    fs.mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, name);
    await page.screenshot({ path: file });
    return file;
  };
  const answers = () => chat.locator('.msg.assistant');
  const send = async (text: string) => {
    await chat.locator('#prompt').fill(text);
    await chat.locator('#prompt').press('Enter');
  };

  before(async () => {
    const vsix = process.env.REVERIE_VSIX ?? path.join(repoRoot, 'reverie.vsix');
    assert.ok(fs.existsSync(vsix), `${vsix} not found: run "npm run package" first`);
    mock = await MockAnthropicServer.start({ apiKeys: [KEY] });
    const run = makeRunDir('e2e', 'buggy-repo');
    const dir = run.dir;
    workspace = run.workspace;
    seedMemory(projectMemoryDir({ home: path.join(dir, 'home'), workspaceRoot: workspace, location: 'private' }));
    // Commands run as child processes here: in a headless browser the workbench page that parses
    // terminal output can be throttled, and VS Code then reports a command's end late. The terminal
    // path is covered by the integration suite.
    server = await startCodeServer({ runDir: dir, vsix, settings: { 'reverie.baseUrl': mock.url, 'reverie.commands.runIn': 'process' } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // The panel's own warnings (e.g. "Reverie: ignored an invalid message from the host") land in the test output.
    page.on('console', (m) => void (/^Reverie:/.test(m.text()) && console.log(`      [panel ${m.type()}] ${m.text().slice(0, 500)}`)));
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    if (this.ctx.currentTest?.state === 'failed' && page) await shot('e2e-failure.png').catch(() => undefined);
    await browser?.close();
    await server?.stop();
    await mock?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(`e2e-failed-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => undefined);
  });

  it('installs from a .vsix under 2 MB', () => {
    const vsix = process.env.REVERIE_VSIX ?? path.join(repoRoot, 'reverie.vsix');
    const size = fs.statSync(vsix).size;
    console.log(`      reverie.vsix: ${(size / 1024).toFixed(0)} KB`);
    assert.ok(size < 2 * 1024 * 1024, `${size} bytes`);
  });

  it('the Reverie activity-bar entry opens the chat panel, which says a key is needed', async () => {
    await page.locator('.activitybar').getByRole('tab', { name: /^Reverie/ }).click();
    // A webview is two nested iframes: the workbench's host frame, then our document.
    chat = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await chat.locator('#prompt').waitFor({ timeout: 60_000 });
    await chat.locator('#no-key').waitFor({ state: 'visible' });
    assert.match(await chat.locator('#no-key').innerText(), /API key/);
  });

  it('"Set API Key" asks in a password box and the panel notices the stored key', async () => {
    await chat.locator('#set-key').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill(KEY);
    await input.press('Enter');
    await chat.locator('#no-key').waitFor({ state: 'hidden', timeout: 15_000 });
  });

  it('a typed message streams in, rendered as markdown', async () => {
    const answer = 'Here is **bold** advice.\n\n```ts\nconst answer = 42;\n```\n\n' + 'It keeps arriving, piece by piece. '.repeat(6);
    mock.enqueue(reply(answer, { chunkSize: 6, delayMs: 40 }));
    await send('How do I declare a constant?');
    await chat.locator('.msg.user', { hasText: 'How do I declare a constant?' }).waitFor();
    // Seen mid-stream: the answer is on screen while it is still marked as streaming.
    await chat.locator('.msg.assistant.streaming strong', { hasText: 'bold' }).waitFor({ timeout: 15_000 });
    await chat.locator('.msg.assistant:not(.streaming)').waitFor({ timeout: 30_000 });
    assert.equal((await answers().last().locator('pre code').innerText()).trim(), 'const answer = 42;');
    assert.match(await answers().last().innerText(), /piece by piece\.\s*$/);
    assert.equal(requestKey(mock.requests.at(-1)!.headers), KEY, 'the key typed into the password box was used');
    console.log(`      screenshot: ${await shot('e2e-streamed-answer.png')}`);
  });

  it('HTML in model output is shown as text and never runs', async () => {
    mock.enqueue(reply('Look: <img src=x onerror="document.body.dataset.pwned=1"> and <script>document.body.dataset.pwned=2</script> [link](javascript:alert(1))'));
    await send('show me html');
    await answers().nth(1).locator('text=and').waitFor({ timeout: 15_000 });
    const last = answers().last();
    await chat.locator('.msg.assistant:not(.streaming)').nth(1).waitFor();
    assert.equal(await last.locator('img, script').count(), 0);
    assert.match(await last.innerText(), /<img src=x onerror=/);
    assert.equal(await last.locator('a[href^="javascript"]').count(), 0);
    assert.equal(await chat.locator('body').getAttribute('data-pwned'), null);
  });

  it('Stop ends a slow stream at once and keeps what arrived', async () => {
    mock.enqueue(reply('A very slow answer. '.repeat(200), { chunkSize: 4, delayMs: 60 }));
    await send('answer slowly');
    await chat.locator('.msg.assistant.streaming .markdown p').waitFor({ timeout: 15_000 });
    await chat.locator('#stop').click();
    await chat.locator('.msg.assistant .status', { hasText: 'Stopped' }).waitFor({ timeout: 5_000 });
    const stopped = await answers().last().innerText();
    await page.waitForTimeout(700); // ten more chunks would have arrived by now
    assert.equal(await answers().last().innerText(), stopped, 'no text arrived after Stop');
    assert.ok(stopped.length < 'A very slow answer. '.repeat(200).length);
    assert.ok(mock.requests.at(-1)!.clientAborted, 'the request to the API was cancelled');
    assert.ok(await chat.locator('#stop').isHidden());
    console.log(`      screenshot: ${await shot('e2e-stopped.png')}`);
  });

  it('an overloaded API shows a clear error with Retry, and Retry gets the answer', async () => {
    mock.enqueue(...overloadedUntilGivenUp(), reply('Back to normal.'));
    await send('are you there?');
    const error = chat.locator('.msg.error[data-reason="overloaded"]');
    await error.waitFor({ timeout: 20_000 });
    assert.match(await error.innerText(), /overloaded/i);
    assert.doesNotMatch(await error.innerText(), /\bat \w+ \(|Error:/, 'no stack trace');
    await error.locator('button[data-action="retry"]').click();
    await chat.locator('.msg.assistant', { hasText: 'Back to normal.' }).waitFor({ timeout: 15_000 });
  });

  it('switching to another view and back keeps the conversation on screen', async () => {
    const before = await chat.locator('.msg').count();
    await page.locator('.activitybar').getByRole('tab', { name: /^Explorer/ }).click();
    await page.locator('.activitybar').getByRole('tab', { name: /^Reverie/ }).click();
    chat = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await chat.locator('.msg.user', { hasText: 'How do I declare a constant?' }).waitFor({ timeout: 15_000 });
    assert.equal(await chat.locator('.msg').count(), before);
    assert.equal((await chat.locator('.msg.assistant pre code').first().innerText()).trim(), 'const answer = 42;');
    await chat.locator('.status', { hasText: 'Stopped' }).waitFor();
  });

  it('fixes a failing test from the panel: reads, asks before running and before editing, verifies, answers', async () => {
    mock.enqueue(...fixScenario());
    const t0 = Date.now();
    await send('The test fails. Fix it.');
    // run_command asks with the exact command line (a card in the panel); "Always allow" covers the second run too.
    const card = chat.locator('.approval[data-kind="command"]');
    await card.waitFor({ timeout: 30_000 });
    assert.equal((await card.locator('.approval-command').innerText()).trim(), 'node test.js');
    await card.locator('button[data-decision="always"]').click();
    // edit_file opens a diff of the proposed change with Accept in the editor title.
    const accept = page.locator('.editor-actions .action-label[aria-label*="Accept Proposed Change"]').first();
    await accept.waitFor({ timeout: 30_000 });
    await shot('e2e-edit-approval.png');
    await accept.click();
    await chat.locator('.msg.assistant', { hasText: 'now passes' }).waitFor({ timeout: 30_000 });
    const ms = Date.now() - t0;
    assert.match(fs.readFileSync(path.join(workspace, 'math.js'), 'utf8'), /return a \+ b;/);
    const sent = toolResultsSent(mock.requests);
    assert.match(sent.get('toolu_test1')!.content, /FAIL: add\(2, 3\) returned -1/);
    assert.match(sent.get('toolu_test2')!.content, /PASS: add\(2, 3\) = 5[\s\S]*Exit code: 0/);
    const cards = await chat.locator('.tool').evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset.tool}:${(e as HTMLElement).dataset.status}`));
    assert.deepEqual(cards.slice(-5), ['read_file:done', 'grep:done', 'run_command:error', 'edit_file:done', 'run_command:done']);
    assert.equal(await chat.locator('.msg.assistant').last().innerText(), FINAL_ANSWER.replace(/`/g, ''));
    console.log(`      panel fix-the-test session: ${ms} ms end to end (two approvals clicked)`);
    console.log(`      screenshot: ${await shot('e2e-fixed-test.png')}`);
  });

  it('the Reverie Memory view shows the index with its budget and the topic files', async () => {
    await page.locator('.activitybar').getByRole('tab', { name: /^Explorer/ }).click();
    const header = page.locator('.pane-header', { hasText: 'Reverie Memory' });
    await header.waitFor({ timeout: 15_000 });
    // Make room: fold the folder section, then open Reverie Memory and its Memory group.
    const folders = page.locator('.pane-header[aria-expanded="true"]', { hasText: 'workspace' });
    if (await folders.count()) await folders.first().click();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    const group = page.getByRole('treeitem', { name: /^Memory/ }).first();
    await group.waitFor({ timeout: 15_000 });
    if ((await group.getAttribute('aria-expanded')) === 'false') await group.click();
    const index = page.getByRole('treeitem', { name: /MEMORY\.md/ });
    await index.waitFor({ timeout: 15_000 });
    assert.match(await index.innerText(), /142 \/ 200 lines/);
    // Rows below the fold are not rendered: move the focus down so the tree scrolls to the topics.
    await index.click();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.locator('.monaco-list-row', { hasText: 'Prefers tabs' }).waitFor({ timeout: 10_000 });
    await page.locator('.monaco-list-row', { hasText: 'Release checklist' }).waitFor({ timeout: 10_000 });
    console.log(`      screenshot: ${await shot('e2e-memory-tree.png')}`);
    await page.locator('.activitybar').getByRole('tab', { name: /^Reverie/ }).click();
    chat = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await chat.locator('#prompt').waitFor({ timeout: 15_000 });
  });

  it('the New Conversation button in the view title clears the panel', async () => {
    await page.locator('.pane-header .action-label[aria-label="New Conversation"], .title-actions .action-label[aria-label="New Conversation"]').first().click();
    await chat.locator('#empty').waitFor({ state: 'visible', timeout: 10_000 });
    assert.equal(await chat.locator('.msg').count(), 0);
  });
  it('a skill from the repository runs as "/name args", picked from the completion list', async () => {
    // buggy-repo/.reverie/skills/explain-file/SKILL.md: argument-hint <path>, body uses $ARGUMENTS.
    mock.enqueue(reply('math.js adds two numbers; test.js checks add(2, 3).'));
    const prompt = chat.locator('#prompt');
    await prompt.click();
    await prompt.pressSequentially('/');
    const list = chat.locator('#slash-list[role="listbox"]');
    await list.waitFor({ state: 'visible', timeout: 15_000 });
    assert.equal(await prompt.getAttribute('aria-expanded'), 'true');
    const names = async () => (await list.locator('[role="option"] .slash-name').allInnerTexts()).map((t) => t.trim());
    // The catalog may still be scanning when the panel loads: the list updates when skills change.
    await list.locator('[role="option"]', { hasText: '/explain-file' }).waitFor({ timeout: 15_000 });
    assert.ok((await names()).includes('/new') && (await names()).includes('/remember'), (await names()).join(' '));
    console.log(`      screenshot: ${await shot('e2e-skill-completion.png')}`);
    await prompt.pressSequentially('expl');
    assert.deepEqual(await names(), ['/explain-file']);
    const option = list.locator('[role="option"][aria-selected="true"]');
    assert.equal((await option.locator('.slash-name').innerText()).trim(), '/explain-file');
    assert.equal((await option.locator('.slash-hint').innerText()).trim(), '<path>');
    assert.match(await option.locator('.slash-desc').innerText(), /Explain what a source file does/);
    assert.equal(await prompt.getAttribute('aria-activedescendant'), await option.getAttribute('id'));
    await prompt.press('Enter'); // accepts the completion; does not send
    assert.equal(await prompt.inputValue(), '/explain-file ');
    await list.waitFor({ state: 'hidden' });
    const before = mock.requests.length;
    await prompt.pressSequentially('math.js');
    await prompt.press('Enter');
    await chat.locator('.msg.user', { hasText: '/explain-file math.js' }).waitFor({ timeout: 15_000 });
    await chat.locator('.msg.assistant', { hasText: 'adds two numbers' }).waitFor({ timeout: 15_000 });
    assert.equal(mock.requests.length, before + 1);
    const last = mock.requests.at(-1)!.body.messages.at(-1);
    const sent = typeof last.content === 'string' ? last.content : last.content.map((b: { text?: string }) => b.text ?? '').join('\n');
    assert.match(sent, /Read math\.js and explain in three short bullet points/, 'the skill body, with $ARGUMENTS substituted');
    assert.doesNotMatch(sent, /\$ARGUMENTS/);
    assert.equal((await chat.locator('.msg.user').last().innerText()).trim(), '/explain-file math.js', 'the panel shows what was typed');
    console.log(`      screenshot: ${await shot('e2e-skill-sent.png')}`);
  });

  it('"/compact" after two exchanges shows a divider with its figures and the folded summary; the meter shows the context', async () => {
    await page.locator('.pane-header .action-label[aria-label="New Conversation"], .title-actions .action-label[aria-label="New Conversation"]').first().click();
    await chat.locator('#empty').waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(await chat.locator('#meter').isHidden(), 'a new conversation has no figures yet');
    mock.enqueue(reply('The parser is in src/parse.ts.'), reply('Its tests are in test/parse.test.ts.'));
    await send('Where is the parser?');
    await chat.locator('.msg.assistant', { hasText: 'src/parse.ts' }).waitFor({ timeout: 15_000 });
    const meter = chat.locator('#meter');
    await meter.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match(await meter.innerText(), /^\d+(\.\d)?% context · \d+k to auto-compact/);
    assert.match((await meter.getAttribute('title'))!, /^Context: [\d,]+ of 200,000 tokens/);
    const statusItem = page.locator('[aria-label^="Reverie context:"]').first();
    await statusItem.waitFor({ timeout: 10_000 });
    await send('And its tests?');
    await chat.locator('.msg.assistant', { hasText: 'test/parse.test.ts' }).waitFor({ timeout: 15_000 });
    await chat.locator('#send:not([disabled])').waitFor();

    // The summary call answers with markdown, and with HTML that must stay text.
    mock.enqueue(reply('<analysis>notes to self</analysis>\n<summary>\n## Primary request\nFind the **parser** and its tests. <img src=x onerror="document.body.dataset.pwned=3">\n</summary>'));
    const before = mock.requests.length;
    const prompt = chat.locator('#prompt');
    await prompt.click();
    await prompt.pressSequentially('/compact');
    const option = chat.locator('#slash-list [role="option"][aria-selected="true"]');
    assert.equal((await option.locator('.slash-name').innerText()).trim(), '/compact');
    assert.equal((await option.locator('.slash-hint').innerText()).trim(), '[what to focus on]');
    await prompt.press('Enter'); // accepts the completion
    await prompt.press('Enter'); // sends
    await chat.locator('.msg.user', { hasText: '/compact' }).waitFor({ timeout: 10_000 });
    const divider = chat.locator('.compaction');
    await divider.waitFor({ timeout: 15_000 });
    assert.match(await divider.locator('.compaction-label').innerText(), /^Conversation compacted \(manual\) · [1-3] messages? summarised · \d+(k)? → \d+(k)? tokens$/);
    assert.equal(mock.requests.length, before + 1);
    assert.equal(mock.requests.at(-1)!.body.tools, undefined, 'the summary request has no tools');
    const body = divider.locator('.compaction-summary');
    assert.ok(await body.isHidden(), 'the summary starts folded');
    await divider.locator('summary').click();
    await body.locator('strong', { hasText: 'parser' }).waitFor({ timeout: 5_000 });
    assert.equal(await body.locator('h2').innerText(), 'Primary request');
    assert.doesNotMatch(await body.innerText(), /notes to self/, 'the analysis scratchpad is not shown');
    assert.equal(await body.locator('img').count(), 0);
    assert.equal(await chat.locator('body').getAttribute('data-pwned'), null);
    await chat.locator('#send:not([disabled])').waitFor();
    console.log(`      screenshot: ${await shot('e2e-compaction.png')}`);

    // The conversation goes on from the summary, and the meter is there after the response.
    mock.enqueue(reply('Run npm test.'));
    await send('How do I run them?');
    await chat.locator('.msg.assistant', { hasText: 'Run npm test.' }).waitFor({ timeout: 15_000 });
    assert.match(JSON.stringify(mock.requests.at(-1)!.body.messages), /Find the \*\*parser\*\* and its tests/);
    assert.match(await meter.innerText(), /% context · /);
    assert.ok(await meter.isVisible());
  });
});
