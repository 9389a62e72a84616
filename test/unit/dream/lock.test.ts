import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DreamLock, parseHolder } from '../../../src/core/dream/lock';
import { DREAM_LOCK_FILE } from '../../../src/core/dream/types';
import { NodeDreamStore } from '../../../src/node/dreamStore';
import { MemoryLogger } from '../fakes';
import { dreamWorld, type DreamWorld } from './support';

const RACER = path.resolve(__dirname, '../../fixtures/dreamLockRace.js');
const MIN = 60_000;

function race(memoryDir: string, startAt: number): Promise<{ ok: boolean; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RACER, memoryDir, String(startAt), '400'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(out.trim()));
      } catch {
        reject(new Error(`contender printed ${JSON.stringify(out)}`));
      }
    });
  });
}

/** A pid that was running a moment ago and is not now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

describe('dream lock', () => {
  let world: DreamWorld;
  let log: MemoryLogger;
  const store = new NodeDreamStore();
  const file = () => path.join(world.places.memoryDir, DREAM_LOCK_FILE);
  const T = Date.UTC(2026, 4, 10, 12, 0, 0);
  const lockAt = (clock: number) => new DreamLock(store, world.places.memoryDir, log, () => clock);
  const writeHolder = (holder: object, mtimeMs: number) => {
    fs.writeFileSync(file(), JSON.stringify(holder));
    fs.utimesSync(file(), new Date(mtimeMs), new Date(mtimeMs));
  };

  beforeEach(() => {
    world = dreamWorld();
    log = new MemoryLogger();
  });
  afterEach(() => world.dispose());

  it('two processes racing for it at the same moment: exactly one wins, 20 times over', async function () {
    this.timeout(120_000);
    if (!fs.existsSync(RACER)) throw new Error(`${RACER} is missing: compile the tests first`);
    const wins: number[] = [];
    for (let i = 0; i < 20; i++) {
      // Even rounds race for a folder that never dreamed (no file), odd ones for a released lock.
      if (i % 2) fs.writeFileSync(file(), '');
      else fs.rmSync(file(), { force: true });
      fs.rmSync(path.join(world.places.memoryDir, '..', 'race-attempts'), { force: true });
      const startAt = Date.now() + 500;
      const results = await Promise.all([race(world.places.memoryDir, startAt), race(world.places.memoryDir, startAt)]);
      wins.push(results.filter((r) => r.ok).length);
      assert.equal(parseHolder(fs.readFileSync(file(), 'utf8')), undefined, 'the winner released it');
    }
    assert.deepEqual(wins, Array(20).fill(1));
  });

  it('a process inside the critical section keeps others out; one that died there is cleared after 30 s', async () => {
    const section = `${file()}.acquiring`;
    fs.writeFileSync(section, '12345');
    fs.utimesSync(section, new Date(T - 10_000), new Date(T - 10_000));
    assert.deepEqual(await lockAt(T).acquire(), { ok: false, reason: 'another process is starting a dream at this moment' });
    fs.utimesSync(section, new Date(T - 31_000), new Date(T - 31_000));
    const taken = await lockAt(T).acquire();
    assert.ok(taken.ok, 'a section left 31 s ago is stale');
    assert.equal(fs.existsSync(section), false, 'and the winner leaves none behind');
  });

  it('a second taker in a live dream is told it is busy', async () => {
    const first = await lockAt(T).acquire();
    assert.ok(first.ok);
    const second = await lockAt(T + 59 * MIN).acquire();
    assert.deepEqual(second, { ok: false, reason: `a dream is already running (process ${process.pid}, for 0 min)` });
  });

  it('takes over a lock older than 60 minutes, keeping the previous last-dream time', async () => {
    writeHolder({ pid: process.pid, token: 'old', previous: T - 50 * 60 * MIN }, T - 61 * MIN);
    const taken = await lockAt(T).acquire();
    assert.ok(taken.ok);
    assert.equal(taken.handle.previous, T - 50 * 60 * MIN);
    assert.ok(log.lines.includes(`warn dream: taking over a stale lock (process ${process.pid}, 61 min old)`), log.lines.join('\n'));
    assert.equal(parseHolder(fs.readFileSync(file(), 'utf8'))?.token, taken.handle.token);
  });

  it('takes over a fresh lock whose process is no longer running', async () => {
    const pid = deadPid();
    writeHolder({ pid, token: 'dead', previous: T - 30 * 60 * MIN }, T - 2 * MIN);
    const taken = await lockAt(T).acquire();
    assert.ok(taken.ok);
    assert.equal(taken.handle.previous, T - 30 * 60 * MIN);
    assert.ok(log.lines.includes(`warn dream: taking over the lock of process ${pid}, which is no longer running`), log.lines.join('\n'));
  });

  it('release(true) leaves no holder and the time of now; release(false) rolls the time back', async () => {
    const previous = T - 30 * 60 * MIN;
    writeHolder({}, previous);
    fs.writeFileSync(file(), '');
    fs.utimesSync(file(), new Date(previous), new Date(previous));

    const failed = await lockAt(T).acquire();
    assert.ok(failed.ok);
    assert.equal(failed.handle.previous, previous);
    await failed.handle.release(false);
    assert.equal(fs.readFileSync(file(), 'utf8'), '');
    assert.equal(fs.statSync(file()).mtimeMs, previous);

    const ok = await lockAt(T + MIN).acquire();
    assert.ok(ok.ok);
    await ok.handle.release(true);
    assert.equal(fs.readFileSync(file(), 'utf8'), '');
    assert.equal(fs.statSync(file()).mtimeMs, T + MIN);
  });

  it('a failed first dream leaves no lock file, so the gate still says "never dreamed"', async () => {
    const taken = await lockAt(T).acquire();
    assert.ok(taken.ok);
    assert.equal(taken.handle.previous, undefined);
    await taken.handle.release(false);
    assert.equal(fs.existsSync(file()), false);
  });

  it('does not release a lock another process took over meanwhile', async () => {
    const taken = await lockAt(T).acquire();
    assert.ok(taken.ok);
    writeHolder({ pid: process.pid, token: 'someone-else' }, T);
    await taken.handle.release(true);
    assert.equal(parseHolder(fs.readFileSync(file(), 'utf8'))?.token, 'someone-else');
  });
});
