/**
 * Proves: the API key never appears in what a run leaves behind or shows: stdout, stderr (with
 * --verbose logging), the transcript files, or the error of a 401 and of a network failure. The
 * key is distinctive, so any copy of it (or a long slice of it) is found.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyBuggyRepo } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, toolCall } from '../../fixtures/mockAnthropic';
import { CLI, runCli } from '../cli/runCli';
import { count } from './figures';

const KEY = 'sk-ant-api03-REVERIE-TEST-SECRET-0123456789abcdefghijklmnopqrstuvwxyz-AA';
const WRONG = 'sk-ant-api03-REVERIE-TEST-SECRET-WRONG-9876543210zyxwvutsrqponmlkjihg-BB';

/** Fails if `text` holds the key or any 16-character slice of its secret part. */
function assertNoKey(text: string, where: string, key: string) {
  count('secrets', 'checks');
  const secret = key.slice('sk-ant-api03-'.length);
  for (let i = 0; i + 16 <= secret.length; i += 4) assert.ok(!text.includes(secret.slice(i, i + 16)), `${where} holds part of the key`);
}

const filesUnder = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => path.join(dir, f)).filter((f) => fs.statSync(f).isFile()) : []);

describe('security: the API key never leaks', function () {
  this.timeout(60_000);
  let mock: MockAnthropicServer;
  before(async function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "node esbuild.mjs" first`);
    mock = await MockAnthropicServer.start({ apiKeys: [KEY] });
  });
  after(() => mock.close());

  const session = async (key: string, baseUrl: string) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-sec-home-'));
    const repo = copyBuggyRepo();
    const r = await runCli(['-p', 'Read math.js', '--cwd', repo, '--verbose', '--output-format', 'stream-json'], { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: baseUrl, HOME: home });
    return { r, files: [...filesUnder(path.join(home, '.reverie')), ...filesUnder(path.join(repo, '.reverie'))] };
  };

  it('a working session: stdout, verbose stderr and the transcript', async () => {
    mock.reset();
    mock.enqueue(toolCall('read_file', { path: 'math.js' }), toolCall('run_command', { command: 'env' }), reply('Done.'));
    const { r, files } = await session(KEY, mock.url);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(mock.requests[0].headers['x-api-key'] ?? mock.requests[0].headers.authorization?.replace(/^Bearer /, ''), KEY, 'the key was really used');
    assertNoKey(r.stdout, 'stdout', KEY);
    assertNoKey(r.stderr, 'stderr', KEY);
    assert.ok(files.some((f) => f.endsWith('.jsonl')), `a transcript was written: ${files.join(', ')}`);
    for (const f of files) assertNoKey(fs.readFileSync(f, 'utf8'), f, KEY);
  });

  it('a 401 for a wrong key: the error shown and logged does not quote the key', async () => {
    mock.reset();
    const { r, files } = await session(WRONG, mock.url);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /key|401|auth/i, 'the failure is reported');
    assertNoKey(r.stdout, 'stdout', WRONG);
    assertNoKey(r.stderr, 'stderr', WRONG);
    for (const f of files) assertNoKey(fs.readFileSync(f, 'utf8'), f, WRONG);
  });

  it('a network failure: the retries it logs do not quote the key', async () => {
    // The run retries for minutes; its first few failures (logged with --verbose) are what is checked.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-sec-home-'));
    const child = spawn(process.execPath, [CLI, '-p', 'hi', '--cwd', copyBuggyRepo(), '--verbose'], {
      env: { PATH: process.env.PATH ?? '', ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    await new Promise((resolve) => setTimeout(resolve, 4000));
    child.kill();
    assert.match(out, /retry|connect|ECONNREFUSED|network/i, `the failure was logged: ${out.slice(0, 300)}`);
    assertNoKey(out, 'stdout+stderr', KEY);
  });
});
