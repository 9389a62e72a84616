/**
 * kill -9 of the headless CLI (dist/cli.js) mid-stream and mid-command, then `--resume`: the
 * request the resumed session sends (seen by the mock) holds the conversation up to the last
 * completed step: finished tool results present, no tool_use without a result, the half-streamed
 * answer not passed off as complete. A transcript with a torn last line (a write cut by the kill)
 * still loads, and what is appended after it is not lost. Prints the figures.
 */
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unpairedToolIds } from '../../../src/core/compaction/groups';
import { transcriptsDir } from '../../../src/core/memory/locations';
import { parseTranscript } from '../../../src/core/session/transcript';
import { MockAnthropicServer, historyProblem, plainMessages, reply, stallAfter, toolCall } from '../../fixtures/mockAnthropic';
import { CLI, runCli } from '../cli/runCli';

const until = async (what: string, ok: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};
const lastText = (m: any) => (typeof m.content === 'string' ? m.content : m.content.filter((b: any) => b.type === 'text').at(-1)?.text);
const text = (m: any) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content));

describe('fault suite: SIGKILL of the CLI, then --resume (issue 10)', function () {
  this.timeout(60_000);
  let mock: MockAnthropicServer;
  let home: string;
  let ws: string;
  let child: ChildProcess | undefined;
  const figures: string[] = [];
  const env = () => ({ ANTHROPIC_API_KEY: 'cli-key', ANTHROPIC_BASE_URL: mock.url, HOME: home });

  /** Starts the CLI; resolves its session id from the stream-json init line. */
  const start = (prompt: string): Promise<string> => new Promise((resolve, reject) => {
    child = spawn(process.execPath, [CLI, '-p', prompt, '--cwd', ws, '--permission-mode', 'bypass', '--output-format', 'stream-json', '--no-session-notes'], {
      env: { PATH: process.env.PATH ?? '', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const init = out.split('\n').find((l) => l.includes('"subtype":"init"'));
      if (init) resolve(JSON.parse(init).session_id);
    });
    child.on('exit', (code) => reject(new Error(`the CLI exited (${code}) before its init line`)));
  });
  const kill9 = async () => {
    const c = child!;
    const gone = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await gone;
    child = undefined;
  };
  const transcriptFile = (id: string) => path.join(transcriptsDir(home, ws), `${id}.jsonl`);
  const resume = async (id: string) => {
    const count = mock.requests.length;
    mock.enqueue(reply('Picked up where we left off.'));
    const run = await runCli(['-p', 'Go on.', '--cwd', ws, '--permission-mode', 'bypass', '--resume', id, '--output-format', 'json', '--no-session-notes'], env());
    assert.equal(run.code, 0, run.stderr);
    const sent = mock.requests.slice(count);
    assert.equal(sent.length, 1, 'the resumed session made one request');
    const messages = plainMessages(sent[0].body.messages);
    assert.equal(historyProblem(messages), undefined);
    assert.deepEqual(unpairedToolIds(messages), { uses: [], results: [] });
    return { messages, ms: run.ms, stderr: run.stderr };
  };

  before(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "node esbuild.mjs" first`);
    mock = await MockAnthropicServer.start({ apiKeys: ['cli-key'] });
  });
  after(async () => {
    console.log(`    SIGKILL: ${figures.join('; ')}`);
    await mock.close();
  });
  beforeEach(() => {
    mock.reset();
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-kill-')));
    ws = path.join(home, 'ws');
    fs.mkdirSync(ws);
  });
  afterEach(async () => {
    if (child) await kill9();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('killed while an answer streams: resume has the finished tool step, not the half answer', async () => {
    mock.enqueue(
      toolCall('write_file', { path: 'done.txt', content: 'step one\n' }, { id: 'toolu_k1' }),
      stallAfter(6, 'HALF-ANSWER that was still streaming when the process died'),
    );
    const id = await start('Write done.txt, then explain.');
    await until('the second request to stream', () => mock.requests.length === 2);
    await new Promise((r) => setTimeout(r, 150)); // a few events of it have arrived
    await kill9();
    assert.equal(fs.readFileSync(path.join(ws, 'done.txt'), 'utf8'), 'step one\n');

    const { messages, ms } = await resume(id);
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user', 'user']);
    assert.equal(messages[1].content[0].id, 'toolu_k1');
    assert.equal(messages[2].content[0].tool_use_id, 'toolu_k1');
    assert.match(messages[2].content[0].content, /done\.txt/);
    assert.ok(!messages.some((m) => text(m).includes('HALF-ANSWER')), 'the half-streamed answer was kept');
    assert.equal(lastText(messages[3]), 'Go on.');
    figures.push(`mid-stream: kept ${messages.length - 1} messages, resumed in ${ms} ms`);
  });

  it('killed while a command runs: resume has the call answered as interrupted, and the earlier step', async () => {
    mock.enqueue(
      toolCall('run_command', { command: 'echo first' }, { id: 'toolu_c1' }),
      toolCall('run_command', { command: 'echo $$ > started.pid; sleep 30' }, { id: 'toolu_c2' }),
    );
    const id = await start('Run the two commands.');
    const marker = path.join(ws, 'started.pid');
    await until('the command to start', () => fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').endsWith('\n'));
    await kill9();
    // The command's process group outlives a SIGKILLed CLI (nothing can run in a killed process); end it here.
    try { process.kill(-Number(fs.readFileSync(marker, 'utf8')), 'SIGKILL'); } catch { /* already gone */ }

    const { messages, ms } = await resume(id);
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user', 'user']);
    assert.equal(messages[2].content[0].tool_use_id, 'toolu_c1');
    assert.match(messages[2].content[0].content, /first\nExit code: 0/);
    assert.equal(messages[3].content[0].id, 'toolu_c2', 'the call that was running is kept');
    assert.equal(messages[4].content[0].tool_use_id, 'toolu_c2');
    assert.equal(messages[4].content[0].is_error, true);
    assert.match(messages[4].content[0].content, /ended before this tool call finished/);
    // Resumed again: the unfinished call is now mid-conversation, and still answered the same way.
    const again = await resume(id);
    assert.deepEqual(again.messages.slice(0, 6), messages);
    assert.deepEqual(again.messages.slice(6).map((m) => m.role), ['assistant', 'user']);
    figures.push(`mid-command: kept ${messages.length - 1} messages, resumed in ${ms} ms`);
  });

  it('a transcript with a torn last line loads, and what resume appends is not lost with it', async () => {
    mock.enqueue(toolCall('write_file', { path: 'a.txt', content: 'a\n' }, { id: 'toolu_t1' }), reply('Wrote a.txt.'));
    const first = await runCli(['-p', 'Write a.txt.', '--cwd', ws, '--permission-mode', 'bypass', '--output-format', 'json', '--no-session-notes'], env());
    assert.equal(first.code, 0, first.stderr);
    const id = JSON.parse(first.stdout.trim().split('\n').at(-1)!).session_id;
    const file = transcriptFile(id);
    const whole = fs.readFileSync(file, 'utf8');
    fs.appendFileSync(file, '{"type":"message","time":"2026-01-01T00:00:00.000Z","message":{"role":"assistant","content":[{"type":"te');
    const torn = parseTranscript(fs.readFileSync(file, 'utf8'));
    assert.equal(torn.skippedLines, 1);
    assert.equal(torn.messages.length, parseTranscript(whole).messages.length);

    const { messages, stderr } = await resume(id);
    assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user']);
    assert.match(stderr, /1 unreadable line was skipped in this session's transcript/, 'the user is told what was skipped');
    // The resumed prompt and its answer were appended after the torn line: both must read back.
    const after = parseTranscript(fs.readFileSync(file, 'utf8'));
    assert.equal(after.skippedLines, 1, 'only the torn line is lost');
    assert.deepEqual(after.messages.slice(-2).map((r) => lastText(r.message)), ['Go on.', 'Picked up where we left off.']);
    figures.push(`torn line: ${after.messages.length} messages read back, ${after.skippedLines} line skipped`);
  });
});
