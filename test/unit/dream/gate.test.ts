import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DreamGate } from '../../../src/core/dream/gate';
import { DreamLock } from '../../../src/core/dream/lock';
import { DREAM_LOCK_FILE, type DreamSettings } from '../../../src/core/dream/types';
import { silentLogger } from '../../../src/core/ports';
import { NodeDreamStore } from '../../../src/node/dreamStore';
import { dreamWorld, putSession, type DreamWorld } from './support';

const HOUR = 3_600_000;
const MIN = 60_000;
const T = Date.UTC(2026, 4, 10, 12, 0, 0);

describe('dream gate', () => {
  let world: DreamWorld;
  let clock: number;
  let settings: DreamSettings;
  let gate: DreamGate;
  const store = new NodeDreamStore();
  const lockFile = () => path.join(world.places.memoryDir, DREAM_LOCK_FILE);
  const lastDreamAt = (ms: number) => {
    fs.writeFileSync(lockFile(), '');
    fs.utimesSync(lockFile(), new Date(ms), new Date(ms));
  };

  beforeEach(() => {
    world = dreamWorld();
    clock = T;
    settings = { enabled: true, minHours: 24, minSessions: 5 };
    const now = () => clock;
    gate = new DreamGate(new DreamLock(store, world.places.memoryDir, silentLogger, now), store, () => world.places.transcriptsDir, () => settings, now);
  });
  afterEach(() => world.dispose());

  it('is off when dreaming is turned off, whatever else holds', async () => {
    for (let i = 0; i < 8; i++) putSession(world, `session-${i}0000`, T - i * HOUR);
    settings.enabled = false;
    assert.deepEqual(await gate.check(), { due: false, why: 'dreaming is turned off', sessions: [] });
  });

  it('needs 24 hours since the lock\'s time, without listing the transcripts before that', async () => {
    for (let i = 0; i < 8; i++) putSession(world, `session-${i}0000`, T - i * MIN);
    lastDreamAt(T - 23 * HOUR - 54 * MIN);
    assert.deepEqual(await gate.check(), { due: false, why: '23.9 h since the last dream; needs 24 h', sessions: [] });
    // The hours gate did not use up the scan throttle: at 24 h it counts at once.
    clock = T + 6 * MIN;
    const answer = await gate.check();
    assert.equal(answer.due, true);
    assert.equal(answer.why, '8 sessions since the last dream, 24.0 h ago');
  });

  it('counts only sessions modified after the last dream, the current one excluded, newest first', async () => {
    lastDreamAt(T - 30 * HOUR);
    putSession(world, 'older-aaaaaaaa', T - 31 * HOUR); // before the last dream
    putSession(world, 'older-bbbbbbbb', T - 40 * HOUR);
    putSession(world, 'new-1111111111', T - 5 * HOUR);
    putSession(world, 'new-2222222222', T - 4 * HOUR);
    putSession(world, 'new-3333333333', T - 3 * HOUR);
    putSession(world, 'new-4444444444', T - 2 * HOUR);
    putSession(world, 'current-session', T - 1 * HOUR);
    assert.deepEqual(await gate.check('current-session'), {
      due: false, why: '4 sessions since the last dream; needs 5',
      sessions: ['new-4444444444', 'new-3333333333', 'new-2222222222', 'new-1111111111'],
    });
    settings.minSessions = 4;
    clock += 10 * MIN;
    const due = await gate.check('current-session');
    assert.equal(due.due, true);
    assert.equal(due.why, '4 sessions since the last dream, 30.2 h ago');
    assert.deepEqual(due.sessions, ['new-4444444444', 'new-3333333333', 'new-2222222222', 'new-1111111111']);
  });

  it('never dreamed: the hours pass, and sessions are counted from the start', async () => {
    for (let i = 0; i < 4; i++) putSession(world, `session-${i}0000`, T - i * HOUR);
    assert.deepEqual((await gate.check()).why, '4 sessions so far (never dreamed); needs 5');
  });

  it('lists the transcripts at most once per 10 minutes', async () => {
    lastDreamAt(T - 48 * HOUR);
    for (let i = 0; i < 4; i++) putSession(world, `session-${i}0000`, T - i * HOUR);
    assert.equal((await gate.check()).why, '4 sessions since the last dream; needs 5');
    putSession(world, 'session-fifth000', T);
    clock = T + 9 * MIN + 59_000;
    assert.deepEqual(await gate.check(), { due: false, why: 'sessions were counted 9 min ago; the next count is after 10 min', sessions: [] });
    clock = T + 10 * MIN;
    const answer = await gate.check();
    assert.equal(answer.due, true);
    assert.equal(answer.sessions.length, 5);
  });

  it('is not due while a live process holds the lock', async () => {
    lastDreamAt(T - 48 * HOUR);
    for (let i = 0; i < 6; i++) putSession(world, `session-${i}0000`, T - i * MIN);
    fs.writeFileSync(lockFile(), JSON.stringify({ pid: process.pid, token: 'held', previous: T - 48 * HOUR }));
    fs.utimesSync(lockFile(), new Date(T - 5 * MIN), new Date(T - 5 * MIN));
    assert.deepEqual(await gate.check(), { due: false, why: `a dream is already running (process ${process.pid}, for 5 min)`, sessions: [] });
  });
});
