import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeCommandRunner } from '../../../../src/node/nodeCommandRunner';
import { delay, eventually, liveGroupMembers, pgidFrom, waitForGroupGone } from './processes';

describe('NodeCommandRunner', () => {
  let dir: string;
  let runner: NodeCommandRunner;
  const run = (command: string, timeoutMs = 10_000, signal = new AbortController().signal, onOutput?: (c: string) => void) =>
    runner.run(command, { cwd: dir, timeoutMs, signal, onOutput });

  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-runner-')));
    runner = new NodeCommandRunner();
  });
  afterEach(() => {
    runner.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports exit codes 0, 1 and 3', async () => {
    assert.equal((await run('true')).exitCode, 0);
    assert.equal((await run('false')).exitCode, 1);
    assert.equal((await run('echo partial; exit 3')).exitCode, 3);
  });

  it('interleaves stdout and stderr in the order they were written', async () => {
    const result = await run('echo out; sleep 0.05; echo err >&2; sleep 0.05; echo out2');
    assert.equal(result.output, 'out\nerr\nout2\n');
  });

  it('runs in the given folder, without a pager or a colour terminal', async () => {
    const result = await run('pwd; echo "$PAGER $GIT_PAGER $TERM"');
    assert.equal(result.output, `${dir}\ncat cat dumb\n`);
  });

  it('gives no stdin: a command that reads it sees end of input instead of hanging', async () => {
    const result = await run('cat; echo after', 5000);
    assert.deepEqual([result.output, result.timedOut], ['after\n', false]);
  });

  it('strips escape codes and normalises line endings in the output and in each chunk', async () => {
    const chunks: string[] = [];
    const result = await run(String.raw`printf '\033[31mred\033[0m\r\n\033]633;A\007plain\n'`, 5000, undefined, (c) => chunks.push(c));
    assert.equal(result.output, 'red\nplain\n');
    assert.equal(chunks.join(''), 'red\nplain\n');
  });

  it('keeps the head and the tail of output over about 2 MB', async () => {
    const result = await run('seq 1 600000');
    assert.equal(result.exitCode, 0);
    assert.ok(result.output.length < 2_100_000, `kept ${result.output.length}`);
    assert.ok(result.output.startsWith('1\n2\n3\n'));
    assert.ok(result.output.endsWith('599999\n600000\n'));
    assert.match(result.output, /\[\d+ characters omitted\]/);
  });

  it('on timeout kills the command and every process it started, and says it timed out', async () => {
    const started = Date.now();
    const result = await run('echo pgid=$$; sleep 30 & sleep 30; wait', 300);
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.deepEqual([result.timedOut, result.interrupted, result.exitCode], [true, false, undefined]);
    assert.deepEqual(await waitForGroupGone(pgidFrom(result.output)), []);
  });

  it('follows SIGTERM with SIGKILL for a command that ignores it', async () => {
    const started = Date.now();
    const result = await run(`trap '' TERM; echo pgid=$$; sleep 30 & sleep 30; wait`, 200);
    const took = Date.now() - started;
    assert.ok(took >= 2000 && took < 4000, `took ${took} ms`);
    assert.equal(result.timedOut, true);
    assert.deepEqual(await waitForGroupGone(pgidFrom(result.output)), []);
  });

  it('stops at once when the signal aborts, keeping the output so far', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const pending = run('echo pgid=$$; echo started; sleep 30; echo never', 10_000, controller.signal, (chunk) => {
      if (chunk.includes('started')) {
        abortedAt = Date.now();
        controller.abort();
      }
    });
    const result = await pending;
    assert.ok(Date.now() - abortedAt < 1000, 'returned promptly after the abort');
    assert.deepEqual([result.interrupted, result.timedOut, result.exitCode], [true, false, undefined]);
    assert.match(result.output, /started/);
    assert.doesNotMatch(result.output, /never/);
    assert.deepEqual(await waitForGroupGone(pgidFrom(result.output)), []);
  });

  it('stops a command aborted while its shell was still starting', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = run('sleep 30', 10_000, controller.signal);
    controller.abort();
    assert.equal((await pending).interrupted, true);
    assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
  });

  it('keeps collecting output when the output listener throws', async () => {
    const result = await run('echo one; sleep 0.05; echo two', 5000, undefined, () => { throw new Error('listener bug'); });
    assert.deepEqual([result.output, result.exitCode], ['one\ntwo\n', 0]);
  });

  it('runs nothing when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await run('touch marker', 5000, controller.signal);
    assert.equal(result.interrupted, true);
    await delay(100);
    assert.equal(fs.existsSync(path.join(dir, 'marker')), false);
  });

  it('rejects with the reason when the folder does not exist', async () => {
    await assert.rejects(runner.run('true', { cwd: path.join(dir, 'missing'), timeoutMs: 1000, signal: new AbortController().signal }), /does not exist/);
  });

  it('returns when the command ends even if a process it left running holds the output open', async () => {
    const started = Date.now();
    const result = await run('echo pgid=$$; sleep 30 & echo done');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.equal(result.exitCode, 0);
    assert.match(result.output, /done/);
    process.kill(-pgidFrom(result.output), 'SIGKILL');
  });

  describe('background commands', () => {
    it('reads only new output each time, then kills the whole group', async () => {
      const id = await runner.startBackground('echo pgid=$$; echo one; sleep 0.3; echo two; sleep 30 & sleep 30', { cwd: dir });
      assert.match(id, /^bg-\d+$/);
      const first = await eventually(async () => {
        const read = await runner.readBackground(id);
        return read && read.output.includes('one') && read;
      });
      assert.equal(first.running, true);
      const pgid = pgidFrom(first.output);
      const second = await eventually(async () => {
        const read = await runner.readBackground(id);
        return read && read.output !== '' && read;
      });
      assert.equal(second.output, 'two\n');
      assert.deepEqual(await runner.readBackground(id), { output: '', running: true, exitCode: undefined });

      assert.equal(await runner.killBackground(id), true);
      const last = await runner.readBackground(id);
      assert.deepEqual([last?.running, last?.exitCode], [false, undefined]);
      assert.deepEqual(await waitForGroupGone(pgid), []);
    });

    it('reports the exit code of a command that ended, and runs in the given folder', async () => {
      const id = await runner.startBackground('pwd; exit 3', { cwd: dir });
      const read = await eventually(async () => {
        const r = await runner.readBackground(id);
        return r && !r.running && r;
      });
      assert.deepEqual(read, { output: `${dir}\n`, running: false, exitCode: 3 });
    });

    it('gives ids that are unknown as undefined and false', async () => {
      assert.equal(await runner.readBackground('bg-999'), undefined);
      assert.equal(await runner.killBackground('bg-999'), false);
    });

    it('dispose() stops every background command', async () => {
      const ids = [await runner.startBackground('echo pgid=$$; sleep 30', { cwd: dir }), await runner.startBackground('echo pgid=$$; sleep 30', { cwd: dir })];
      const pgids = await Promise.all(ids.map((id) => eventually(async () => {
        const output = (await runner.readBackground(id))?.output ?? '';
        return output.includes('pgid=') && pgidFrom(output);
      })));
      assert.ok(pgids.every((pgid) => liveGroupMembers(pgid).length > 0), 'they were running');
      runner.dispose();
      for (const pgid of pgids) assert.deepEqual(await waitForGroupGone(pgid), []);
    });
  });
});
