/**
 * What every benchmark shares: the machine it ran on (with the load average, since the figures
 * move with it), medians, a plain text table, and `writeResult`, which puts a bench's figures in
 * out/bench/results/<name>.json for bench/summary.ts to turn into the table in BENCHMARKS.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const RESULTS_DIR = path.join(REPO, 'out', 'bench', 'results');

/** The ripgrep that code-server bundles (scripts/setup-tools.sh puts it there). */
export const CODE_SERVER_RG = path.join(process.env.REVERIE_TOOLS ?? path.join(os.homedir(), '.cache', 'reverie', 'tools'), 'code-server/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep-universal/bin/linux-x64/rg');

export interface Machine {
  date: string;
  cores: number;
  cpu: string;
  node: string;
  /** os.loadavg() (1, 5, 15 minutes) when the bench started and when it ended. */
  loadStart: number[];
  loadEnd?: number[];
}

export function machine(): Machine {
  const cpus = os.cpus();
  return { date: new Date().toISOString(), cores: cpus.length, cpu: cpus[0]?.model.trim() ?? '?', node: process.version, loadStart: loadavg() };
}

export const loadavg = () => os.loadavg().map((x) => Math.round(x * 100) / 100);

/**
 * One figure for the summary table. `value` / `baseline` are in `unit`; `ratio` is value / baseline
 * (how many times the baseline) when there is one.
 */
export interface Figure {
  figure: string;
  value: number;
  unit: string;
  /** Shown instead of value + unit when set (e.g. "7 of 5,000"). */
  text?: string;
  baseline?: { label: string; value: number };
  ratio?: number;
  target?: string;
  /** PASS / MISS against the target. */
  met?: boolean;
  note?: string;
  /** Kept in the JSON but left out of the summary table. */
  detailOnly?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  reproduce: string;
  machine: Machine;
  figures: Figure[];
  /** Anything else the bench wants to keep (per-run samples, counts). */
  detail?: unknown;
}

export function writeResult(r: Omit<BenchResult, 'machine'> & { machine: Machine }): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${r.name}.json`);
  writeFileSync(file, `${JSON.stringify({ ...r, machine: { ...r.machine, loadEnd: loadavg() } }, null, 2)}\n`);
  console.log(`wrote ${path.relative(REPO, file)}`);
  return file;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Milliseconds since `t0` (from process.hrtime.bigint()). */
export const msSince = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

export const fmtMs = (ms: number): string => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(2)} ms`);
export const fmtBytes = (b: number): string => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(2)} MB` : `${(b / 1024).toFixed(1)} KB`);
export const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Prints rows as a padded text table, the first row being the header. */
export function printTable(rows: string[][]): void {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => (c ?? '').padEnd(w[i])).join(' | ')} |`;
  console.log(line(rows[0]));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of rows.slice(1)) console.log(line(r));
}

/** Numeric command-line options: `--runs 5`. */
export function numArg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
