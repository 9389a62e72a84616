import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DREAM_LOG_FILE } from '../../../src/core/dream/types';
import { MockAnthropicServer, reply, toolCall } from '../../fixtures/mockAnthropic';
import { topic } from './support';
import { CLI, runCli } from '../cli/runCli';



describe('reverie dream (dist/cli.js)', function () {
  this.timeout(60_000);
  let mock: MockAnthropicServer;
  let home: string;
  let ws: string;
  let mem: string;
  const env = () => ({ ANTHROPIC_API_KEY: 'cli-key', ANTHROPIC_BASE_URL: mock.url, HOME: home });
  const script = () => mock.enqueue(
    toolCall('read_file', { path: 'old.md' }, { id: 'toolu_r' }),
    toolCall('delete_file', { path: 'old.md' }, { id: 'toolu_d' }),
    reply('Pruned one.\n```json\n{"summary": "Pruned old.md.", "changes": [{"file": "old.md", "action": "deleted", "reason": "duplicate of new.md"}]}\n```'),
  );

  before(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "node esbuild.mjs" first`);
    mock = await MockAnthropicServer.start({ apiKeys: ['cli-key'] });
  });
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-cli-dream-'));
    ws = path.join(home, 'ws');
    mem = path.join(ws, '.reverie', 'memory');
    fs.mkdirSync(mem, { recursive: true });
    fs.writeFileSync(path.join(mem, 'old.md'), topic('Old', 'old', 'project', 'Releases on Fridays.'));
    fs.writeFileSync(path.join(mem, 'new.md'), topic('New', 'new', 'project', 'Releases on Fridays.'));
  });
  afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

  it('says why no dream is due and exits 0 without calling the model', async () => {
    const run = await runCli(['dream', '--cwd', ws], env());
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'No dream is due: 0 sessions so far (never dreamed); needs 5. Use --force to dream now.\n');
    assert.equal(mock.requests.length, 0);
  });

  it('--force dreams and lists the changes, and leaves the folder as it was without --apply', async () => {
    script();
    const run = await runCli(['dream', '--cwd', ws, '--force'], env());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Pruned old\.md\.\n\nReverie dreamed: 0 merged, 1 pruned, 0 updated, 0 created \(0 sessions looked at\)\n {2}deleted {2}old\.md — duplicate of new\.md\n/);
    assert.match(run.stdout, /Not applied: the memory folder is unchanged\. To dream again and apply, run: reverie dream --force --apply/);
    assert.match(run.stderr, /· Reading memory…\n· read_file old\.md\n· delete_file old\.md\n· Comparing…\n/);
    assert.ok(fs.existsSync(path.join(mem, 'old.md')));
    assert.equal(fs.existsSync(path.join(mem, DREAM_LOG_FILE)), false);
  });

  it('--force --apply applies, snapshots and logs', async () => {
    script();
    const run = await runCli(['dream', '--cwd', ws, '--force', '--apply'], env());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`Applied 1 changes to ${mem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(snapshot \\S+; see dream-log\\.md\\)\\.\\n$`));
    assert.equal(fs.existsSync(path.join(mem, 'old.md')), false);
    assert.match(fs.readFileSync(path.join(mem, DREAM_LOG_FILE), 'utf8'), /- \*\*deleted\*\* `old\.md`: duplicate of new\.md\n/);
  });

  it('bad usage exits 2', async () => {
    const run = await runCli(['dream', '--bogus'], env());
    assert.equal(run.code, 2);
    assert.match(run.stderr, /usage: reverie dream/);
  });
});
