/**
 * Two windows dreaming at once, as two `reverie dream --force` processes (dist/cli.js) started at
 * the same moment on the same memory folder, 10 rounds: exactly one dream's requests reach the
 * mock (each process has its own API key, so the mock can tell them apart), the other says a
 * dream is already running (or starting) and exits 1, and the lock is left at rest. Prints figures.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DREAM_LOCK_FILE } from '../../../src/core/dream/types';
import { MockAnthropicServer, reply, requestKey } from '../../fixtures/mockAnthropic';
import { topic } from '../dream/support';
import { CLI, runCli } from '../cli/runCli';

const ROUNDS = 10;
const KEYS = ['window-one-key', 'window-two-key'];

describe('fault suite: two windows dreaming at once (issue 10)', function () {
  this.timeout(120_000);
  let mock: MockAnthropicServer;
  let home: string;

  before(async () => {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "node esbuild.mjs" first`);
    // A dream that takes about a second to answer, so the other process meets it running.
    const final = 'Nothing to tidy.\n```json\n{"summary": "Memory is already tidy.", "changes": []}\n```';
    mock = await MockAnthropicServer.start({ apiKeys: KEYS, fallback: () => reply(final, { delayMs: 60, chunkSize: 6 }) });
    home = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-dream-race-')));
  });
  after(async () => {
    await mock.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it(`${ROUNDS} rounds: exactly one dream runs, the other reports it is already running`, async () => {
    const ws = path.join(home, 'ws');
    const mem = path.join(ws, '.reverie', 'memory');
    fs.mkdirSync(mem, { recursive: true });
    fs.writeFileSync(path.join(mem, 'releases.md'), topic('Releases', 'releases', 'project', 'Releases on Fridays.'));
    const reasons = new Map<string, number>();
    const winners = [0, 0];
    let requests = 0;
    const t0 = Date.now();
    for (let round = 0; round < ROUNDS; round++) {
      mock.reset();
      const runs = await Promise.all(KEYS.map((key) => runCli(['dream', '--cwd', ws, '--force'], { ANTHROPIC_API_KEY: key, ANTHROPIC_BASE_URL: mock.url, HOME: home })));
      const codes = runs.map((r) => r.code);
      const won = codes.indexOf(0);
      assert.deepEqual([...codes].sort(), [0, 1], `round ${round}: exit codes ${codes} (${runs.map((r) => r.stderr).join(' | ')})`);
      assert.match(runs[won].stdout, /Memory is already tidy\.\nNothing needed to change\./);
      const lost = runs[1 - won].stderr;
      const reason = /reverie: not dreaming: (a dream is already running|another process is starting a dream at this moment)/.exec(lost);
      assert.ok(reason, `round ${round}: the other process said ${JSON.stringify(lost)}`);
      reasons.set(reason[1], (reasons.get(reason[1]) ?? 0) + 1);
      // Every request to the model came from the one dream that ran.
      const from = new Set(mock.requests.map((q) => requestKey(q.headers)));
      assert.deepEqual([...from], [KEYS[won]], `round ${round}: requests came from ${[...from]}`);
      assert.ok(mock.requests.length >= 1);
      requests += mock.requests.length;
      winners[won]++;
      // The lock is at rest: empty, no critical-section file left behind.
      assert.equal(fs.readFileSync(path.join(mem, DREAM_LOCK_FILE), 'utf8'), '');
      assert.equal(fs.existsSync(path.join(mem, `${DREAM_LOCK_FILE}.acquiring`)), false);
    }
    console.log(`    DREAM RACE: ${ROUNDS} rounds in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${ROUNDS} dreams ran (first process ${winners[0]}, second ${winners[1]}), ${requests} model requests, all from the winner; the other said: ${[...reasons].map(([r, n]) => `"${r}" ${n}`).join(', ')}`);
  });
});
