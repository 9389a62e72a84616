/**
 * The same integration suite on desktop VS Code through @vscode/test-electron, for machines that
 * can download VS Code (this one cannot: see run.ts for the offline code-server route).
 *   npm run test:integration:electron
 */
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { makeRunDir, repoRoot } from '../support/codeServer';

async function main(): Promise<void> {
  const { dir, workspace } = makeRunDir('electron');
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out/test/integration/suite'),
    launchArgs: [workspace, '--user-data-dir', path.join(dir, 'user'), '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: {
      REVERIE_TEST_RESULTS: path.join(dir, 'test-results.json'),
      REVERIE_RUN_DIR: dir,
      ANTHROPIC_API_KEY: '',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', // never the real API, even if a test forgets the mock
    },
  });
}

main().catch((err) => {
  console.error('[integration:electron]', err);
  process.exit(1);
});
