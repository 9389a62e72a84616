/** The CLI: the task tool with agents discovered from --cwd, subagent events in stream-json, transcripts on disk. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { transcriptsDir } from '../../../src/core/memory/locations';
import { parseTranscript } from '../../../src/core/session/transcript';
import { searchHistory } from '../../../src/node/nodeTranscripts';
import { MockAnthropicServer, reply, toolCall, systemText } from '../../fixtures/mockAnthropic';
import { toolResultCount } from './harness';
import { CLI, runCli } from '../cli/runCli';



describe('subagents in the CLI (dist/cli.js)', function () {
  this.timeout(60_000);
  let mock: MockAnthropicServer;
  let base: string;
  before(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "node esbuild.mjs" first`);
    mock = await MockAnthropicServer.start({
      apiKeys: ['cli-key'],
      fallback: (body) => {
        if (systemText(body).includes('FINDER-PROMPT')) {
          return toolResultCount(body) === 0 ? toolCall('list_files', { path: '.' }, { id: 'toolu_ls' }) : reply('FINDER-ANSWER: README.md is here.');
        }
        return toolResultCount(body) === 0
          ? toolCall('task', { agent: 'finder', description: 'Find the readme', prompt: 'Where is the readme?' }, { id: 'toolu_task' })
          : reply('It is in README.md.');
      },
    });
  });
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-cli-agents-')));
  });
  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('runs a custom agent from .reverie/agents and prints its events', async () => {
    const home = path.join(base, 'home');
    const repo = path.join(base, 'repo');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, '.reverie', 'agents'), { recursive: true });
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(repo, 'README.md'), '# hi\n');
    fs.writeFileSync(path.join(repo, '.reverie', 'agents', 'finder.md'), '---\nname: finder\ndescription: Finds files\ntools: list_files, read_file\n---\nFINDER-PROMPT\n');
    const run = await runCli(['-p', 'Where is the readme?', '--cwd', repo, '--output-format', 'stream-json'], {
      ANTHROPIC_API_KEY: 'cli-key', ANTHROPIC_BASE_URL: mock.url, HOME: home,
    });
    assert.equal(run.code, 0, run.stderr);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(events[0].tools.includes('task'));
    const sessionId = events[0].session_id;
    const start = events.find((e) => e.subtype === 'subagent_start');
    assert.deepEqual([start.agent, start.subagent_id, start.tool_use_id, start.read_only], ['finder', `${sessionId}-sub-1`, 'toolu_task', true]);
    assert.ok(events.some((e) => e.type === 'subagent' && e.subtype === 'tool_use' && e.name === 'list_files' && e.subagent_id === start.subagent_id));
    assert.ok(events.some((e) => e.type === 'subagent' && e.subtype === 'usage'));
    const end = events.find((e) => e.subtype === 'subagent_end');
    assert.deepEqual([end.state, end.turns], ['completed', 2]);
    assert.match(events.find((e) => e.subtype === 'tool_result' && e.tool_use_id === 'toolu_task').content, /FINDER-ANSWER/);
    // The subagent's transcript sits next to the parent's, so search_history finds it.
    const file = path.join(transcriptsDir(home, repo), `${sessionId}-sub-1.jsonl`);
    const parsed = parseTranscript(fs.readFileSync(file, 'utf8'));
    assert.equal(parsed.header?.id, `${sessionId}-sub-1`);
    assert.match(JSON.stringify(parsed.messages[0].message), new RegExp(`started by session ${sessionId}`));
    assert.match(JSON.stringify(parsed.messages.at(-1)!.message), /FINDER-ANSWER/);
    const hits = await searchHistory({ root: transcriptsDir(home, repo), query: 'FINDER-ANSWER README', signal: new AbortController().signal });
    assert.ok(hits.some((h) => h.sessionId === `${sessionId}-sub-1` && h.role === 'assistant'), JSON.stringify(hits));
  });
});
