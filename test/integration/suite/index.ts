/**
 * Loaded by the VS Code extension host (extensionTestsPath): runs every *.test.js beside it with
 * mocha and resolves or rejects with the outcome. The remote extension host sends console output
 * to the browser, not to a terminal, so the reporter's output is also written to a log file that
 * the runner prints, and a JSON summary lands in REVERIE_TEST_RESULTS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const results = process.env.REVERIE_TEST_RESULTS ?? path.join(__dirname, 'test-results.json');
  const logFile = results.replace(/\.json$/, '.log');
  fs.writeFileSync(logFile, '');
  const base = (Mocha as unknown as { reporters: { Base: { consoleLog: (...a: unknown[]) => void } } }).reporters.Base;
  const original = base.consoleLog;
  base.consoleLog = (...args: unknown[]) => {
    fs.appendFileSync(logFile, format(...args) + '\n');
    original(...args);
  };
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, reporter: 'spec' });
  if (process.env.REVERIE_TEST_GREP) mocha.grep(process.env.REVERIE_TEST_GREP);
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));

  return new Promise((resolve, reject) => {
    const tests: Array<{ title: string; state: string; error?: string }> = [];
    const runner = mocha.run((failures) => {
      const summary = { passed: tests.filter((t) => t.state === 'passed').length, failed: failures, tests };
      fs.writeFileSync(results, JSON.stringify(summary, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration tests failed`));
      else resolve();
    });
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed' }));
    runner.on('fail', (t, err) => tests.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) }));
  });
}
