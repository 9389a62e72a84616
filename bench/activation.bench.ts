/**
 * Extension activation time in the real extension host: code-server (VS Code 1.139, offline, from
 * scripts/setup-tools.sh) started by the same code as the integration tests
 * (test/support/codeServer.ts), Reverie loaded from this checkout as a development extension
 * (dist/, the development build from `node esbuild.mjs`), headless Chromium on the workbench with
 * the fixture workspace open, and the Reverie view opened (its activity-bar tab) to trigger
 * activation as a user does. Each run is a fresh code-server with its own profile (a cold host).
 *
 * Two figures per run, median of N runs:
 *  - activate(): what `activate` in src/extension.ts measures of itself and logs to its output
 *    channel ("Reverie 0.1.0 activated in N ms"), read from the channel's log file;
 *  - the host's view: from the extension host's own log line "ExtensionService#_doActivateExtension
 *    reverie-dev.reverie" (when it starts loading the extension) to our log line (activate done):
 *    loading the bundle + activate(). Both log times have millisecond resolution.
 * Baseline: none that is honest (another extension's activation does different work); the
 * target, if any, is the lead's to set.
 *
 *   npm run bench:activation     (node esbuild.mjs && tsc -p bench && node out/bench/activation.bench.js [--runs 5])
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { launchBrowser, makeRunDir, repoRoot, startCodeServer } from '../test/support/codeServer';
import { fmtMs, machine, median, numArg, printTable, writeResult, type Figure } from './results';

const RUNS = numArg('runs', 5);
const EXT_ID = 'reverie-dev.reverie';

/** "2026-11-21 17:29:21.955" (local time, as VS Code's log writes it) -> epoch ms. */
const logTime = (line: string): number => {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(line);
  if (!m) return NaN;
  return new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +m[7]).getTime();
};

function findLogs(runDir: string): { channel?: string; host?: string } {
  const logs = path.join(runDir, 'user', 'logs');
  if (!existsSync(logs)) return {};
  for (const session of readdirSync(logs).sort().reverse()) {
    const exthost = path.join(logs, session, 'exthost1');
    if (!existsSync(exthost)) continue;
    return { channel: path.join(exthost, EXT_ID, 'Reverie.log'), host: path.join(exthost, 'remoteexthost.log') };
  }
  return {};
}

interface Run { activateMs: number; hostMs: number; event: string }

async function once(browser: Awaited<ReturnType<typeof launchBrowser>>, i: number): Promise<Run> {
  const { dir, workspace } = makeRunDir(`bench-activation-${i}`);
  const server = await startCodeServer({ runDir: dir, extraArgs: ['--vscode-option', 'enable-smoke-test-driver'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    const payload = [['extensionDevelopmentPath', `vscode-remote://remote${repoRoot}`]];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await page.locator('.activitybar').getByRole('tab', { name: /^Reverie/ }).click({ timeout: 60_000 });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { channel, host } = findLogs(dir);
      const ours = channel && existsSync(channel) ? readFileSync(channel, 'utf8').split('\n').find((l) => / activated in [\d.]+ ms/.test(l)) : undefined;
      const start = host && existsSync(host) ? readFileSync(host, 'utf8').split('\n').find((l) => l.includes(`_doActivateExtension ${EXT_ID},`)) : undefined;
      if (ours && start) {
        const activateMs = Number(/ activated in ([\d.]+) ms/.exec(ours)![1]);
        return { activateMs, hostMs: logTime(ours) - logTime(start), event: /activationEvent: '([^']*)'/.exec(start)?.[1] ?? '?' };
      }
      if (Date.now() > deadline) throw new Error(`no "activated in" line after 60 s; see ${dir}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await page.close();
    await server.stop();
  }
  // (the run folder is removed by the caller once its logs were read)
}

async function main(): Promise<void> {
  const m = machine();
  if (!existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `node esbuild.mjs` first');
  console.log(`activation: ${RUNS} fresh code-server runs, Reverie from ${repoRoot} (dist/, development build); ${m.cores} cores, load ${m.loadStart.join(' ')}`);
  const browser = await launchBrowser();
  const runs: Run[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const r = await once(browser, i);
      runs.push(r);
      console.log(`run ${i + 1}: activate() ${fmtMs(r.activateMs)}, host's view (load + activate) ${fmtMs(r.hostMs)}, activation event '${r.event}'`);
    }
  } finally {
    await browser.close();
    for (const d of readdirSync(path.join(repoRoot, '.test-runs')).filter((d) => d.startsWith('bench-activation-') && d.endsWith(`-${process.pid}`))) {
      rmSync(path.join(repoRoot, '.test-runs', d), { recursive: true, force: true });
    }
  }
  const a = median(runs.map((r) => r.activateMs));
  const h = median(runs.map((r) => r.hostMs));
  console.log('');
  printTable([['figure', 'median', 'min..max'],
    ['activate() (measured by activate itself)', fmtMs(a), `${fmtMs(Math.min(...runs.map((r) => r.activateMs)))}..${fmtMs(Math.max(...runs.map((r) => r.activateMs)))}`],
    ['host: _doActivateExtension -> activated (load + activate)', fmtMs(h), `${fmtMs(Math.min(...runs.map((r) => r.hostMs)))}..${fmtMs(Math.max(...runs.map((r) => r.hostMs)))}`]]);
  const figures: Figure[] = [
    { figure: 'extension activation: activate() in code-server\'s extension host', value: a, unit: 'ms', note: `median of ${RUNS} cold hosts; dev build; event '${runs[0]?.event}'` },
    { figure: 'extension activation, host\'s view: load bundle + activate()', value: h, unit: 'ms', note: 'exthost log "_doActivateExtension" -> "activated in" line (ms resolution)' },
  ];
  writeResult({ name: 'activation', title: 'Extension activation', reproduce: 'npm run bench:activation', machine: m, figures, detail: { runs } });
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
