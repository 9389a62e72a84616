/**
 * History search benchmark: generates ~1 GB of synthetic transcripts (deterministic, reused when
 * present) and times keyword and regex searches (searchHistory in src/node/nodeTranscripts.ts,
 * memory tier 3), each next to a baseline of ripgrep run directly over the same folder for the
 * same lines (`rg --no-ignore --hidden PATTERN .`, the output piped and counted, nothing parsed).
 * Median of 5 runs each. Prints figures; never passes or fails on time (target: < 1 s for 1 GB).
 * Writes out/bench/results/historySearch.json for bench/summary.ts.
 *
 *   npm run bench:history        (node out/bench/historySearch.bench.js [--gb 1] [--dir DIR] [--rg PATH])
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, promises as fs, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { messageRecord, serializeRecord, sessionHeader } from '../src/core/session/transcript';
import { searchHistory } from '../src/node/nodeTranscripts';
import { rng } from './random';
import { CODE_SERVER_RG, machine, median, writeResult, type Figure } from './results';

const arg = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const gb = Number(arg('gb') ?? 1);
const dir = arg('dir') ?? path.join(os.tmpdir(), `reverie-history-bench-${gb}gb`);
const rgPath = arg('rg') ?? (existsSync(CODE_SERVER_RG) ? CODE_SERVER_RG : undefined);
const SESSION_BYTES = 2 * 1024 * 1024;


const WORDS = ('the a of to and in is it that for on with as this be are by not or from at we you can will if but function return ' +
  'const let import export class interface type async await error test file path config build run value string number ' +
  'array object map set promise module package install update fix bug change refactor rename extract component render state ' +
  'props hook effect query cache token request response server client timeout retry stream buffer parse serialize schema ' +
  'validate permission approval session transcript memory index search result snippet context workspace folder editor').split(' ');
const CODE = ['export function handle(req: Request): Response {', '  const value = await cache.get(key);', '  if (!value) throw new Error("missing");',
  '}', 'import * as path from "node:path";', '    return items.filter((x) => x.enabled).map(render);', '// TODO: tidy this up',
  'describe("parser", () => {', '  it("reads a torn line", async () => {', 'npm ERR! code ERESOLVE', '  at Object.<anonymous> (src/index.ts:12:7)'];

async function generate(): Promise<void> {
  const target = gb * 1024 ** 3;
  if (existsSync(dir)) {
    const have = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
    if (have >= target * 0.98) return console.log(`reusing ${dir} (${(have / 1e6).toFixed(0)} MB)`);
  }
  mkdirSync(dir, { recursive: true });
  const rand = rng(42);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
  const prose = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const code = (n: number) => Array.from({ length: n }, () => pick(CODE)).join('\n');
  const sessions = Math.ceil(target / SESSION_BYTES);
  const start = Date.UTC(2026, 0, 1);
  console.log(`generating ${sessions} sessions (~${(target / 1e9).toFixed(2)} GB) into ${dir} ...`);
  for (let s = 0; s < sessions; s++) {
    const id = `bench-${String(s).padStart(6, '0')}`;
    let t = start + s * 3_600_000;
    const parts: string[] = [serializeRecord(sessionHeader(id, '/home/dev/project', 'claude-sonnet-4-5', new Date(t)))];
    let size = 0;
    let turn = 0;
    while (size < SESSION_BYTES) {
      const tick = () => new Date((t += 1000 + Math.floor(rand() * 60_000)));
      let user = prose(10 + Math.floor(rand() * 40));
      // Planted needles: a rare pair in one session in 50, a regex target in one in 100.
      if (turn === 3 && s % 50 === 7) user += ' the Flamingo quota was raised';
      if (turn === 5 && s % 100 === 13) user += ` retry budget ${s}`;
      const useId = `toolu_${s}_${turn}`;
      const recs = [
        messageRecord({ role: 'user', content: user }, tick()),
        messageRecord({ role: 'assistant', content: [{ type: 'text', text: prose(20 + Math.floor(rand() * 80)) },
          { type: 'tool_use', id: useId, name: pick(['read_file', 'grep', 'run_command']), input: { path: `src/${pick(WORDS)}.ts` } }] }, tick()),
        messageRecord({ role: 'user', content: [{ type: 'tool_result', tool_use_id: useId, content: code(20 + Math.floor(rand() * 200)) }] }, tick()),
        messageRecord({ role: 'assistant', content: [{ type: 'text', text: prose(30 + Math.floor(rand() * 150)) }] }, tick()),
      ];
      for (const r of recs) { const line = serializeRecord(r); parts.push(line); size += line.length; }
      turn++;
    }
    const file = path.join(dir, `${id}.jsonl`);
    writeFileSync(file, parts.join(''));
    const when = new Date(t);
    await fs.utimes(file, when, when);
  }
}

/** ripgrep run directly on the history folder: its wall time and how many lines it printed. */
function rgDirect(args: string[]): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(rgPath!, ['--no-config', '--no-ignore', '--hidden', '--no-messages', ...args, '--', '.'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
    let lines = 0;
    child.stdout.on('data', (b: Buffer) => { for (let i = 0; i < b.length; i++) if (b[i] === 10) lines++; });
    child.on('error', reject);
    child.on('close', () => resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, lines }));
  });
}

interface Case { query: string; regex?: boolean; caseSensitive?: boolean; rg: boolean; base?: string[]; summary?: boolean }

async function time(label: string, opts: Case, bytes: number): Promise<Figure> {
  const runs: number[] = [];
  const base: number[] = [];
  let hits = 0;
  let baseLines = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const r = await searchHistory({ root: dir, query: opts.query, regex: opts.regex, caseSensitive: opts.caseSensitive, limit: 20, signal: new AbortController().signal, rgPath: opts.rg ? rgPath : undefined });
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    hits = r.length;
    if (opts.base && rgPath) {
      const b = await rgDirect(opts.base);
      base.push(b.ms);
      baseLines = b.lines;
    }
  }
  const best = Math.min(...runs);
  const med = median(runs);
  const baseMed = base.length ? median(base) : undefined;
  const vs = baseMed !== undefined ? `  | rg directly ${baseMed.toFixed(0).padStart(5)} ms (${baseLines} lines)  ratio ${(med / baseMed).toFixed(2)}x` : '  | (no direct rg equivalent)';
  console.log(`${label.padEnd(60)} best ${best.toFixed(0).padStart(5)} ms  median ${med.toFixed(0).padStart(5)} ms  ${(bytes / 1e6 / (med / 1000)).toFixed(0).padStart(6)} MB/s  ${String(hits).padStart(2)} hits${vs}`);
  return {
    figure: `transcript search ${(bytes / 1e9).toFixed(2)} GB: ${label}`, value: med, unit: 'ms', target: '< 1 s', met: med < 1000,
    ...(baseMed !== undefined ? { baseline: { label: `\`rg ${opts.base!.map((a) => (/[\s|\\*]/.test(a) ? `"${a}"` : a)).join(' ')}\``, value: baseMed }, ratio: med / baseMed } : {}),
    note: `${hits} hits${baseMed !== undefined ? `; rg printed ${baseLines} lines` : ''}`, ...(opts.summary === false ? { detailOnly: true } : {}),
  };
}

async function main() {
  const m = machine();
  await generate();
  const bytes = readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
  console.log(`history: ${(bytes / 1e6).toFixed(0)} MB in ${readdirSync(dir).length} files; ${os.cpus().length} cores, load ${m.loadStart.join(' ')}; node ${process.version}; ripgrep: ${rgPath ?? 'none'}`);
  console.log('(median of 5; MB/s = whole history / median time, also for searches that stop early; the baseline is ripgrep run directly for the same lines)');
  const cases: Array<[string, Case]> = [
    ['keywords "flamingo quota" (case-insensitive, ripgrep)', { query: 'flamingo quota', rg: true, base: ['-i', 'flamingo.*quota|quota.*flamingo'] }],
    ['keywords "Flamingo quota" (case-sensitive, Buffer.indexOf)', { query: 'Flamingo quota', caseSensitive: true, rg: false, base: ['Flamingo.*quota|quota.*Flamingo'], summary: false }],
    ['keyword with no hit "xylophonic" (case-sensitive)', { query: 'xylophonic', caseSensitive: true, rg: false, base: ['xylophonic'], summary: false }],
    ['keyword with no hit "xylophonic" (case-insensitive, ripgrep)', { query: 'xylophonic', rg: true, base: ['-i', 'xylophonic'] }],
    ['regex "retry\\s+budget\\s+\\d+" (ripgrep)', { query: 'retry\\s+budget\\s+\\d+', regex: true, rg: true, base: ['retry\\s+budget\\s+\\d+'] }],
    ['common keyword "cache" (stops at 20 hits)', { query: 'cache', rg: true, summary: false }],
    ['keywords "flamingo quota" (case-insensitive, JS only)', { query: 'flamingo quota', rg: false, base: ['-i', 'flamingo.*quota|quota.*flamingo'], summary: false }],
    ['regex "retry\\s+budget\\s+\\d+" (JS only)', { query: 'retry\\s+budget\\s+\\d+', regex: true, rg: false, base: ['retry\\s+budget\\s+\\d+'], summary: false }],
  ];
  const figures: Figure[] = [];
  for (const [label, opts] of cases) {
    if (opts.rg && !rgPath) continue;
    figures.push(await time(label, opts, bytes));
  }
  writeResult({ name: 'historySearch', title: 'Transcript search over 1 GB', reproduce: 'npm run bench:history', machine: m, figures, detail: { dir, bytes, rg: rgPath } });
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
