/**
 * Harness overhead at 150,000 tokens of context: the time from `Conversation.send()` (the user
 * pressing Enter) to the request arriving at the mock Messages API (test/fixtures/mockAnthropic.ts,
 * its `bodyReceivedAt`, i.e. the last byte of the body read), against a baseline of the bare SDK
 * (@anthropic-ai/sdk, one client made beforehand) sending the very body the harness sent, to the
 * same mock, in the same process. Median of N alternating runs after 2 warm-up runs of each; the
 * overhead is harness - baseline (ms) and harness / baseline.
 *
 * The conversation is built as the CLI builds it, minus the parts that touch the user's disk: every
 * built-in tool (ALL_TOOLS, so the tool schemas are in each body), prompt-cache breakpoints, and
 * a fresh Conversation per run restored from a seeded history (bench/history.ts: read_file, grep,
 * run_command, edit_file and glob calls with their results, text). Two settings:
 *  - micro-compaction off: the history is ~150,000 tokens and all of it is sent;
 *  - micro-compaction on, warm cache, after earlier batches: a longer history whose clearable old
 *    results were cleared before (restored as such, as `--resume` does), so the REQUEST is
 *    ~150,000 tokens; each request projects the whole history.
 * Session notes and auto-compaction do not run (no model call other than the one measured).
 *
 *   npm run bench:harness        (node out/bench/harness.bench.js [--runs 15] [--tokens 150000])
 */
import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockAnthropicServer, countTokens, type RecordedRequest } from '../test/fixtures/mockAnthropic';
import { applyClearing, clearableResults } from '../src/core/compaction/microcompact';
import { estimateMessagesTokens } from '../src/core/compaction/tokens';
import { Conversation } from '../src/core/session/conversation';
import { ALL_TOOLS } from '../src/core/tools';
import type { ToolContext } from '../src/core/tools/tool';
import { syntheticHistory } from './history';
import { fmtMs, int, machine, median, numArg, printTable, writeResult, type Figure } from './results';

const RUNS = numArg('runs', 15);
const TARGET = numArg('tokens', 150_000);
const KEY = 'bench-key';
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Cut to the last assistant text answer, so a new user message may follow. */
function endOnAnswer(h: MessageParam[]): MessageParam[] {
  let n = h.length;
  while (n > 0 && !(h[n - 1].role === 'assistant' && Array.isArray(h[n - 1].content) && (h[n - 1].content as any[]).every((b) => b.type === 'text'))) n--;
  return h.slice(0, n);
}

/** The shortest history whose projection, with every clearable old result cleared, reaches TARGET tokens. */
function clearedHistory(): { history: MessageParam[]; cleared: string[] } {
  const long = syntheticHistory({ tokens: TARGET * 8 }, 11);
  const projected = (n: number) => {
    const h = endOnAnswer(long.slice(0, n));
    const cleared = clearableResults(h).map((c) => c.id);
    return { h, cleared, tokens: estimateMessagesTokens(applyClearing(h, new Set(cleared)).messages) };
  };
  let lo = 2;
  let hi = long.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (projected(mid).tokens >= TARGET) hi = mid;
    else lo = mid + 1;
  }
  const p = projected(lo);
  return { history: p.h, cleared: p.cleared };
}

interface Mode { label: string; history: MessageParam[]; cleared?: string[]; micro: boolean }

async function main(): Promise<void> {
  const m = machine();
  const mock = await MockAnthropicServer.start({ apiKeys: [KEY] });
  const home = mkdtempSync(path.join(os.tmpdir(), 'reverie-harness-bench-'));
  const sdk = new Anthropic({ apiKey: KEY, baseURL: mock.url, maxRetries: 0 });
  const signal = new AbortController().signal;
  const c = clearedHistory();
  const modes: Mode[] = [
    { label: 'micro-compaction off', history: endOnAnswer(syntheticHistory({ tokens: TARGET }, 7)), micro: false },
    { label: 'micro-compaction on, warm, earlier batches', history: c.history, cleared: c.cleared, micro: true },
  ];
  const only = (): RecordedRequest => {
    const main = mock.requests.filter((r) => r.path === '/v1/messages');
    if (main.length !== 1) throw new Error(`expected one request, the mock got ${main.length}`);
    return main[0];
  };
  const harnessOnce = async (mode: Mode) => {
    const convo = new Conversation({
      access: { apiKey: async () => KEY, baseUrl: () => mock.url, model: () => 'claude-sonnet-5-5' },
      log: quiet, tools: ALL_TOOLS,
      toolContext: () => { throw new Error('no tool runs in this bench'); },
      sessionDir: (id) => path.join(home, id),
      compaction: () => ({ microCompaction: mode.micro, sessionNotes: false, autoCompact: false }),
    });
    convo.restore(mode.history, undefined, { lastActivityAt: Date.now(), cleared: mode.cleared });
    mock.reset();
    const t0 = performance.now();
    const out = await convo.send('Now fix the failing test in src/parser/handler.ts and run the tests again.', signal);
    if (out.state !== 'completed') throw new Error(`the run ended ${out.state}: ${out.error?.message}`);
    const r = only();
    return { ms: r.bodyReceivedAt! - t0, headersMs: r.receivedAt! - t0, body: r.body };
  };
  const sdkOnce = async (body: any) => {
    mock.reset();
    const t0 = performance.now();
    const stream = await sdk.messages.create(body, { signal });
    for await (const _ of stream as unknown as AsyncIterable<unknown>) { /* read it to the end, as the harness does */ }
    const r = only();
    return { ms: r.bodyReceivedAt! - t0, headersMs: r.receivedAt! - t0 };
  };

  console.log(`harness overhead: ${RUNS} runs of each after 2 warm-up runs; ${m.cores} cores, load ${m.loadStart.join(' ')}; node ${process.version}\n`);
  const figures: Figure[] = [];
  const rows: string[][] = [['setting', 'request tokens', 'history', 'harness: submit -> request received', 'bare SDK, same body', 'overhead', 'ratio']];
  const detail: unknown[] = [];
  try {
    for (const mode of modes) {
      const h: number[] = [];
      const b: number[] = [];
      const hh: number[] = [];
      const bh: number[] = [];
      let body: any;
      for (let i = 0; i < RUNS + 2; i++) {
        const x = await harnessOnce(mode);
        body = x.body;
        const y = await sdkOnce(body);
        if (i < 2) continue;
        h.push(x.ms); hh.push(x.headersMs); b.push(y.ms); bh.push(y.headersMs);
      }
      const bodyJson = JSON.stringify(body);
      const reqTokens = countTokens(bodyJson);
      const histTokens = estimateMessagesTokens(mode.history);
      const [mh, mb] = [median(h), median(b)];
      rows.push([mode.label, `~${int(reqTokens)} (${(bodyJson.length / 1e6).toFixed(2)} MB)`, `${mode.history.length} msgs, ~${int(histTokens)} tok`, fmtMs(mh), fmtMs(mb), fmtMs(mh - mb), `${(mh / mb).toFixed(2)}x`]);
      figures.push({
        figure: `harness overhead, submit -> request received, ~${int(Math.round(reqTokens / 1000))}k-token request (${mode.label})`,
        value: mh, unit: 'ms', baseline: { label: 'bare SDK, same body', value: mb }, ratio: mh / mb,
        note: `overhead ${fmtMs(mh - mb)}; history ${mode.history.length} messages, ~${int(histTokens)} tokens`,
      });
      detail.push({ mode: mode.label, requestTokens: reqTokens, bodyBytes: bodyJson.length, historyMessages: mode.history.length, historyTokens: histTokens,
        harnessMs: h, sdkMs: b, harnessHeadersMs: hh, sdkHeadersMs: bh, medianHeaders: { harness: median(hh), sdk: median(bh) } });
    }
  } finally {
    await mock.close();
    rmSync(home, { recursive: true, force: true });
  }
  printTable(rows);
  console.log('\n(request tokens: the mock\'s estimate of the whole body, tools and system prompt included; history tokens: compaction/tokens.ts estimate)');
  writeResult({ name: 'harness', title: 'Harness overhead at 150,000 tokens', reproduce: 'npm run bench:harness', machine: m, figures, detail });
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
