/**
 * The last step of `npm run bench`: reads every out/bench/results/<name>.json the benches wrote
 * and rewrites ONE table at the top of BENCHMARKS.md, between `<!-- summary:start -->` and
 * `<!-- summary:end -->` (inserted after the title if missing): figure | result | baseline / ratio |
 * target | reproduce. The detailed sections below it are left alone. Prints the table too.
 *
 *   node out/bench/summary.js [--no-write]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fmtMs, int, REPO, RESULTS_DIR, type BenchResult, type Figure } from './results';

/** The order of issue 10's list. Results of other names follow in file-name order. */
const ORDER = ['activation', 'bundles', 'harness', 'microcompact', 'historySearch', 'fileSearch', 'webview', 'longSession'];
const START = '<!-- summary:start -->';
const END = '<!-- summary:end -->';

function value(f: Figure, v = f.value): string {
  if (f.unit === 'ms') return fmtMs(v);
  if (f.unit === 'tokens') return `${int(v)} tokens`;
  if (f.unit === 's') return `${v.toFixed(1)} s`;
  if (f.unit === 'MB') return `${v.toFixed(1)} MB`;
  if (f.unit === 'KB') return `${int(v)} KB`;
  return Number.isInteger(v) ? int(v) : v.toFixed(3);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function rowsOf(r: BenchResult): string[][] {
  return r.figures.filter((f) => !f.detailOnly).map((f) => {
    const result = (f.text ?? value(f)) + (f.note ? ` (${f.note})` : '');
    const base = f.baseline ? `${f.baseline.label}: ${value(f, f.baseline.value)}${f.ratio !== undefined ? `; ratio ${f.ratio.toFixed(2)}x` : ''}` : '';
    const target = f.target ? `${f.target}${f.met === undefined ? '' : f.met ? ' PASS' : ' MISS'}` : '';
    return [f.figure, result, base, target, `\`${r.reproduce}\``].map(cell);
  });
}

function main(): void {
  if (!existsSync(RESULTS_DIR)) throw new Error(`${RESULTS_DIR} is missing: run the benches first`);
  const files = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json'));
  const results = files.map((f) => JSON.parse(readFileSync(path.join(RESULTS_DIR, f), 'utf8')) as BenchResult)
    .sort((a, b) => (ORDER.indexOf(a.name) + 1 || 99) - (ORDER.indexOf(b.name) + 1 || 99) || a.name.localeCompare(b.name));
  if (!results.length) throw new Error('no results to summarise');
  const m = results[0].machine;
  const dates = results.map((r) => r.machine.date).sort();
  const loads = results.map((r) => `${r.name} ${r.machine.loadStart[0].toFixed(1)}`);
  const allLoad = results.flatMap((r) => [r.machine.loadStart[0], r.machine.loadEnd?.[0] ?? r.machine.loadStart[0]]);
  const table = [
    '| figure | result | baseline / ratio | target | reproduce |',
    '|---|---|---|---|---|',
    ...results.flatMap(rowsOf).map((r) => `| ${r.join(' | ')} |`),
  ];
  const section = [
    '## Summary',
    '',
    `Written by \`npm run bench\` (bench/summary.ts) from out/bench/results/*.json; measured ${dates[0].slice(0, 16).replace('T', ' ')} to ` +
      `${dates.at(-1)!.slice(0, 16).replace('T', ' ')} UTC on ${m.cores} cores (${m.cpu}), node ${m.node}. ` +
      `**Load average (1 min) while the benches ran: ${Math.min(...allLoad).toFixed(1)} to ${Math.max(...allLoad).toFixed(1)}** ` +
      `(at each bench's start: ${loads.join(', ')}); on a shared machine the timings move with it, so compare ratios against the ` +
      'baseline measured in the same run rather than absolute times. A ratio is result / baseline (2.00x = twice the time of the baseline). ' +
      'Sizes and token counts do not depend on the load.',
    '',
    ...table,
  ].join('\n');
  console.log(`${section}\n`);
  if (process.argv.includes('--no-write')) return;
  const file = path.join(REPO, 'BENCHMARKS.md');
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const block = `${START}\n${section}\n${END}`;
  if (text.includes(START) && text.includes(END)) {
    text = text.slice(0, text.indexOf(START)) + block + text.slice(text.indexOf(END) + END.length);
  } else {
    // After the title and its first paragraph.
    const at = text.indexOf('\n\n', text.indexOf('\n\n') + 2);
    text = at > 0 ? `${text.slice(0, at)}\n\n${block}${text.slice(at)}` : `${text.replace(/\n*$/, '\n\n')}${block}\n`;
  }
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
}

main();
