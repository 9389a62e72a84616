/**
 * Runs the integration suite with mocha INSIDE a real VS Code extension host (code-server 1.139,
 * offline). code-server is started with the smoke-test driver enabled, which makes the web
 * workbench honour a `payload` URL parameter naming extensionDevelopmentPath and
 * extensionTestsPath, as @vscode/test-web does. The extension host loads Reverie from this
 * checkout, require()s the suite and awaits its run(); the workbench then reports the outcome
 * through window.codeAutomationExit, which we expose from Playwright.
 *
 *   node out/test/integration/run.js        (npm run test:integration builds first)
 * Env: REVERIE_TEST_GREP (mocha grep), REVERIE_TEST_TIMEOUT (seconds, default 300), REVERIE_VERBOSE=1.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { launchBrowser, makeRunDir, repoRoot, startCodeServer } from '../support/codeServer';

async function main(): Promise<number> {
  const t0 = Date.now();
  const { dir, workspace } = makeRunDir('integration');
  const results = path.join(dir, 'test-results.json');
  const server = await startCodeServer({ runDir: dir, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
  const remote = (p: string) => `vscode-remote://remote${p}`; // code-server's fixed remote authority
  const env: Record<string, string> = { REVERIE_TEST_RESULTS: results, REVERIE_RUN_DIR: dir };
  if (process.env.REVERIE_TEST_GREP) env.REVERIE_TEST_GREP = process.env.REVERIE_TEST_GREP;
  const payload = [
    ['extensionDevelopmentPath', remote(repoRoot)],
    ['extensionTestsPath', remote(path.join(repoRoot, 'out/test/integration/suite'))],
    ['extensionEnvironment', JSON.stringify(env)],
  ];
  const browser = await launchBrowser();
  let code = 1;
  try {
    const page = await browser.newPage();
    const exited = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (c: number) => resolve(Number(c))));
    if (process.env.REVERIE_VERBOSE) {
      page.on('console', (m) => console.log(`[browser ${m.type()}] ${format(m.text())}`));
    }
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeoutS = Number(process.env.REVERIE_TEST_TIMEOUT ?? 300);
    const outcome = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutS * 1000))]);
    if (outcome === 'timeout') console.error(`[integration] no result after ${timeoutS}s; see ${dir}/server.log`);
    else code = outcome;
  } finally {
    await browser.close();
    await server.stop();
  }
  const log = path.join(dir, 'test-results.log');
  if (fs.existsSync(log)) process.stdout.write(fs.readFileSync(log, 'utf8'));
  else console.error(`[integration] the suite did not start; see ${dir}/server.log (REVERIE_VERBOSE=1 shows the browser console)`);
  console.log(`[integration] exit=${code} in ${((Date.now() - t0) / 1000).toFixed(1)}s; results: ${results}`);
  return code;
}

main().then((code) => process.exit(code), (err) => {
  console.error('[integration] runner failed:', err);
  process.exit(1);
});
