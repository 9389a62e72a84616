/**
 * grep and glob on a 100,000-file workspace: Reverie's tools through their real entry point
 * (runToolCalls -> grep / glob tool -> NodeFileSearch, with the ripgrep code-server bundles, as in
 * the editor) against ripgrep run directly with the same ignore behaviour the port uses
 * (`--hidden --no-require-git -g '!.git'`: .gitignore honoured, .git skipped), median of N runs
 * after one warm-up run (the tree is in the page cache for both). Prints ms, the ratio
 * tool / rg, and result counts side by side to show both found the same things.
 *
 * The workspace is generated once (seeded) under $TMPDIR/reverie-search-bench-100k and reused:
 * 1,000 folders x 100 files of code-like text (TypeScript, tests, Markdown, JSON; ~1-4 KB each),
 * plus node_modules/ (5,000 files, ignored by .gitignore) and a .git/ folder (500 files).
 *
 *   npm run bench:file-search    (node out/bench/fileSearch.bench.js [--runs 5] [--rg PATH] [--dir DIR])
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runToolCalls } from '../src/core/agent/toolRunner';
import { NodeFileSearch } from '../src/node/nodeFileSearch';
import { NodeFileSystem } from '../src/node/nodeFileSystem';
import { globTool } from '../src/core/tools/glob';
import { grepTool } from '../src/core/tools/grep';
import { newToolSession, type ToolContext, type ToolDefinition } from '../src/core/tools/tool';
import { rng } from './random';
import { CODE_SERVER_RG, fmtMs, int, machine, median, msSince, numArg, printTable, writeResult, type Figure } from './results';

const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const RUNS = numArg('runs', 5);
const DIR = arg('dir') ?? path.join(os.tmpdir(), 'reverie-search-bench-100k');
const RG = arg('rg') ?? (existsSync(CODE_SERVER_RG) ? CODE_SERVER_RG : 'rg');
const FOLDERS = 1000;
const PER_FOLDER = 100;
const RG_IGNORE = ['--no-config', '--hidden', '--no-require-git', '--glob', '!.git'];

const IDENTS = 'request response cache entry session token buffer stream parser config options handler result value index items schema client server queue'.split(' ');

function generate(): void {
  const marker = path.join(DIR, '.bench-complete');
  if (existsSync(marker)) return console.log(`reusing ${DIR}`);
  console.log(`generating ${int(FOLDERS * PER_FOLDER)} files into ${DIR} (once) ...`);
  const r = rng(99);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const line = () => {
    const a = pick(IDENTS);
    const b = pick(IDENTS);
    const k = r();
    if (k < 0.002) return `  await retryWithBackoff(${a}, ${Math.floor(r() * 9)});`;
    if (k < 0.25) return `  const ${a}${Math.floor(r() * 50)} = ${b}.get("${pick(IDENTS)}") ?? ${Math.floor(r() * 1000)};`;
    if (k < 0.45) return `  if (!${a}) throw new Error("${b} missing for ${pick(IDENTS)}");`;
    if (k < 0.6) return `  // ${a} ${b} ${pick(IDENTS)}: keep the ${pick(IDENTS)} in step with the ${pick(IDENTS)}`;
    if (k < 0.8) return `export function ${a}${b[0].toUpperCase()}${b.slice(1)}(${pick(IDENTS)}: string): number {`;
    return '}';
  };
  const body = (lines: number) => Array.from({ length: lines }, line).join('\n') + '\n';
  for (let d = 0; d < FOLDERS; d++) {
    const dir = path.join(DIR, 'packages', `pkg-${String(d).padStart(4, '0')}`, d % 2 ? 'src' : 'lib');
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_FOLDER; f++) {
      const kind = f % 10;
      const name = kind < 6 ? `${pick(IDENTS)}-${f}.ts` : kind < 8 ? `${pick(IDENTS)}-${f}.test.ts` : kind < 9 ? `notes-${f}.md` : `data-${f}.json`;
      const text = kind === 9 ? JSON.stringify({ id: f, name: pick(IDENTS), items: Array.from({ length: 20 }, () => pick(IDENTS)) }, null, 2)
        : kind === 8 ? `# ${pick(IDENTS)}\n\n${Array.from({ length: 12 }, () => `${pick(IDENTS)} ${pick(IDENTS)} ${pick(IDENTS)}.`).join('\n')}\n`
          : body(30 + Math.floor(r() * 80));
      writeFileSync(path.join(dir, name), text);
    }
  }
  for (let d = 0; d < 100; d++) {
    const dir = path.join(DIR, 'node_modules', `dep-${d}`, 'dist');
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 50; f++) writeFileSync(path.join(dir, `index-${f}.test.ts`), body(60)); // ignored: would match both searches
  }
  for (let d = 0; d < 10; d++) {
    const dir = path.join(DIR, '.git', 'objects', String(d).padStart(2, '0'));
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 50; f++) writeFileSync(path.join(dir, `obj-${f}.test.ts`), body(20));
  }
  writeFileSync(path.join(DIR, '.gitignore'), 'node_modules/\n*.log\n');
  writeFileSync(path.join(DIR, 'package.json'), '{ "name": "search-bench", "private": true }\n');
  writeFileSync(marker, new Date().toISOString());
}

/** ripgrep, directly: its wall time and its output's line count. */
function rg(args: string[]): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(RG, [...RG_IGNORE, ...args], { cwd: DIR, stdio: ['ignore', 'pipe', 'inherit'] });
    let lines = 0;
    child.stdout.on('data', (b: Buffer) => { for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 || code === 1 ? resolve({ ms: msSince(t0), lines }) : reject(new Error(`rg exited ${code}`))));
  });
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const search = new NodeFileSearch({ rgPath: RG });
const ctx: ToolContext = {
  cwd: DIR, roots: [DIR], signal: new AbortController().signal, fs: new NodeFileSystem(), search,
  commands: undefined as never, session: newToolSession(path.join(os.tmpdir(), 'reverie-search-bench-session')), log: quiet,
  authorize: async () => ({ granted: true }),
};
const tools = new Map<string, ToolDefinition>([['grep', grepTool], ['glob', globTool]]);

async function tool(name: 'grep' | 'glob', input: Record<string, unknown>): Promise<{ ms: number; content: string }> {
  const t0 = process.hrtime.bigint();
  const [res] = await runToolCalls([{ id: 'toolu_bench', name, input }], { tools, context: () => ctx, emit: () => {}, log: quiet }, ctx.signal);
  const ms = msSince(t0);
  if (res.isError) throw new Error(`${name} failed: ${res.content}`);
  return { ms, content: res.content };
}

interface Case {
  label: string;
  run: () => Promise<{ ms: number; count: string }>;
  base: () => Promise<{ ms: number; count: string }>;
  baseCmd: string;
}

async function main(): Promise<void> {
  const m = machine();
  generate();
  const sumCounts = (content: string) => content.split('\n').reduce((s, l) => s + (Number(/:(\d+)$/.exec(l)?.[1]) || 0), 0);
  const rows = (content: string) => content.split('\n\n')[0].split('\n').filter(Boolean).length;
  const cases: Case[] = [
    { label: 'grep "retryWithBackoff\\(" (count mode: every matching line)', baseCmd: 'rg "retryWithBackoff\\("',
      run: async () => { const r = await tool('grep', { pattern: 'retryWithBackoff\\(', output_mode: 'count', head_limit: 1_000_000 }); return { ms: r.ms, count: `${int(sumCounts(r.content))} lines in ${int(rows(r.content))} files` }; },
      base: async () => { const r = await rg(['retryWithBackoff\\(']); const f = await rg(['-l', 'retryWithBackoff\\(']); return { ms: r.ms, count: `${int(r.lines)} lines in ${int(f.lines)} files` }; } },
    { label: 'grep "retryWithBackoff\\(" (default mode: files, newest first)', baseCmd: 'rg -l "retryWithBackoff\\("',
      run: async () => { const r = await tool('grep', { pattern: 'retryWithBackoff\\(' }); return { ms: r.ms, count: `${int(rows(r.content))} files shown (head_limit 250)` }; },
      base: async () => { const r = await rg(['-l', 'retryWithBackoff\\(']); return { ms: r.ms, count: `${int(r.lines)} files` }; } },
    { label: 'grep "xylophonic" (no match: a full scan)', baseCmd: 'rg "xylophonic"',
      run: async () => { const r = await tool('grep', { pattern: 'xylophonic' }); return { ms: r.ms, count: r.content.startsWith('No matches') ? '0 lines' : '?' }; },
      base: async () => { const r = await rg(['xylophonic']); return { ms: r.ms, count: `${r.lines} lines` }; } },
    { label: 'glob "*.test.ts" (100 newest shown)', baseCmd: 'rg --files -g "*.test.ts"',
      run: async () => { const r = await tool('glob', { pattern: '*.test.ts' }); return { ms: r.ms, count: `${rows(r.content)} shown` }; },
      base: async () => { const r = await rg(['--files', '-g', '*.test.ts']); return { ms: r.ms, count: `${int(r.lines)} files` }; } },
    { label: 'glob "packages/pkg-0042/**/*.ts" (one folder)', baseCmd: 'rg --files -g "packages/pkg-0042/**/*.ts"',
      run: async () => { const r = await tool('glob', { pattern: 'packages/pkg-0042/**/*.ts' }); return { ms: r.ms, count: `${rows(r.content)} shown` }; },
      base: async () => { const r = await rg(['--files', '-g', 'packages/pkg-0042/**/*.ts']); return { ms: r.ms, count: `${int(r.lines)} files` }; } },
  ];
  // What the globs match in all (the tool shows 100): counted through the port with no limit, untimed.
  const globAll = async (p: string) => (await search.glob(p, { cwd: DIR, limit: Number.MAX_SAFE_INTEGER, signal: ctx.signal })).files.length;
  const fullCounts = [undefined, undefined, undefined, await globAll('*.test.ts'), await globAll('packages/pkg-0042/**/*.ts')];

  console.log(`workspace: ${DIR}; ripgrep: ${RG}; ${RUNS} runs after 1 warm-up; ${m.cores} cores, load ${m.loadStart.join(' ')}\n`);
  const figures: Figure[] = [];
  const table: string[][] = [['search', 'Reverie tool', 'found', 'rg directly', 'rg found', 'ratio']];
  const detail: unknown[] = [];
  for (const [i, c] of cases.entries()) {
    await c.run();
    await c.base();
    const t: number[] = [];
    const b: number[] = [];
    let found = '';
    let baseFound = '';
    for (let k = 0; k < RUNS; k++) {
      const x = await c.run();
      const y = await c.base();
      t.push(x.ms); b.push(y.ms); found = x.count; baseFound = y.count;
    }
    if (fullCounts[i] !== undefined) found += ` of ${int(fullCounts[i]!)}`;
    const [mt, mb] = [median(t), median(b)];
    table.push([c.label, fmtMs(mt), found, fmtMs(mb), baseFound, `${(mt / mb).toFixed(1)}x`]);
    figures.push({ figure: `${c.label.replace(/ \(.*\)$/, '')} on 100,000 files${/count mode|default mode/.test(c.label) ? ` (${/count/.test(c.label) ? 'count' : 'files'} mode)` : ''}`,
      value: mt, unit: 'ms', baseline: { label: `\`${c.baseCmd}\``, value: mb }, ratio: mt / mb, note: `found: ${found}; rg: ${baseFound}` });
    detail.push({ case: c.label, toolMs: t, rgMs: b, found, rgFound: baseFound });
  }
  printTable(table);
  console.log(`\n(rg flags for both: ${RG_IGNORE.join(' ')}; 'rg found': output lines of the same rg command, files from rg -l)`);
  writeResult({ name: 'fileSearch', title: 'grep and glob on 100,000 files', reproduce: 'npm run bench:file-search', machine: m, figures, detail: { dir: DIR, rg: RG, runs: RUNS, cases: detail } });
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
