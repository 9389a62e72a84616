import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyRewind, planRewind } from '../../../src/core/checkpoints/rewind';
import { CheckpointStore } from '../../../src/core/checkpoints/store';
import { CheckpointTracker } from '../../../src/core/checkpoints/tracker';
import { MAX_SNAPSHOT_BYTES, type ChangeWatcher, type FileChange, type RestoreTarget } from '../../../src/core/checkpoints/types';
import type { CommandRunner } from '../../../src/core/ports';
import { NodeCheckpointStorage } from '../../../src/node/nodeCheckpointStorage';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';

/** Writes and deletes straight to disk, as the host does for files that are not open. */
const diskTarget: RestoreTarget = {
  apply: async (changes) => {
    for (const c of changes) {
      if ('delete' in c) fs.rmSync(c.path, { force: true });
      else {
        fs.mkdirSync(path.dirname(c.path), { recursive: true });
        fs.writeFileSync(c.path, c.content);
      }
    }
  },
};

/** A command runner whose "command" is a function run against the disk, and a watcher that reports what it says changed. */
function fakeCommands(): { runner: CommandRunner; watcher: ChangeWatcher; next(effect: () => FileChange[]): void } {
  let effect: () => FileChange[] = () => [];
  let reported: FileChange[] = [];
  return {
    next: (e) => void (effect = e),
    runner: {
      run: async () => {
        reported = effect();
        return { exitCode: 0, output: '', timedOut: false, interrupted: false };
      },
      startBackground: async () => 'b1',
      readBackground: async () => undefined,
      killBackground: async () => false,
    },
    watcher: { start: () => ({ stop: async () => reported }) },
  };
}

describe('checkpoints', () => {
  let dir: string;
  let ws: string;
  let store: CheckpointStore;
  let tracker: CheckpointTracker;
  let log: MemoryLogger;
  const disk = new NodeFileSystem();
  const file = (name: string) => path.join(ws, name);
  const read = (name: string) => (fs.existsSync(file(name)) ? fs.readFileSync(file(name), 'utf8') : undefined);
  const readBytes = async (p: string) => (fs.existsSync(p) ? new Uint8Array(fs.readFileSync(p)) : undefined);
  let seq = 1_000;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-cp-'));
    ws = path.join(dir, 'ws');
    fs.mkdirSync(ws);
    log = new MemoryLogger();
    store = new CheckpointStore(new NodeCheckpointStorage(path.join(dir, 'store')));
    tracker = new CheckpointTracker({ store, fs: disk, roots: () => [ws], log, now: () => seq++ });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const rewind = async (id: string) => {
    const plan = (await planRewind(store, id, readBytes))!;
    return { plan, result: await applyRewind(plan, { store, tracker, target: diskTarget, sessionId: 's1' }) };
  };

  it('captures a file before the agent first writes it, and later writes in the turn keep the earliest content', async () => {
    fs.writeFileSync(file('a.txt'), 'original');
    const id = await tracker.open('s1', 'fix the test');
    const tools = tracker.fileSystem(disk);
    await tools.writeFile(file('a.txt'), 'first edit');
    await tools.writeFile(file('a.txt'), 'second edit');
    assert.equal(read('a.txt'), 'second edit');
    const manifest = (await store.load(id))!;
    assert.equal(manifest.files.length, 1);
    const rec = manifest.files[0];
    assert.ok(rec.state === 'existed');
    assert.equal(new TextDecoder().decode(await store.getBlob(rec.blob)), 'original');
    // The manifest and blob live in Reverie's store, not the workspace.
    assert.deepEqual(fs.readdirSync(ws), ['a.txt']);
  });

  it('rewind recreates, deletes and rewrites exactly the files changed since the checkpoint', async () => {
    fs.writeFileSync(file('a.txt'), 'A');
    fs.writeFileSync(file('c.txt'), 'C');
    fs.writeFileSync(file('untouched.txt'), 'U');
    const commands = fakeCommands();
    const id = await tracker.open('s1', 'turn one');
    const tools = tracker.fileSystem(disk);
    await tools.readFile(file('c.txt')); // read before a command deletes it: its content is known
    await tools.writeFile(file('a.txt'), 'A2');
    await tools.writeFile(file('sub/b.txt'), 'B');
    commands.next(() => {
      fs.rmSync(file('c.txt'));
      fs.writeFileSync(file('made-by-build.txt'), 'x');
      return [{ path: file('c.txt'), kind: 'deleted' }, { path: file('made-by-build.txt'), kind: 'created' }];
    });
    await tracker.commandRunner(commands.runner, commands.watcher).run('rm c.txt', { cwd: ws, timeoutMs: 1000, signal: new AbortController().signal });
    fs.writeFileSync(file('untouched.txt'), 'U'); // same bytes: nothing to do

    const { plan, result } = await rewind(id);
    assert.deepEqual(plan.changes.map((c) => `${path.relative(ws, c.path)}:${c.action}`).sort(), ['a.txt:restore', 'c.txt:restore', 'made-by-build.txt:delete', 'sub/b.txt:delete']);
    assert.deepEqual({ restored: result.restored, deleted: result.deleted, leftAlone: result.leftAlone }, { restored: 2, deleted: 2, leftAlone: 0 });
    assert.equal(read('a.txt'), 'A');
    assert.equal(read('c.txt'), 'C');
    assert.equal(read('sub/b.txt'), undefined);
    assert.equal(read('made-by-build.txt'), undefined);
    assert.equal(read('untouched.txt'), 'U');
  });

  it('a rewind can be undone: rewinding to its "before rewind" checkpoint brings the agent\'s changes back', async () => {
    fs.writeFileSync(file('a.txt'), 'A');
    const id = await tracker.open('s1', 'turn one');
    const tools = tracker.fileSystem(disk);
    await tools.writeFile(file('a.txt'), 'A2');
    await tools.writeFile(file('new.txt'), 'N');
    const { result } = await rewind(id);
    assert.equal(read('a.txt'), 'A');
    assert.equal(read('new.txt'), undefined);
    const undo = (await store.load(result.undoId))!;
    assert.equal(undo.kind, 'rewind');
    await rewind(result.undoId);
    assert.equal(read('a.txt'), 'A2');
    assert.equal(read('new.txt'), 'N');
  });

  it('rewinding to an earlier prompt covers every later checkpoint; a later one only its own changes', async () => {
    fs.writeFileSync(file('one.txt'), '1');
    fs.writeFileSync(file('two.txt'), '2');
    const tools = tracker.fileSystem(disk);
    const first = await tracker.open('s1', 'turn one');
    await tools.writeFile(file('one.txt'), '1b');
    const second = await tracker.open('s1', 'turn two');
    await tools.writeFile(file('two.txt'), '2b');
    await tools.writeFile(file('one.txt'), '1c');
    const later = (await planRewind(store, second, readBytes))!;
    assert.deepEqual(later.changes.map((c) => path.basename(c.path)).sort(), ['one.txt', 'two.txt']);
    await rewind(second);
    assert.deepEqual([read('one.txt'), read('two.txt')], ['1b', '2']);
    await rewind(first);
    assert.deepEqual([read('one.txt'), read('two.txt')], ['1', '2']);
  });

  it('skips files over 1 MB with a note, and leaves them alone on rewind', async () => {
    const big = 'x'.repeat(MAX_SNAPSHOT_BYTES + 10);
    fs.writeFileSync(file('big.txt'), big);
    const id = await tracker.open('s1', 'big');
    await tracker.fileSystem(disk).writeFile(file('big.txt'), 'small now');
    const rec = (await store.load(id))!.files[0];
    assert.deepEqual(rec, { path: file('big.txt'), state: 'too_large', size: MAX_SNAPSHOT_BYTES + 10 });
    assert.equal(fs.readdirSync(path.join(dir, 'store')).includes('blobs'), false, 'nothing of it was stored');
    const { plan, result } = await rewind(id);
    assert.deepEqual(plan.changes.map((c) => c.action), ['too_large']);
    assert.equal(result.leftAlone, 1);
    assert.equal(read('big.txt'), 'small now');
  });

  it('a file a command changed that nothing read is "unknown" and left as it is', async () => {
    fs.writeFileSync(file('gen.txt'), 'old');
    const commands = fakeCommands();
    const id = await tracker.open('s1', 'build');
    commands.next(() => {
      fs.writeFileSync(file('gen.txt'), 'new');
      return [{ path: file('gen.txt'), kind: 'changed' }, { path: path.join(ws, '.git', 'index'), kind: 'changed' }, { path: path.join(dir, 'outside.txt'), kind: 'created' }];
    });
    await tracker.commandRunner(commands.runner, commands.watcher).run('make', { cwd: ws, timeoutMs: 1000, signal: new AbortController().signal });
    assert.deepEqual((await store.load(id))!.files, [{ path: file('gen.txt'), state: 'unknown', reason: 'command' }], 'git data and files outside the workspace are not recorded');
    const { plan } = await rewind(id);
    assert.deepEqual(plan.changes.map((c) => c.action), ['unknown']);
    assert.equal(read('gen.txt'), 'new');
  });

  it('does not capture writes outside the workspace roots, nor before a checkpoint is open', async () => {
    const tools = tracker.fileSystem(disk);
    await tools.writeFile(file('early.txt'), 'before any prompt');
    const id = await tracker.open('s1', 'p');
    await tools.writeFile(path.join(dir, 'memory.md'), 'a memory');
    assert.deepEqual((await store.load(id))!.files, []);
  });

  it('prune keeps the newest checkpoints and only the blobs they use', async () => {
    fs.writeFileSync(file('a.txt'), 'v0');
    const tools = tracker.fileSystem(disk);
    for (let i = 1; i <= 3; i++) {
      await tracker.open('s1', `turn ${i}`);
      await tools.writeFile(file('a.txt'), `v${i}`);
    }
    assert.equal(await store.prune(1), 2);
    const left = await store.list();
    assert.deepEqual(left.map((m) => m.label), ['turn 3']);
    const blobs = fs.readdirSync(path.join(dir, 'store', 'blobs')).flatMap((d) => fs.readdirSync(path.join(dir, 'store', 'blobs', d)));
    assert.deepEqual(blobs, [(left[0].files[0] as { blob: string }).blob]);
  });
});
