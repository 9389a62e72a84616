/**
 * Shared set-up for end-to-end suites: the packaged .vsix in a fresh code-server with its own
 * HOME, a mock Anthropic server, Chromium on the workbench, the Reverie panel open with a key set.
 * Each suite file gets its own workbench (`openWorkbench` in `before`, `close` in `after`).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { MockAnthropicServer, type MockServerOptions } from '../fixtures/mockAnthropic';
import { launchBrowser, makeRunDir, repoRoot, startCodeServer, type CodeServer } from '../support/codeServer';

export const E2E_KEY = 'sk-ant-e2e-not-a-real-key';
export const artifacts = path.join(repoRoot, 'test-results');

export interface Workbench {
  mock: MockAnthropicServer;
  page: Page;
  /** The chat panel's document (two nested iframes deep). */
  chat: FrameLocator;
  /** The copy of the fixture folder that VS Code has open. */
  workspace: string;
  /** The isolated HOME of this code-server. */
  home: string;
  /** Types into the panel's input and presses Enter. */
  send(text: string): Promise<void>;
  /** A screenshot of the whole window into test-results/. */
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** A name for the run folder, e.g. 'e2e-checkpoints'. */
  name: string;
  /** A folder under test/fixtures/ to copy and open (default 'buggy-repo'). */
  fixture?: string;
  /** Extra VS Code user settings (reverie.baseUrl is set to the mock). */
  settings?: Record<string, unknown>;
  mockOptions?: MockServerOptions;
  /** Called with the run's HOME and workspace before code-server starts (seed memory, files...). */
  seed?(home: string, workspace: string): void;
  /** Open an empty window (no folder) instead of the fixture copy. */
  noFolder?: boolean;
}

export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const vsix = process.env.REVERIE_VSIX ?? path.join(repoRoot, 'reverie.vsix');
  assert.ok(fs.existsSync(vsix), `${vsix} not found: run "npm run package" first`);
  const mock = await MockAnthropicServer.start({ apiKeys: [E2E_KEY], ...options.mockOptions });
  const run = makeRunDir(options.name, options.fixture ?? 'buggy-repo');
  const home = path.join(run.dir, 'home');
  options.seed?.(home, run.workspace);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({
      runDir: run.dir, vsix,
      settings: { 'reverie.baseUrl': mock.url, 'reverie.commands.runIn': 'process', ...options.settings },
    });
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => void (/^Reverie:/.test(m.text()) && console.log(`      [panel ${m.type()}] ${m.text().slice(0, 500)}`)));
    await page.goto(options.noFolder ? `${server.url}/?ew=true` : `${server.url}/?folder=${encodeURIComponent(run.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar').getByRole('tab', { name: /^Reverie/ }).click();
    const chat = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await chat.locator('#prompt').waitFor({ timeout: 60_000 });
    await chat.locator('#set-key').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(E2E_KEY);
    await input.press('Enter');
    await chat.locator('#no-key').waitFor({ state: 'hidden', timeout: 15_000 });
    const s = server;
    const b = browser;
    return {
      mock, page, chat, workspace: run.workspace, home,
      send: async (text) => {
        await chat.locator('#prompt').fill(text);
        await chat.locator('#prompt').press('Enter');
      },
      shot: async (name) => {
        fs.mkdirSync(artifacts, { recursive: true });
        const file = path.join(artifacts, name);
        await page.screenshot({ path: file });
        return file;
      },
      close: async () => {
        await b.close();
        await s.stop();
        await mock.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await server?.stop();
    await mock.close();
    throw err;
  }
}
