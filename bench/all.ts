/**
 * `npm run bench`: every benchmark in turn, cheap first, then bench/summary.ts, which rewrites the
 * table at the top of BENCHMARKS.md from the JSON results. Old results are removed first, so a
 * bench that fails leaves no stale figure in the table; a failed bench does not stop the others
 * (the exit code is 1 at the end). Prints each bench's wall time. Expects dist/ and out/bench to be
 * built (the npm script does `tsc -p bench && node esbuild.mjs` first).
 *
 *   npm run bench                 (node out/bench/all.js [--skip activation,longSession])
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { loadavg, REPO, RESULTS_DIR } from './results';

const BENCHES: Array<[string, string[]]> = [
  ['bundles', []],
  ['microcompact', []],
  ['harness', []],
  ['fileSearch', []],
  ['activation', []],
  ['historySearch', []],
  ['webview', ['--no-build']],
  ['longSession', []],
];

function main(): number {
  const i = process.argv.indexOf('--skip');
  const skip = new Set(i > 0 ? process.argv[i + 1].split(',') : []);
  if (existsSync(RESULTS_DIR)) for (const f of readdirSync(RESULTS_DIR)) if (f.endsWith('.json')) rmSync(path.join(RESULTS_DIR, f));
  const t0 = Date.now();
  const times: string[] = [];
  const failed: string[] = [];
  for (const [name, args] of BENCHES) {
    if (skip.has(name)) continue;
    console.log(`\n=== ${name} (load ${loadavg().join(' ')}) ===`);
    const start = Date.now();
    const r = spawnSync(process.execPath, [path.join(REPO, 'out', 'bench', `${name}.bench.js`), ...args], { cwd: REPO, stdio: 'inherit' });
    const s = (Date.now() - start) / 1000;
    times.push(`${name} ${s.toFixed(0)} s${r.status === 0 ? '' : ' (FAILED)'}`);
    if (r.status !== 0) failed.push(name);
  }
  console.log('\n=== summary ===');
  const sum = spawnSync(process.execPath, [path.join(REPO, 'out', 'bench', 'summary.js')], { cwd: REPO, stdio: 'inherit' });
  console.log(`\nbench times: ${times.join(', ')}; all ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (failed.length) console.log(`failed: ${failed.join(', ')} (their figures are missing from the summary)`);
  return failed.length || sum.status !== 0 ? 1 : 0;
}

process.exitCode = main();
