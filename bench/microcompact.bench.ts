/**
 * Micro-compaction on a 2,000-message history (bench/history.ts: ~1,000 tool calls of read_file,
 * grep, run_command, edit_file and glob with their results, assistant text, user prompts; seeded).
 * Times, median of N runs each (after 3 warm-up runs):
 *  - a cold batch: `MicroCompactor.project` when the cache is cold, so every eligible old result is
 *    cleared (the most work one projection does); prints results and tokens cleared;
 *  - a steady projection: the same cleared set applied again with no new batch (what every
 *    request after a batch pays);
 *  - the loop's whole pre-request step: `ContextManager.prepare` (context estimate, auto-compaction
 *    check, projection) and `withCacheBreakpoints` (modelClient.ts), on a warm session.
 * Baseline, side by side: JSON.stringify of the projected messages, which the SDK does to every
 * request body anyway, so the ratio says what the projection adds to work that happens regardless.
 * Auto-compaction is off here (this history is far past any threshold; a full compaction is a
 * model call, not what is measured).
 *
 *   npm run bench:microcompact   (node out/bench/microcompact.bench.js [--runs 15] [--messages 2000])
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { estimateMessagesTokens } from '../src/core/compaction/tokens';
import { MicroCompactor, microCompactSoftThreshold, autoCompactThreshold } from '../src/core/compaction';
import { ContextManager } from '../src/core/session/contextManager';
import { withCacheBreakpoints } from '../src/core/model/modelClient';
import { SYSTEM_PROMPT } from '../src/core/context/systemPrompt';
import { newToolSession } from '../src/core/tools/tool';
import { syntheticHistory } from './history';
import { fmtMs, int, machine, median, msSince, numArg, printTable, writeResult, type Figure } from './results';

const RUNS = numArg('runs', 15);
const MESSAGES = numArg('messages', 2000);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const SOFT = microCompactSoftThreshold(autoCompactThreshold(200_000, 64_000));

function timeIt<T>(fn: () => T): { ms: number[]; last: T } {
  let last!: T;
  for (let i = 0; i < 3; i++) last = fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    last = fn();
    ms.push(msSince(t0));
  }
  return { ms, last };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  let last!: T;
  for (let i = 0; i < 3; i++) last = await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    last = await fn();
    ms.push(msSince(t0));
  }
  return { ms, last };
}

async function main(): Promise<void> {
  const m = machine();
  const history: MessageParam[] = syntheticHistory({ messages: MESSAGES });
  const tokens = estimateMessagesTokens(history);
  const results = history.reduce((n, msg) => n + (Array.isArray(msg.content) ? msg.content.filter((b) => b.type === 'tool_result').length : 0), 0);
  console.log(`history: ${history.length} messages, ${results} tool results, ~${int(tokens)} tokens (estimate), ${(JSON.stringify(history).length / 1e6).toFixed(1)} MB as JSON; ${RUNS} runs after 3 warm-up runs; ${m.cores} cores, load ${m.loadStart.join(' ')}\n`);

  // Cold batch: a fresh compactor, no request yet -> everything eligible is cleared.
  const cold = timeIt(() => new MicroCompactor({ softThreshold: SOFT }).project(history, { now: Date.now(), contextTokens: tokens }));
  // Steady: the same compactor after its batch, a warm cache and no pressure -> no new batch.
  const warm = new MicroCompactor({ softThreshold: SOFT });
  warm.project(history, { now: Date.now(), contextTokens: tokens });
  const steady = timeIt(() => warm.project(history, { now: Date.now(), lastRequestAt: Date.now() - 1000, contextTokens: 0 }));
  if (steady.last.batch) throw new Error('the steady projection cleared a new batch');
  // The loop's pre-request step, as Conversation wires it (ContextManager.prepare, then the breakpoints modelClient adds).
  const manager = new ContextManager({
    log: quiet, model: () => 'claude-sonnet-5-5', settings: () => ({ autoCompact: false, sessionNotes: false }),
    complete: () => Promise.reject(new Error('no model calls in this bench')), readText: async () => undefined, reminder: async () => undefined,
  });
  const session = newToolSession('/tmp/reverie-microcompact-bench');
  const signal = new AbortController().signal;
  await manager.prepare(history, session, signal, () => {}); // the first request: a cold batch
  const step = await timeAsync(async () => {
    const p = await manager.prepare(history, session, signal, () => {});
    return withCacheBreakpoints(SYSTEM_PROMPT, p.messages, p.cacheAnchor);
  });
  const baseline = timeIt(() => JSON.stringify({ messages: steady.last.messages }).length);

  const c = cold.last;
  const base = median(baseline.ms);
  const rows: Figure[] = [
    { figure: `micro-compaction, cold batch, ${int(history.length)} messages`, value: median(cold.ms), unit: 'ms', baseline: { label: 'JSON.stringify of the request messages', value: base }, ratio: median(cold.ms) / base,
      note: `${int(c.clearedNow)} of ${int(results)} results cleared, ~${int(c.tokensSaved)} of ~${int(tokens)} tokens` },
    { figure: `micro-compaction, steady projection, ${int(history.length)} messages`, value: median(steady.ms), unit: 'ms', baseline: { label: 'JSON.stringify of the request messages', value: base }, ratio: median(steady.ms) / base },
    { figure: `pre-request step (prepare + cache breakpoints), ${int(history.length)} messages`, value: median(step.ms), unit: 'ms', baseline: { label: 'JSON.stringify of the request messages', value: base }, ratio: median(step.ms) / base },
  ];
  printTable([['figure', 'median', 'min..max', 'baseline: JSON.stringify', 'ratio'],
    ...rows.map((f, i) => { const ms = [cold, steady, step][i].ms; return [f.figure, fmtMs(f.value), `${fmtMs(Math.min(...ms))}..${fmtMs(Math.max(...ms))}`, fmtMs(base), `${f.ratio!.toFixed(2)}x`]; })]);
  console.log(`\ncleared by the cold batch: ${int(c.clearedNow)} results, ~${int(c.tokensSaved)} tokens (~${int(tokens - c.tokensSaved)} left of ~${int(tokens)})`);
  writeResult({
    name: 'microcompact', title: 'Micro-compaction on 2,000 messages', reproduce: 'npm run bench:microcompact', machine: m, figures: rows,
    detail: { messages: history.length, toolResults: results, tokens, clearedNow: c.clearedNow, tokensSaved: c.tokensSaved, runs: RUNS,
      samples: { cold: cold.ms, steady: steady.ms, step: step.ms, baseline: baseline.ms } },
  });
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
