/**
 * Long-session benchmark (issue 6): the headless CLI (dist/cli.js, build it first with
 * `node esbuild.mjs`) runs a scripted session of 64 tool steps against the mock Messages API,
 * whose prompt cache (breakpoints, 20-block lookback, 5-minute TTL, 1,024-token minimum) and
 * 200,000-token context window are simulated. The same scenario runs twice in one invocation,
 * micro-compaction ON (the default) and OFF (`--no-micro-compaction`), each with a fresh mock
 * server, a fresh temp HOME and a fresh copy of the same workspace. Prints figures and the targets
 * met or missed; exits 0 whatever the figures are (1 only when the bench itself failed).
 *
 *   npm run bench:long-session          (builds dist/ too; `npm run bench` runs every benchmark)
 *   node out/bench/longSession.bench.js [--prompts 4] [--steps 16] [--no-write] [--keep] [--trace DIR]
 *
 * Also writes out/bench/results/longSession.json for bench/summary.ts (even with --no-write).
 * --no-write leaves BENCHMARKS.md alone; --keep keeps the temp workspace and HOME; --trace writes one
 * line per request (kind, simulated figures, step answered) and the CLI's events per run to DIR.
 *
 * THE SCENARIO. A workspace of 40 source files of 20-40 KB (seeded, code-like lines) and
 * `print.js`, which prints 20,000-29,500 characters of deterministic log lines for `node print.js N`.
 * The session is 4 user prompts (`-p`, then `--resume <session id>` from stream-json's init line),
 * each answered by 16 tool steps alternating read_file (each file read once) and run_command
 * (`node print.js N`, a different N each time), then a short text answer.
 *
 * HOW THE MOCK PICKS THE NEXT STEP, identically in both configurations. The mock answers with a
 * `fallback(body)` only (no queue, so a background call can never take a step meant for the main
 * loop). Requests without `tools` are background calls: the summary call (its system prompt is
 * SUMMARY_SYSTEM) gets a `<summary>` with the nine sections, the session-notes call (its prompt
 * starts "You keep the working notes") gets `<notes>` with the six sections. A request with tools
 * is the main loop; its step is a pure function of its LAST message:
 *   - the last message carries a tool_result for one of our tool calls: every call we issue has the
 *     id `toolu_bench_<prompt>_<step>_<serial>`, so the result names the step it answers, and the
 *     reply is step + 1 (after the last step of a prompt, the prompt's closing text);
 *   - otherwise it is a new prompt: its text contains `[part P of N]` (the last occurrence counts,
 *     since a compaction summary placed before it quotes the earlier prompts) and the reply is step 0
 *     of prompt P.
 * This is "count the main requests that carry a NEW tool result", without a counter that could
 * drift: a retried request (same last message), a reactive compaction (which keeps the latest round
 * verbatim) or an auto compaction before a request all carry the same last tool result, so they get
 * the same step again, never the next one. The serial only keeps ids unique when a step is re-issued.
 *
 * WHAT IS MEASURED (from the mock's records of what was actually sent, never from the CLI's own
 * estimates): requests by kind, compactions and micro-compaction batches (the CLI's stream-json
 * events), "prompt is too long" refusals, the peak request size, uncached / cache-write / cache-read
 * input tokens summed over every request, the cache-read ratio over the main loop's requests after
 * its first, billed-equivalent input (uncached + 1.25 x write + 0.1 x read), and whether each tool
 * result reached the model whole the first time it was sent (compared with the expected output
 * computed here from the same seeded generators, under the tools' documented caps: run_command keeps
 * 30,000 characters; read_file reads 2,000 lines / 100,000 characters / 256 KB, none of which these
 * files reach).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countTokens, MockAnthropicServer, reply, toolCall, type MockStep, type RecordedRequest } from '../test/fixtures/mockAnthropic';
import { SUMMARY_SYSTEM, SUMMARY_SECTIONS } from '../src/core/compaction/summary';
import { NOTES_SECTIONS } from '../src/core/compaction/notes';
import { rng } from './random';
import { machine, writeResult } from './results';

// ---- options ---------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const arg = (name: string) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : undefined; };
const flag = (name: string) => argv.includes(`--${name}`);
const PROMPTS = Number(arg('prompts') ?? 4);
const STEPS = Number(arg('steps') ?? 16);
const FILES = 40;
const MAX_TURNS = STEPS + 10;
const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const API_KEY = 'bench-test-key';
const CONTEXT_WINDOW = 200_000;
/** The tools' documented caps (src/core/tools/runCommand.ts MAX_COMMAND_OUTPUT, readFile.ts). */
const COMMAND_CAP = 30_000;
const READ_MAX_LINES = 2000;
const READ_MAX_CHARS = 100_000;
const READ_MAX_LINE_CHARS = 2000;

// ---- deterministic content -------------------------------------------------------------------


const IDENTS = ('request response cache entry session token buffer stream parser config options handler result value ' +
  'items index count offset limit retry timeout signal reader writer schema record message context budget window ' +
  'summary batch group marker prefix suffix path folder user model output input state queue worker').split(' ');
const TYPES = ['string', 'number', 'boolean', 'Buffer', 'Map<string, number>', 'Promise<void>', 'readonly string[]', 'Record<string, unknown>'];

/** One TypeScript-looking source file of about `bytes` bytes. */
function sourceFile(seed: number, bytes: number): string {
  const rand = rng(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)];
  const name = () => pick(IDENTS) + pick(IDENTS).replace(/^./, (c) => c.toUpperCase());
  const lines: string[] = [`// Module ${seed}: generated for the long-session benchmark.`, `import * as path from 'node:path';`,
    `import { ${name()}, ${name()} } from './${pick(IDENTS)}';`, ''];
  let size = lines.join('\n').length;
  while (size < bytes) {
    const fn = name();
    const block = [
      `/** ${pick(['Reads', 'Writes', 'Checks', 'Builds', 'Parses', 'Merges'])} the ${pick(IDENTS)} ${pick(IDENTS)} for ${pick(IDENTS)}s. */`,
      `export async function ${fn}(${pick(IDENTS)}: ${pick(TYPES)}, ${pick(IDENTS)}: ${pick(TYPES)}): Promise<${pick(TYPES)}> {`,
    ];
    const body = 4 + Math.floor(rand() * 10);
    for (let i = 0; i < body; i++) {
      block.push(pick([
        `  const ${name()} = await ${pick(IDENTS)}.${name()}(${pick(IDENTS)}, ${Math.floor(rand() * 1000)});`,
        `  if (${pick(IDENTS)}.length > ${Math.floor(rand() * 500)}) throw new Error('${pick(IDENTS)} ${pick(IDENTS)} is too large');`,
        `  for (const ${pick(IDENTS)} of ${pick(IDENTS)}s) ${pick(IDENTS)}.push(${name()}(${pick(IDENTS)}));`,
        `  // ${pick(['TODO', 'NOTE', 'FIXME'])}: ${pick(IDENTS)} ${pick(IDENTS)} ${pick(IDENTS)} before the ${pick(IDENTS)} is ${pick(['flushed', 'closed', 'read', 'sent'])}`,
        `  let ${pick(IDENTS)} = path.join(${pick(IDENTS)}, '${pick(IDENTS)}-${Math.floor(rand() * 100)}.json');`,
        `  return { ${pick(IDENTS)}: ${pick(IDENTS)}, ${pick(IDENTS)}: ${Math.floor(rand() * 1e6)} };`,
      ]));
    }
    block.push('}', '');
    for (const l of block) size += l.length + 1;
    lines.push(...block);
  }
  return `${lines.join('\n')}\n`;
}

/** The generator print.js runs; the bench evaluates the same source to know the expected output. */
const PRINT_SOURCE = `function printed(n) {
  let seed = 1000 + n;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const target = 20000 + Math.floor(rand() * 9500);
  const levels = ['INFO ', 'INFO ', 'DEBUG', 'WARN ', 'INFO '];
  const what = ['processed batch', 'flushed cache', 'opened stream', 'parsed record', 'retried request', 'closed session'];
  const lines = [];
  let size = 0;
  let ms = n * 3600000;
  while (true) {
    ms += Math.floor(rand() * 2000);
    const line = '[' + new Date(Date.UTC(2026, 0, 1) + ms).toISOString() + '] ' + levels[Math.floor(rand() * levels.length)] +
      ' worker-' + Math.floor(rand() * 8) + ' ' + what[Math.floor(rand() * what.length)] + ' ' + Math.floor(rand() * 100000) +
      ' in ' + Math.floor(rand() * 900) + 'ms (items=' + Math.floor(rand() * 5000) + ', bytes=' + Math.floor(rand() * 1e7) + ')';
    if (size + line.length + 1 > target) break;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\\n') + '\\n';
}`;
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const printed = new Function(`${PRINT_SOURCE}\nreturn printed;`)() as (n: number) => string;

const filePath = (i: number) => `src/${IDENTS[i % IDENTS.length]}/${IDENTS[(i * 7 + 3) % IDENTS.length]}${i}.ts`;
const fileBytes = (i: number) => 20_000 + Math.floor(rng(500 + i)() * 20_000);
const fileText = (i: number) => sourceFile(100 + i, fileBytes(i));

function createWorkspace(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < FILES; i++) {
    const p = path.join(dir, filePath(i));
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, fileText(i));
  }
  writeFileSync(path.join(dir, 'print.js'), `${PRINT_SOURCE}\nprocess.stdout.write(printed(Number(process.argv[2] ?? 1)));\n`);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-workspace', private: true }, null, 2));
}

// ---- the script --------------------------------------------------------------------------------

type Call = { name: 'read_file'; input: { path: string } } | { name: 'run_command'; input: { command: string; description: string } };

/** Global step g (0-based over the whole session): even steps read file g/2, odd steps run print.js. */
function stepCall(prompt: number, step: number): Call {
  const g = prompt * STEPS + step;
  if (g % 2 === 0) return { name: 'read_file', input: { path: filePath((g / 2) % FILES) } };
  const n = (g + 1) / 2;
  return { name: 'run_command', input: { command: `node print.js ${n}`, description: `Print report ${n}` } };
}

/** What the tool should return, whole (under the documented caps). */
function expectedResult(call: Call): string {
  if (call.name === 'run_command') {
    const n = Number(call.input.command.split(' ').pop());
    const out = printed(n).replace(/\n+$/, '');
    if (out.length > COMMAND_CAP) throw new Error(`print.js ${n} prints ${out.length} characters, more than run_command keeps; fix the generator`);
    return `${out}\nExit code: 0`;
  }
  const i = Number(/(\d+)\.ts$/.exec(call.input.path)![1]);
  const lines = fileText(i).split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length > READ_MAX_LINES || lines.some((l) => l.length > READ_MAX_LINE_CHARS)) throw new Error(`${call.input.path} is over read_file's line limits; fix the generator`);
  const text = lines.map((l, k) => `${String(k + 1).padStart(6)}\t${l}`).join('\n');
  if (text.length > READ_MAX_CHARS) throw new Error(`${call.input.path} is over read_file's character limit; fix the generator`);
  return text;
}

const promptText = (p: number) =>
  `[part ${p + 1} of ${PROMPTS}] Review the next part of the code base: read the modules one by one and, between reads, run ` +
  '`node print.js N` to look at the matching worker report. Keep going without asking; tell me briefly what you found at the end.';

const ID_RE = /^toolu_bench_(\d+)_(\d+)_\d+$/;
const PART_RE = /\[part (\d+) of \d+\]/g;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: any) => (b?.type === 'text' ? String(b.text) : b?.type === 'tool_result' ? textOf(b.content) : '')).join('\n');
}

type Kind = 'main' | 'summary' | 'notes' | 'other';

function kindOf(body: any): Kind {
  if (Array.isArray(body?.tools) && body.tools.length > 0) return 'main';
  const system = typeof body?.system === 'string' ? body.system : Array.isArray(body?.system) ? body.system.map((b: any) => b.text ?? '').join('\n') : '';
  if (system === SUMMARY_SYSTEM) return 'summary';
  const first = textOf(body?.messages?.[0]?.content);
  if (first.startsWith('You keep the working notes')) return 'notes';
  return 'other';
}

/** A plausible summary: the nine sections, naming what the transcript shows was read and run. */
function summaryAnswer(body: any): string {
  const text = textOf(body.messages?.[0]?.content);
  const files = [...new Set(text.match(/src\/[\w/]+\d+\.ts/g) ?? [])];
  const commands = [...new Set(text.match(/node print\.js \d+/g) ?? [])];
  const users = [...new Set(text.match(/\[part \d+ of \d+\][^"\n]*/g) ?? [])];
  const sections = SUMMARY_SECTIONS.map((s, i) => {
    const title = s.split(':')[0];
    const lines: string[] = [];
    switch (i) {
      case 0: lines.push('The user asked for a review of the code base in parts: read every module in turn and look at the matching worker report between reads, without stopping to ask.'); break;
      case 1: lines.push('TypeScript modules under src/, generated worker reports printed by print.js; reports are log lines with batch, items and bytes figures.'); break;
      case 2: lines.push(...files.map((f) => `- ${f}: read whole; exported async helpers over request/cache/session values.`)); break;
      case 3: lines.push('No errors so far; every command exited with code 0.'); break;
      case 4: lines.push(...commands.map((c) => `- ${c}: report read; nothing abnormal (WARN lines only for retried requests).`)); break;
      case 5: lines.push(...users.map((u) => `- ${JSON.stringify(u)}`)); break;
      case 6: lines.push('Continue reading the remaining modules and reports of the current part.'); break;
      case 7: lines.push(`Reading modules and reports; last file ${files.at(-1) ?? '(none)'}, last command ${commands.at(-1) ?? '(none)'}.`); break;
      default: lines.push(`Read the next module, as the latest request says: "${(users.at(-1) ?? '').slice(0, 120)}".`);
    }
    return `${i + 1}. ${title}:\n${lines.join('\n')}`;
  });
  return `<analysis>\nWent through the transcript in order: ${files.length} file reads, ${commands.length} report commands.\n</analysis>\n<summary>\n${sections.join('\n\n')}\n</summary>`;
}

/** Plausible session notes: the six sections with their description lines, filled from the transcript. */
function notesAnswer(body: any): string {
  const text = textOf(body.messages?.[0]?.content);
  const files = [...new Set(text.match(/src\/[\w/]+\d+\.ts/g) ?? [])];
  const commands = [...new Set(text.match(/node print\.js \d+/g) ?? [])];
  const fill: Record<string, string[]> = {
    'Current state': [`Reviewing modules and worker reports; latest: ${files.at(-1) ?? '-'}, ${commands.at(-1) ?? '-'}.`],
    Task: ['Review the code base part by part: read each module, run `node print.js N` between reads, report at the end.'],
    'Files and functions': files.map((f) => `- ${f}: async helpers over request/cache/session values.`),
    'Errors and corrections': ['None so far.'],
    Learnings: ['Reports are deterministic log lines; every command exits 0.'],
    'Work log': [...files.map((f) => `- read ${f}`), ...commands.map((c) => `- ran ${c}`)],
  };
  const notes = NOTES_SECTIONS.map(([title, what]) => `# ${title}\n_${what}_\n${(fill[title] ?? ['-']).join('\n')}\n`).join('\n');
  return `<notes>\n${notes}</notes>`;
}

/** The mock's fallback for one run; `serial` keeps tool ids unique if a step is ever issued twice. */
function scriptedFallback() {
  let serial = 0;
  const issue = (p: number, s: number): MockStep => {
    if (s >= STEPS) return reply(`Part ${p + 1} reviewed: ${STEPS / 2} modules read and ${STEPS / 2} reports checked; nothing needs fixing.`);
    const call = stepCall(p, s);
    const what = call.name === 'read_file' ? `Reading ${call.input.path}.` : `Running ${call.input.command}.`;
    return toolCall(call.name, call.input, { text: what, id: `toolu_bench_${p}_${s}_${serial++}` });
  };
  return (body: any): MockStep => {
    const kind = kindOf(body);
    if (kind === 'summary') return reply(summaryAnswer(body));
    if (kind === 'notes') return reply(notesAnswer(body));
    if (kind === 'other') return reply('OK.');
    const last = body.messages.at(-1);
    const blocks: any[] = Array.isArray(last?.content) ? last.content : [];
    const answered = blocks.filter((b) => b.type === 'tool_result').map((b) => ID_RE.exec(b.tool_use_id)).filter((m): m is RegExpExecArray => !!m);
    if (answered.length) {
      const m = answered[answered.length - 1];
      return issue(Number(m[1]), Number(m[2]) + 1);
    }
    const parts = [...textOf(last?.content).matchAll(PART_RE)];
    if (parts.length) return issue(Number(parts[parts.length - 1][1]) - 1, 0);
    return reply('I have nothing scripted for this message.');
  };
}

// ---- running the CLI ---------------------------------------------------------------------------

interface CliRun {
  code: number | null;
  state?: string;
  sessionId?: string;
  events: any[];
  stderr: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const events = out.split('\n').filter((l) => l.trim()).flatMap((l) => {
        try { return [JSON.parse(l)]; } catch { return [{ type: 'unparsed', line: l }]; }
      });
      const init = events.find((e) => e.type === 'system' && e.subtype === 'init');
      const result = events.find((e) => e.type === 'result');
      resolve({ code, state: result?.state, sessionId: init?.session_id, events, stderr: err });
    });
  });
}

interface RunFigures {
  label: string;
  wallMs: number;
  states: string[];
  requests: Record<Kind, number>;
  fullCompactions: number;
  compactionDetail: string;
  microBatches: number;
  microDetail: string;
  promptTooLong: number;
  contextOverflow: number;
  otherErrors: number;
  peakTokens: number;
  uncached: number;
  write: number;
  read: number;
  mainRatioAfterFirst: number;
  billed: number;
  billedMain: number;
  billedBackground: number;
  toolResults: number;
  /** Simulated tokens of every tool result the first time it was sent: new content, written to the cache at least once. */
  firstSentTokens: number;
  cutFirstTime: number;
  /** Requests whose client went away before the answer ended (a background call cut off by the CLI exiting). */
  aborted: Record<Kind, number>;
  /** Main requests after the first that read less than half of the previous main request: the cache was rebuilt. */
  rebuilds: number;
  rebuildWrites: number;
  cutDetail: string[];
  orphanResults: number;
  unscripted: number;
}

async function runScenario(label: string, base: string, extraArgs: string[]): Promise<RunFigures> {
  const workspace = path.join(base, 'workspace');
  const home = path.join(base, 'home');
  createWorkspace(workspace);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const mock = await MockAnthropicServer.start({ apiKeys: [API_KEY], promptCache: {}, contextWindow: CONTEXT_WINDOW, fallback: scriptedFallback() });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(ANTHROPIC_|REVERIE_)/.test(k)) env[k] = v;
  Object.assign(env, { HOME: home, ANTHROPIC_BASE_URL: mock.url, ANTHROPIC_API_KEY: API_KEY });

  const runs: CliRun[] = [];
  const started = Date.now();
  try {
    let session: string | undefined;
    for (let p = 0; p < PROMPTS; p++) {
      const args = ['-p', promptText(p), '--cwd', workspace, '--permission-mode', 'bypass', '--output-format', 'stream-json',
        '--max-turns', String(MAX_TURNS), ...(session ? ['--resume', session] : []), ...extraArgs];
      const run = await runCli(args, env);
      runs.push(run);
      if (!run.sessionId) throw new Error(`${label}: prompt ${p + 1} printed no init line (exit ${run.code}): ${run.stderr.slice(0, 2000)}`);
      if (run.state !== 'completed') process.stderr.write(`${label}: prompt ${p + 1} ended ${run.state ?? `without a result (exit ${run.code})`}: ${run.stderr.slice(-1000)}\n`);
      session ??= run.sessionId;
    }
  } finally {
    await mock.close();
  }
  const wallMs = Date.now() - started;
  const traceDir = arg('trace');
  if (traceDir) {
    mkdirSync(traceDir, { recursive: true });
    const slug = label.replace(/\W+/g, '-');
    const rows = mock.requests.filter((r) => r.path === '/v1/messages').map((r, i) => {
      const last = r.body?.messages?.at(-1);
      const ids = (Array.isArray(last?.content) ? last.content : []).filter((b: any) => b.type === 'tool_result').map((b: any) => b.tool_use_id);
      return JSON.stringify({ i, kind: kindOf(r.body), messages: r.body?.messages?.length, lastResult: ids.at(-1), aborted: r.clientAborted || undefined, ...r.simulated });
    });
    writeFileSync(path.join(traceDir, `${slug}.requests.jsonl`), `${rows.join('\n')}\n`);
    writeFileSync(path.join(traceDir, `${slug}.events.jsonl`), runs.map((r, p) => r.events.filter((e) => e.type === 'system' || e.type === 'result')
      .map((e) => JSON.stringify({ prompt: p + 1, ...e, summary: undefined })).join('\n')).join('\n') + '\n');
  }
  return measure(label, wallMs, runs, mock.requests);
}

function measure(label: string, wallMs: number, runs: CliRun[], all: RecordedRequest[]): RunFigures {
  const requests = all.filter((r) => r.method === 'POST' && r.path === '/v1/messages');
  const counts: Record<Kind, number> = { main: 0, summary: 0, notes: 0, other: 0 };
  let promptTooLong = 0, contextOverflow = 0, otherErrors = 0, peak = 0, uncached = 0, write = 0, read = 0;
  let billedMain = 0, billedBackground = 0;
  let mainSeen = 0, ratioRead = 0, ratioAll = 0, rebuilds = 0, rebuildWrites = 0, previousMainTotal = 0;
  const billedOf = (s: { uncached: number; creation: number; read: number }) => s.uncached + 1.25 * s.creation + 0.1 * s.read;
  for (const r of requests) {
    const kind = kindOf(r.body);
    counts[kind]++;
    const s = r.simulated;
    if (!s) { otherErrors++; continue; }
    peak = Math.max(peak, s.total);
    if (s.rejected === 'prompt_too_long') promptTooLong++;
    else if (s.rejected === 'context_overflow') contextOverflow++;
    else if (s.rejected) otherErrors++;
    if (s.rejected) continue;
    uncached += s.uncached;
    write += s.creation;
    read += s.read;
    if (kind === 'main') billedMain += billedOf(s);
    else billedBackground += billedOf(s);
    if (kind === 'main') {
      mainSeen++;
      if (mainSeen > 1) {
        ratioRead += s.read;
        ratioAll += s.uncached + s.creation + s.read;
        if (s.read < previousMainTotal / 2) {
          rebuilds++;
          rebuildWrites += s.creation + s.uncached;
        }
      }
      previousMainTotal = s.total;
    }
  }

  // Tool results: the first request that carries each one must carry it whole.
  let cut = 0;
  let orphans = 0;
  const cutDetail: string[] = [];
  for (const r of requests) {
    const msgs: any[] = r.body?.messages ?? [];
    msgs.forEach((m, i) => {
      if (m.role !== 'user' || !Array.isArray(m.content)) return;
      const prev = msgs[i - 1];
      const uses = new Set(prev?.role === 'assistant' && Array.isArray(prev.content) ? prev.content.filter((b: any) => b.type === 'tool_use').map((b: any) => b.id) : []);
      for (const b of m.content) {
        if (b.type !== 'tool_result') continue;
        if (!uses.has(b.tool_use_id)) orphans++;
      }
    });
  }
  const firstSent = new Map<string, string>();
  for (const r of requests) {
    for (const m of r.body?.messages ?? []) {
      if (m.role !== 'user' || !Array.isArray(m.content)) continue;
      for (const b of m.content) if (b.type === 'tool_result' && !firstSent.has(b.tool_use_id)) firstSent.set(b.tool_use_id, textOf(b.content));
    }
  }
  let firstSentTokens = 0;
  for (const [id, got] of firstSent) {
    firstSentTokens += countTokens(got);
    const m = ID_RE.exec(id);
    if (!m) continue;
    const want = expectedResult(stepCall(Number(m[1]), Number(m[2])));
    if (got === want) continue;
    cut++;
    const why = got.includes('cleared to save context') ? 'cleared marker' : got.includes('Output too long') ? 'spilled' : got.includes("this turn's budget") ? 'turn budget'
      : got.includes('has not changed since you read') ? 'unchanged-file notice' : got.length < want.length ? `shorter (${got.length} of ${want.length} chars)` : `different (${got.length} vs ${want.length} chars)`;
    if (cutDetail.length < 5) cutDetail.push(`${id}: ${why}`);
  }

  const events = runs.flatMap((r) => r.events);
  const compactions = events.filter((e) => e.type === 'system' && e.subtype === 'compaction');
  const micro = events.filter((e) => e.type === 'system' && e.subtype === 'micro_compaction');
  const by = (xs: any[], key: (x: any) => string) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
    return [...m].map(([k, n]) => `${n} ${k}`).join(', ');
  };
  return {
    label,
    wallMs,
    states: runs.map((r) => r.state ?? `exit ${r.code}`),
    requests: counts,
    fullCompactions: compactions.length,
    compactionDetail: compactions.length ? by(compactions, (c) => `${c.trigger}${c.from_notes ? ' from notes' : ''}`) : '-',
    microBatches: micro.length,
    microDetail: micro.length ? `${by(micro, (e) => e.reason)}; ${micro.reduce((n, e) => n + e.cleared, 0)} results cleared` : '-',
    promptTooLong,
    contextOverflow,
    otherErrors,
    peakTokens: peak,
    uncached,
    write,
    read,
    mainRatioAfterFirst: ratioAll ? ratioRead / ratioAll : 0,
    billed: billedMain + billedBackground,
    billedMain,
    billedBackground,
    toolResults: firstSent.size,
    firstSentTokens,
    rebuilds,
    rebuildWrites,
    cutFirstTime: cut,
    aborted: requests.reduce((a, r) => (r.clientAborted ? { ...a, [kindOf(r.body)]: a[kindOf(r.body)] + 1 } : a), { main: 0, summary: 0, notes: 0, other: 0 } as Record<Kind, number>),
    cutDetail,
    orphanResults: orphans,
    unscripted: requests.filter((r) => kindOf(r.body) === 'other').length,
  };
}

// ---- report --------------------------------------------------------------------------------

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function table(on: RunFigures, off: RunFigures): string[] {
  const rows: Array<[string, (f: RunFigures) => string]> = [
    ['requests: main / summary / notes', (f) => `${f.requests.main} / ${f.requests.summary} / ${f.requests.notes}${f.requests.other ? ` (+${f.requests.other} other)` : ''}`],
    ['full compactions', (f) => `${f.fullCompactions}${f.fullCompactions ? ` (${f.compactionDetail})` : ''}`],
    ['micro-compaction batches', (f) => `${f.microBatches}${f.microBatches ? ` (${f.microDetail})` : ''}`],
    ['"prompt is too long" errors', (f) => String(f.promptTooLong)],
    ['other refused requests (context overflow, ...)', (f) => String(f.contextOverflow + f.otherErrors)],
    ['peak request tokens', (f) => int(f.peakTokens)],
    ['input tokens uncached', (f) => int(f.uncached)],
    ['input tokens cache write', (f) => int(f.write)],
    ['input tokens cache read', (f) => int(f.read)],
    ['main requests that rebuilt the cache (read < half the previous one)', (f) => `${f.rebuilds}, writing ${int(f.rebuildWrites)} tokens`],
    ['cache-read ratio, main requests 2..n', (f) => f.mainRatioAfterFirst.toFixed(3)],
    ['billed-equivalent input (all requests)', (f) => int(f.billed)],
    ['  of which main loop / background calls', (f) => `${int(f.billedMain)} / ${int(f.billedBackground)}`],
    ['tool results cut the first time sent', (f) => `${f.cutFirstTime} of ${f.toolResults}`],
    ['tool-result tokens when first sent', (f) => int(f.firstSentTokens)],
    ['CLI runs ended', (f) => f.states.join(', ')],
    ['wall time', (f) => `${(f.wallMs / 1000).toFixed(1)} s`],
  ];
  const w0 = Math.max(...rows.map(([k]) => k.length));
  const cells = rows.map(([k, f]) => [k, f(on), f(off)]);
  const w1 = Math.max(on.label.length, ...cells.map((c) => c[1].length));
  const w2 = Math.max(off.label.length, ...cells.map((c) => c[2].length));
  const line = (a: string, b: string, c: string) => `| ${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c.padEnd(w2)} |`;
  return [line('', on.label, off.label), `|${'-'.repeat(w0 + 2)}|${'-'.repeat(w1 + 2)}|${'-'.repeat(w2 + 2)}|`, ...cells.map(([a, b, c]) => line(a, b, c))];
}

function targets(on: RunFigures, off: RunFigures): string[] {
  const ratio = off.billed ? on.billed / off.billed : NaN;
  const mark = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  return [
    `- zero "prompt is too long" errors: ON ${on.promptTooLong}, OFF ${off.promptTooLong} -> ${mark(on.promptTooLong === 0 && off.promptTooLong === 0)}`,
    `- billed-equivalent input ON / OFF <= 0.6: ${int(on.billed)} / ${int(off.billed)} = ${ratio.toFixed(3)} -> ${mark(ratio <= 0.6)}`,
    `- cache-read ratio >= 0.9 after the first request: ON ${on.mainRatioAfterFirst.toFixed(3)}, OFF ${off.mainRatioAfterFirst.toFixed(3)} -> ON ${mark(on.mainRatioAfterFirst >= 0.9)}, OFF ${mark(off.mainRatioAfterFirst >= 0.9)}`,
    `- tool results whole the first time sent: ON ${on.cutFirstTime} of ${on.toolResults} cut, OFF ${off.cutFirstTime} of ${off.toolResults} cut -> ${mark(on.cutFirstTime === 0 && off.cutFirstTime === 0)}`,
  ];
}

function warnings(figs: RunFigures[]): string[] {
  const out: string[] = [];
  for (const f of figs) {
    if (f.orphanResults) out.push(`${f.label}: ${f.orphanResults} tool_result blocks (summed over requests) had no tool_use in the message before them (the real API refuses that; the mock does not check it)`);
    const cutOff = Object.entries(f.aborted).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    if (cutOff.length) out.push(`${f.label}: requests whose answer was not read to the end (the CLI exited or gave up): ${cutOff.join(', ')}; their simulated input is counted`);
    if (f.unscripted) out.push(`${f.label}: ${f.unscripted} requests of no known kind were answered "OK."`);
    if (f.states.some((s) => s !== 'completed')) out.push(`${f.label}: not every CLI run completed: ${f.states.join(', ')}`);
    for (const d of f.cutDetail) out.push(`${f.label}: cut the first time: ${d}`);
  }
  return out;
}

const START = '<!-- long-session:start -->';
const END = '<!-- long-session:end -->';

function writeBenchmarksMd(section: string): string {
  const file = path.join(REPO, 'BENCHMARKS.md');
  const block = `${START}\n${section}\n${END}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nFigures, not pass/fail: `npm run bench` runs every benchmark and prints them.\n\n';
  if (text.includes(START) && text.includes(END)) text = text.slice(0, text.indexOf(START)) + block + text.slice(text.indexOf(END) + END.length);
  else text = `${text.replace(/\n*$/, '\n\n')}${block}\n`;
  writeFileSync(file, text);
  return file;
}

async function main() {
  const mach = machine();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`node esbuild.mjs\` first`);
  const base = path.join(os.tmpdir(), `reverie-long-session-bench-${process.pid}`);
  const cpus = os.cpus();
  console.log(`long session: ${PROMPTS} prompts x ${STEPS} tool steps, ${FILES} files of 20-40 KB, reports of 20-30 KB; ` +
    `window ${int(CONTEXT_WINDOW)}; ${cpus.length} cores (${cpus[0]?.model.trim()}); node ${process.version}`);
  const figs: RunFigures[] = [];
  try {
    for (const [label, extra] of [['micro ON', []], ['micro OFF', ['--no-micro-compaction']]] as const) {
      process.stdout.write(`running ${label} ...`);
      const f = await runScenario(label, path.join(base, 'run'), [...extra]);
      console.log(` ${(f.wallMs / 1000).toFixed(1)} s`);
      figs.push(f);
    }
  } finally {
    if (!flag('keep')) rmSync(base, { recursive: true, force: true });
  }
  const [on, off] = figs;
  const lines = [...table(on, off), '', 'Targets (issue 6):', ...targets(on, off)];
  const warn = warnings(figs);
  if (warn.length) lines.push('', 'Warnings:', ...warn.map((w) => `- ${w}`));
  console.log(`\n${lines.join('\n')}`);
  const ratio = off.billed ? on.billed / off.billed : NaN;
  writeResult({
    name: 'longSession', title: 'Long session, micro-compaction on and off', reproduce: 'npm run bench:long-session', machine: mach,
    figures: [
      { figure: `long session (${PROMPTS} prompts x ${STEPS} tool steps): billed-equivalent input, micro ON`, value: on.billed, unit: 'tokens', baseline: { label: 'micro OFF', value: off.billed }, ratio, target: 'ON/OFF <= 0.6', met: ratio <= 0.6 },
      { figure: 'long session: cache-read ratio after the first request, micro ON', value: on.mainRatioAfterFirst, unit: '', baseline: { label: 'micro OFF', value: off.mainRatioAfterFirst }, target: '>= 0.9', met: on.mainRatioAfterFirst >= 0.9 },
      { figure: 'long session: "prompt is too long" errors, ON / OFF', value: on.promptTooLong, unit: '', text: `${on.promptTooLong} / ${off.promptTooLong}`, target: '0', met: on.promptTooLong === 0 && off.promptTooLong === 0 },
      { figure: 'long session: peak request tokens, micro ON', value: on.peakTokens, unit: 'tokens', baseline: { label: 'micro OFF', value: off.peakTokens }, ratio: on.peakTokens / off.peakTokens },
      { figure: 'long session: wall time of the CLI runs, micro ON', value: on.wallMs / 1000, unit: 's', baseline: { label: 'micro OFF', value: off.wallMs / 1000 }, ratio: on.wallMs / off.wallMs },
    ],
    detail: { on: { ...on, cutDetail: undefined }, off: { ...off, cutDetail: undefined } },
  });

  if (!flag('no-write')) {
    const date = new Date().toISOString().slice(0, 10);
    const section = [
      '## Long session: micro-compaction on and off',
      '',
      `Measured ${date} on ${cpus.length} cores (shared), ${cpus[0]?.model.trim()}, node ${process.version}. Reproduce with:`,
      '',
      '```',
      'npm run bench:long-session    # tsc -p bench && node esbuild.mjs && node out/bench/longSession.bench.js',
      '```',
      '',
      `The headless CLI against the mock Messages API (simulated prompt cache and ${int(CONTEXT_WINDOW)}-token window): ${PROMPTS} prompts ` +
        `(\`--resume\`) x ${STEPS} tool steps alternating read_file of 20-40 KB files and \`node print.js N\` printing 20-30 KB, ` +
        'the same script in both columns. Token figures are the mock\'s simulated figures summed over every request (main loop, ' +
        'summaries, session notes); billed-equivalent input = uncached + 1.25 x cache write + 0.1 x cache read. See the header of ' +
        '`bench/longSession.bench.ts` for how the script stays identical between the two runs.',
      '',
      ...lines,
    ].join('\n');
    console.log(`\nwrote ${writeBenchmarksMd(section)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
