import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FINAL_ANSWER, copyBuggyRepo, fixScenario, toolResultsSent } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, toolCall, systemText } from '../../fixtures/mockAnthropic';
import { projectMemoryDir, transcriptsDir } from '../../../src/core/memory/locations';
import { CLI, runCli } from './runCli';



describe('headless CLI (dist/cli.js) against the mock API', function () {
  this.timeout(60_000);
  let mock: MockAnthropicServer;
  let home: string;
  const env = () => ({ ANTHROPIC_API_KEY: 'cli-key', ANTHROPIC_BASE_URL: mock.url, HOME: home });

  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "node esbuild.mjs" first`);
    mock = await MockAnthropicServer.start({ apiKeys: ['cli-key'] });
  });
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-home-'));
  });

  it('fixes a failing test in a small repo: read, grep, run, edit, run, answer', async () => {
    const repo = copyBuggyRepo();
    mock.enqueue(...fixScenario());
    const run = await runCli(['-p', 'The test fails. Fix it.', '--cwd', repo, '--permission-mode', 'acceptEdits', '--output-format', 'stream-json'], env());
    assert.equal(run.code, 0, run.stderr);
    // The repo is really fixed, and its test really passes now.
    assert.match(fs.readFileSync(path.join(repo, 'math.js'), 'utf8'), /return a \+ b;/);
    const sent = toolResultsSent(mock.requests);
    assert.match(sent.get('toolu_read')!.content, /3\s+return a - b;/, 'read_file sent the numbered file');
    assert.match(sent.get('toolu_grep')!.content, /math\.js/);
    assert.match(sent.get('toolu_test1')!.content, /FAIL: add\(2, 3\) returned -1[\s\S]*Exit code: 1/);
    assert.equal(sent.get('toolu_edit')!.is_error, undefined, sent.get('toolu_edit')!.content);
    assert.match(sent.get('toolu_test2')!.content, /PASS: add\(2, 3\) = 5[\s\S]*Exit code: 0/);
    // stream-json: init first, result last, one JSON object per line.
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(events[0].type, 'system');
    assert.equal(events[0].subtype, 'init');
    assert.ok(events[0].tools.includes('edit_file') && events[0].tools.includes('run_command'));
    const result = events.at(-1);
    assert.equal(result.type, 'result');
    assert.equal(result.state, 'completed');
    assert.equal(result.turns, 5);
    assert.equal(result.result, FINAL_ANSWER);
    assert.ok(result.usage.input_tokens > 0 && result.usage.output_tokens > 0);
    assert.equal(typeof result.cost_usd, 'number');
    assert.ok(events.some((e) => e.subtype === 'tool_use' && e.name === 'edit_file'));
    assert.ok(events.some((e) => e.subtype === 'tool_result' && e.tool_use_id === 'toolu_test2'));
    console.log(`      CLI fix-the-test session: ${run.ms} ms end to end, ${mock.requests.length} model requests`);
  });

  it('in ask mode without a terminal, a command that needs approval is denied with a clear message, and nothing runs', async () => {
    const repo = copyBuggyRepo();
    mock.enqueue(toolCall('run_command', { command: 'touch pwned.txt' }, { id: 'toolu_x' }), reply('I could not run it.'));
    const run = await runCli(['-p', 'make a file', '--cwd', repo, '--output-format', 'json'], env());
    assert.equal(run.code, 0, run.stderr);
    assert.ok(!fs.existsSync(path.join(repo, 'pwned.txt')));
    const denied = toolResultsSent(mock.requests).get('toolu_x')!;
    assert.equal(denied.is_error, true);
    assert.match(denied.content, /no one to ask/);
    const result = JSON.parse(run.stdout);
    assert.equal(result.state, 'completed');
  });

  it('text output prints the answer; --resume continues the saved session', async () => {
    const repo = copyBuggyRepo();
    mock.enqueue(reply('First answer.'));
    const first = await runCli(['-p', 'hello', '--cwd', repo, '--output-format', 'json'], env());
    const { session_id } = JSON.parse(first.stdout);
    mock.enqueue(reply('Second answer.'));
    const second = await runCli(['-p', 'again', '--cwd', repo, '--resume', session_id], env());
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'Second answer.\n');
    assert.deepEqual(mock.requests[1].body.messages.map((m: { role: string }) => m.role), ['user', 'assistant', 'user']);
    const transcript = fs.readFileSync(path.join(transcriptsDir(home, repo), `${session_id}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(transcript[0].type, 'session');
    assert.equal(transcript.filter((r) => r.type === 'message').length, 4, 'both runs appended to one transcript');
  });

  it('memory: a saved memory needs no approval; a new session starts with its index line but not its body; reading it brings the body', async () => {
    const repo = copyBuggyRepo();
    const memDir = projectMemoryDir({ home, workspaceRoot: repo, location: 'private' });
    const topic = path.join(memDir, 'prefers-tabs.md');
    mock.enqueue(
      toolCall('write_file', { path: topic, content: '---\nname: Prefers tabs\ndescription: indentation style for this project\ntype: feedback\n---\nThe user indents with tabs, never spaces.\n' }, { id: 'toolu_topic' }),
      toolCall('write_file', { path: path.join(memDir, 'MEMORY.md'), content: '- [Prefers tabs](prefers-tabs.md) — indentation style\n' }, { id: 'toolu_index' }),
      reply('Saved 1 memory.'),
    );
    const first = await runCli(['-p', 'Remember: I indent with tabs.', '--cwd', repo, '--output-format', 'json'], env());
    assert.equal(first.code, 0, first.stderr);
    const results = toolResultsSent(mock.requests);
    assert.notEqual(results.get('toolu_topic')!.is_error, true, results.get('toolu_topic')!.content);
    assert.ok(fs.existsSync(topic), 'written without approval, in ask mode with no terminal');
    assert.match(JSON.stringify(mock.requests[0].body.messages[0]), new RegExp(memDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the model is told where memory lives');

    mock.reset();
    mock.enqueue(toolCall('read_file', { path: topic }, { id: 'toolu_read' }), reply('You prefer tabs.'));
    const second = await runCli(['-p', 'How do I indent?', '--cwd', repo, '--output-format', 'json'], env());
    assert.equal(second.code, 0, second.stderr);
    const opening = JSON.stringify(mock.requests[0].body.messages[0]);
    assert.match(opening, /- \[Prefers tabs\]\(prefers-tabs\.md\) — indentation style/);
    assert.doesNotMatch(opening, /indents with tabs, never spaces/, 'the topic body is not loaded up front');
    assert.match(toolResultsSent(mock.requests).get('toolu_read')!.content, /indents with tabs, never spaces/);
    assert.match(systemText(mock.requests[0].body), /MEMORY\.md/, 'the system prompt teaches the memory scheme');
  });

  it('exits 1 when the run fails, and 2 for bad usage', async () => {
    const repo = copyBuggyRepo();
    const noKey = await runCli(['-p', 'hi', '--cwd', repo], { ANTHROPIC_BASE_URL: mock.url, HOME: home });
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /No Anthropic API key/);
    for (const bad of [['--bogus'], ['-p', 'x', '--max-turns', '0'], ['-p', 'x', '--cwd', '/does/not/exist'], ['-p', 'x', '--resume', 'nope-nope-nope']]) {
      const r = await runCli(bad, env());
      assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /usage: reverie/);
    }
  });
});
