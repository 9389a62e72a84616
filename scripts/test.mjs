#!/usr/bin/env node
// `npm test`: every check, in order of cost, then one summary line.
//   1. type check (extension, webview, tests)   2. unit tests (mocha, plain Node)
//   3. integration tests (mocha inside a real VS Code extension host, code-server offline)
//   4. end-to-end tests (Playwright + Chromium driving the workbench with the packaged .vsix)
// Levels 2-4 first run scripts/setup-tools.sh (idempotent; installs Node 24, code-server and
// Chromium on a fresh machine, ~3 min once, about a second afterwards).
//   npm test -- --only unit,integration     run some levels
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const args = process.argv.slice(2);
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(',')) : undefined;
const wanted = (level) => !only || only.has(level);

/** Runs a command, echoing its output, and returns its exit code and what it printed. */
function run(cmd, cmdArgs) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Counts from mocha's spec reporter ("12 passing", "1 failing"); a run that died counts as a failure. */
function counts({ code, out }) {
  const num = (re) => [...out.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
  const passed = num(/^\s*(\d+) passing/gm);
  let failed = num(/^\s*(\d+) failing/gm);
  if (code !== 0 && failed === 0) failed = 1;
  return { passed, failed };
}

const results = [];
async function level(name, steps) {
  if (!wanted(name)) return;
  const t0 = Date.now();
  console.log(`\n=== ${name} ===`);
  let last = { code: 0, out: '' };
  for (const [cmd, cmdArgs, countIt] of steps) {
    last = await run(cmd, cmdArgs);
    if (last.code !== 0 && !countIt) {
      results.push({ name, passed: 0, failed: 1, seconds: (Date.now() - t0) / 1000, note: `${cmd} ${cmdArgs.join(' ')} failed` });
      return;
    }
  }
  results.push({ name, ...counts(last), seconds: (Date.now() - t0) / 1000 });
}

const t0 = Date.now();
await level('typecheck', [['npx', ['tsc', '-p', '.']], ['npx', ['tsc', '-p', 'webview-ui']], ['npx', ['tsc', '-p', 'test']]]);
// A passing type check counts as one check; it has no tests of its own to count.
if (results.at(-1)?.name === 'typecheck' && results.at(-1).failed === 0) results.at(-1).passed = 1;
// The tools come first: unit tests use code-server's ripgrep too (grep, glob and history search
// are tested with it and with the JavaScript fallback).
if (wanted('unit') || wanted('integration') || wanted('e2e')) {
  await level('tools', [['bash', ['scripts/setup-tools.sh']]]);
  if (results.at(-1)?.name === 'tools' && results.at(-1).failed === 0) results.pop();
}
await level('unit', [['node', ['esbuild.mjs']], ['npx', ['tsc', '-p', 'test', '--noEmit', 'false']], ['npx', ['mocha'], true]]);
await level('integration', [['node', ['esbuild.mjs']], ['npx', ['tsc', '-p', 'test', '--noEmit', 'false']], ['node', ['out/test/integration/run.js'], true]]);
await level('e2e', [
  ['npm', ['run', '-s', 'package']],
  ['npx', ['tsc', '-p', 'test', '--noEmit', 'false']],
  ['npx', ['mocha', '--no-config', '--timeout', '180000', '--reporter', 'spec', 'out/test/e2e/**/*.e2e.test.js'], true],
]);

console.log('\n=== summary ===');
for (const r of results) {
  console.log(`${r.name.padEnd(12)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1).padStart(6)}s${r.note ? `  (${r.note})` : ''}`);
}
if (fs.existsSync('reverie.vsix') && wanted('e2e')) console.log(`reverie.vsix ${(fs.statSync('reverie.vsix').size / 1024).toFixed(0)} KB`);
console.log(`total time ${((Date.now() - t0) / 1000).toFixed(1)}s`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
