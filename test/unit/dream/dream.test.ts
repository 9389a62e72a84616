import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DreamConflictError } from '../../../src/core/dream/dreamer';
import { DREAM_LOCK_FILE, DREAM_LOG_FILE, type DreamProposal } from '../../../src/core/dream/types';
import { toolResultsSent } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, toolCall, type MockStep } from '../../fixtures/mockAnthropic';
import { MemoryLogger } from '../fakes';
import { dreamWorld, hashTree, putSession, testDreamer, topic, type DreamWorld } from './support';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 4, 10, 12, 0, 0);

const INDEX = `- [Deploys](deploys.md) — releases go out on Fridays
- [Release day](release-day.md) — we ship on Friday afternoons
- [Test runner](test-runner.md) — tests run with jest
- [Style](style.md) — two-space indent
`;
const MERGED = topic('Deploys', 'when and how releases go out', 'project',
  'Releases go out on Friday afternoons, after the 14:00 UTC freeze (merged from release-day.md).');
const NEW_INDEX = `- [Deploys](deploys.md) — releases on Friday afternoons, after the freeze
- [Style](style.md) — two-space indent
`;

/** Two duplicates (deploys, release-day), one fact a newer session contradicts (jest -> mocha), one fine file. */
function seed(world: DreamWorld): void {
  world.put('MEMORY.md', INDEX);
  world.put('deploys.md', topic('Deploys', 'release day', 'project', 'Releases go out on Fridays.'));
  world.put('release-day.md', topic('Release day', 'when we ship', 'project', 'We ship on Friday afternoons, after the 14:00 UTC freeze.'));
  world.put('test-runner.md', topic('Test runner', 'how tests run', 'project', 'Tests run with jest (`npx jest`).'));
  world.put('style.md', topic('Style', 'code style', 'feedback', 'Two-space indent; no semicolons.'));
  world.put(DREAM_LOG_FILE, '# Dream log\n\nolder entries\n\n');
  for (let i = 1; i <= 5; i++) putSession(world, `session-000${i}`, T - (10 - i) * HOUR, i === 5 ? ['Switch the tests from jest to mocha.', 'Done: tests now run with mocha.'] : ['hello', 'hi']);
}

const multi = (...calls: Array<{ id: string; name: string; input: unknown }>): MockStep =>
  ({ kind: 'message', content: calls.map((c) => ({ type: 'tool_use' as const, ...c })), stopReason: 'tool_use' });

const REPORT = {
  summary: 'Merged release-day.md into deploys.md; pruned test-runner.md (tests moved to mocha); fixed MEMORY.md.',
  changes: [
    { file: 'deploys.md', action: 'merged', reason: 'release-day.md said the same thing with more detail', mergedFrom: ['release-day.md'] },
    { file: 'release-day.md', action: 'deleted', reason: 'merged into deploys.md' },
    { file: 'test-runner.md', action: 'deleted', reason: 'contradicted: the tests moved from jest to mocha', sessions: ['session-0005'] },
    { file: 'MEMORY.md', action: 'updated', reason: 'pointers to the deleted files removed' },
  ],
};

function consolidation(world: DreamWorld): MockStep[] {
  return [
    toolCall('read_file', { path: 'MEMORY.md' }, { id: 'toolu_index' }),
    multi(
      { id: 'toolu_r1', name: 'read_file', input: { path: 'deploys.md' } },
      { id: 'toolu_r2', name: 'read_file', input: { path: 'release-day.md' } },
      { id: 'toolu_r3', name: 'read_file', input: { path: 'test-runner.md' } },
    ),
    toolCall('grep', { pattern: 'mocha', path: world.places.transcriptsDir }, { id: 'toolu_grep' }),
    toolCall('write_file', { path: 'deploys.md', content: MERGED }, { id: 'toolu_merge' }),
    multi(
      { id: 'toolu_del1', name: 'delete_file', input: { path: 'release-day.md' } },
      { id: 'toolu_del2', name: 'delete_file', input: { path: 'test-runner.md' } },
    ),
    toolCall('write_file', { path: 'MEMORY.md', content: NEW_INDEX }, { id: 'toolu_index_w' }),
    reply(`Done.\n\n\`\`\`json\n${JSON.stringify(REPORT, null, 2)}\n\`\`\``),
  ];
}

describe('dreaming against the mock API', function () {
  this.timeout(30_000);
  let mock: MockAnthropicServer;
  let world: DreamWorld;
  let log: MemoryLogger;
  let clock: number;
  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    world = dreamWorld();
    log = new MemoryLogger();
    clock = T;
    seed(world);
  });
  afterEach(() => world.dispose());
  const make = () => testDreamer(world, mock.url, log, { now: () => clock });

  async function proposed(): Promise<{ proposal: DreamProposal; dreamer: ReturnType<typeof make>['dreamer']; progress: string[] }> {
    const { dreamer, dispose } = make();
    mock.enqueue(...consolidation(world));
    const progress: string[] = [];
    const outcome = await dreamer.dream(new AbortController().signal, (t) => progress.push(t));
    dispose();
    assert.equal(outcome.status, 'proposed', JSON.stringify(outcome));
    return { proposal: (outcome as { proposal: DreamProposal }).proposal, dreamer, progress };
  }

  it('merges the duplicates and prunes the contradicted fact, as a proposal; the real folder is untouched', async () => {
    const before = hashTree(world.places.memoryDir);
    const { proposal, progress } = await proposed();
    const { [DREAM_LOCK_FILE]: lock, ...after } = hashTree(world.places.memoryDir);
    assert.deepEqual(after, before, 'nothing in the real folder changed (the lock aside)');
    assert.ok(lock);
    assert.equal(fs.statSync(path.join(world.places.memoryDir, DREAM_LOCK_FILE)).mtimeMs, T, 'the lock records this dream');

    assert.deepEqual(proposal.changes.map((c) => [c.file, c.kind, c.reason?.action, c.reason?.reason]), [
      ['MEMORY.md', 'modified', 'updated', 'pointers to the deleted files removed'],
      ['deploys.md', 'modified', 'merged', 'release-day.md said the same thing with more detail'],
      ['release-day.md', 'deleted', 'deleted', 'merged into deploys.md'],
      ['test-runner.md', 'deleted', 'deleted', 'contradicted: the tests moved from jest to mocha'],
    ]);
    assert.equal(proposal.changes[0].before, INDEX);
    assert.equal(proposal.changes[0].after, NEW_INDEX);
    assert.equal(proposal.changes[1].after, MERGED);
    assert.deepEqual(proposal.changes[1].reason?.mergedFrom, ['release-day.md']);
    assert.deepEqual(proposal.changes[3].reason?.sessions, ['session-0005']);
    assert.deepEqual(proposal.counts, { merged: 1, updated: 1, pruned: 1, created: 0 });
    assert.equal(proposal.summary, REPORT.summary);
    assert.deepEqual(proposal.sessions, ['session-0005', 'session-0004', 'session-0003', 'session-0002', 'session-0001']);
    assert.ok(proposal.usage.inputTokens > 0 && proposal.usage.outputTokens > 0);
    assert.deepEqual(progress, [
      'Reading memory…', 'read_file MEMORY.md', 'read_file deploys.md', 'read_file release-day.md', 'read_file test-runner.md',
      `grep mocha`, 'write_file deploys.md', 'delete_file release-day.md', 'delete_file test-runner.md', 'write_file MEMORY.md', 'Comparing…',
    ]);
    // The staging copy holds the dream's result; the log and the lock were never copied into it.
    assert.deepEqual(fs.readdirSync(proposal.stagingDir).sort(), ['MEMORY.md', 'deploys.md', 'style.md']);
    assert.ok(!proposal.stagingDir.startsWith(world.places.memoryDir));
    // The agent was told what it maintains and what came in since the last dream.
    const first = mock.requests[0].body;
    assert.match(JSON.stringify(first.messages[0]), new RegExp(`consolidate the memory folder ${proposal.stagingDir.replace(/[/\\]/g, '.')}. That folder IS the memory folder you maintain`));
    assert.match(JSON.stringify(first.messages[0]), /session-0005 \(last active 2026-05-10 07:00 UTC\)/);
    assert.deepEqual(first.tools.map((t: { name: string }) => t.name),
      ['delete_file', 'edit_file', 'glob', 'grep', 'list_files', 'read_file', 'run_command', 'search_history', 'write_file']);
    const sent = toolResultsSent(mock.requests);
    assert.match(sent.get('toolu_grep')!.content, /session-0005\.jsonl/);
    for (const id of ['toolu_merge', 'toolu_del1', 'toolu_del2', 'toolu_index_w']) assert.equal(sent.get(id)!.is_error, undefined, sent.get(id)!.content);
  });

  it('the permission layer refuses writes outside the staging folder and commands that are not read-only', async () => {
    const { dreamer, dispose } = make();
    const inWorkspace = path.join(world.places.roots[0], 'notes.md');
    const outside = path.join(world.home, 'elsewhere.md');
    const readme = world.put(path.join(world.places.roots[0], 'README.md'), '# ws\n');
    const real = path.join(world.places.memoryDir, 'style.md');
    mock.enqueue(
      toolCall('write_file', { path: inWorkspace, content: 'sneaky' }, { id: 'toolu_ws' }),
      toolCall('write_file', { path: outside, content: 'sneaky' }, { id: 'toolu_out' }),
      toolCall('write_file', { path: path.join(world.places.memoryDir, 'new.md'), content: 'behind the review' }, { id: 'toolu_real_new' }),
      toolCall('read_file', { path: real }, { id: 'toolu_read_real' }),
      toolCall('read_file', { path: readme }, { id: 'toolu_read_ws' }),
      toolCall('delete_file', { path: readme }, { id: 'toolu_del_ws' }),
      toolCall('run_command', { command: `touch ${path.join(world.places.roots[0], 'x')}` }, { id: 'toolu_touch' }),
      toolCall('run_command', { command: `ls > ${path.join(world.places.roots[0], 'list.txt')}` }, { id: 'toolu_redirect' }),
      toolCall('run_command', { command: 'ls' }, { id: 'toolu_ls' }),
      reply('Nothing needed to change.\n```json\n{"summary": "Nothing needed to change.", "changes": []}\n```'),
    );
    const before = hashTree(world.home);
    const outcome = await dreamer.dream(new AbortController().signal, () => {});
    dispose();
    assert.equal(outcome.status, 'nothing', JSON.stringify(outcome));
    const sent = toolResultsSent(mock.requests);
    const refusedEdit = (reason: string) => new RegExp(`^Permission to edit .* was denied: Permission denied \\(${reason}\\): a dream writes only inside its memory folder`);
    assert.match(sent.get('toolu_ws')!.content, refusedEdit('edits ask in "ask" mode'));
    assert.match(sent.get('toolu_out')!.content, refusedEdit('outside the workspace'));
    assert.match(sent.get('toolu_real_new')!.content, refusedEdit('~/\\.reverie is protected'));
    assert.match(sent.get('toolu_read_real')!.content, /^Permission to read .*style\.md was denied: Permission denied \(~\/\.reverie is protected\): a dream reads only the workspace, its memory folder and the transcripts/);
    assert.equal(sent.get('toolu_read_ws')!.is_error, undefined, 'reading the workspace is allowed');
    assert.match(sent.get('toolu_del_ws')!.content, refusedEdit('edits ask in "ask" mode'));
    assert.match(sent.get('toolu_touch')!.content, /^The command was not run: permission denied \(Permission denied \(commands ask in "ask" mode\): a dream runs only read-only commands\)/);
    assert.match(sent.get('toolu_redirect')!.content, /^The command was not run: permission denied \(Permission denied \(commands ask in "ask" mode\)/);
    assert.match(sent.get('toolu_ls')!.content, /Exit code: 0$/);
    const after = hashTree(world.home);
    delete after[`.reverie/projects/ws-key/memory/${DREAM_LOCK_FILE}`];
    assert.deepEqual(after, before, 'no file anywhere changed');
    for (const f of [inWorkspace, outside, path.join(world.places.roots[0], 'x'), path.join(world.places.roots[0], 'list.txt')]) assert.equal(fs.existsSync(f), false, f);
  });

  it('apply snapshots, writes the chosen files, and logs every deletion and merge with its reason; undo restores the exact bytes', async () => {
    const original = hashTree(world.places.memoryDir);
    const { proposal, dreamer } = await proposed();
    clock = T + HOUR;
    const done = await dreamer.apply(proposal);
    assert.deepEqual(done.applied, ['MEMORY.md', 'deploys.md', 'release-day.md', 'test-runner.md']);
    assert.deepEqual(fs.readdirSync(world.places.memoryDir).sort(), [DREAM_LOCK_FILE, 'MEMORY.md', 'deploys.md', DREAM_LOG_FILE, 'style.md']);
    assert.equal(fs.readFileSync(path.join(world.places.memoryDir, 'deploys.md'), 'utf8'), MERGED);
    assert.equal(fs.existsSync(proposal.stagingDir), false, 'the staging copy is gone');
    const logText = fs.readFileSync(path.join(world.places.memoryDir, DREAM_LOG_FILE), 'utf8');
    assert.equal(logText, `# Dream log\n\nolder entries\n\n## Dream of 2026-05-10 13:00 UTC\n\n${REPORT.summary}\n\n` +
      'Sessions looked at: session-0005, session-0004, session-0003, session-0002, session-0001\n\n' +
      '- **updated** `MEMORY.md`: pointers to the deleted files removed\n' +
      '- **merged** `deploys.md` ← `release-day.md`: release-day.md said the same thing with more detail\n' +
      '- **deleted** `release-day.md` (merged into `deploys.md`): merged into deploys.md\n' +
      '- **deleted** `test-runner.md`: contradicted: the tests moved from jest to mocha (sessions: session-0005)\n\n' +
      `Snapshot before this dream: ${done.snapshotId}\n\n`);
    assert.deepEqual((await dreamer.snapshots()).map((s) => [s.id, s.createdAt, s.summary]), [[done.snapshotId, T + HOUR, REPORT.summary]]);

    clock = T + 2 * HOUR;
    const undone = await dreamer.undo();
    assert.deepEqual(undone, { restored: ['MEMORY.md', 'deploys.md', 'release-day.md', 'test-runner.md'], snapshotId: done.snapshotId });
    const restored = hashTree(world.places.memoryDir);
    for (const own of [DREAM_LOCK_FILE, DREAM_LOG_FILE]) {
      delete restored[own];
      delete original[own];
    }
    assert.deepEqual(restored, original, 'every memory file is byte-identical to before the dream');
    assert.match(fs.readFileSync(path.join(world.places.memoryDir, DREAM_LOG_FILE), 'utf8'),
      new RegExp(`## Undo, 2026-05-10 14:00 UTC\\n\\nRestored the memory folder from snapshot ${done.snapshotId} \\(taken 2026-05-10 13:00 UTC\\): \`MEMORY.md\`, \`deploys.md\`, \`release-day.md\`, \`test-runner.md\`.\\n\\n$`));
    assert.deepEqual(await dreamer.snapshots(), []);
    assert.equal(await dreamer.undo(), undefined);
  });

  it('undo removes a file the dream created and logs a deletion that came with no reason', async () => {
    const { dreamer, dispose } = make();
    mock.enqueue(
      toolCall('read_file', { path: 'style.md' }, { id: 'toolu_r' }),
      toolCall('delete_file', { path: 'style.md' }, { id: 'toolu_d' }),
      toolCall('write_file', { path: 'people.md', content: topic('People', 'who is who', 'reference', 'Ana owns the deploy scripts.') }, { id: 'toolu_w' }),
      reply('Tidied up.'),
    );
    const original = hashTree(world.places.memoryDir);
    const outcome = await dreamer.dream(new AbortController().signal, () => {});
    dispose();
    assert.equal(outcome.status, 'proposed');
    const proposal = (outcome as { proposal: DreamProposal }).proposal;
    assert.deepEqual(proposal.changes.map((c) => [c.file, c.kind, c.reason]), [['people.md', 'added', undefined], ['style.md', 'deleted', undefined]]);
    assert.deepEqual(proposal.counts, { merged: 0, updated: 0, pruned: 1, created: 1 });
    assert.equal(proposal.summary, 'Tidied up.');
    await dreamer.apply(proposal);
    assert.match(fs.readFileSync(path.join(world.places.memoryDir, DREAM_LOG_FILE), 'utf8'), /- \*\*created\*\* `people\.md`: no reason given\n- \*\*deleted\*\* `style\.md`: no reason given\n/);
    await dreamer.undo();
    const restored = hashTree(world.places.memoryDir);
    delete restored[DREAM_LOG_FILE];
    delete restored[DREAM_LOCK_FILE];
    delete original[DREAM_LOG_FILE];
    assert.deepEqual(restored, original);
  });

  it('apply refuses when a chosen file changed since the dream started, and changes nothing', async () => {
    const { proposal, dreamer } = await proposed();
    world.put('deploys.md', topic('Deploys', 'release day', 'project', 'Releases go out on Thursdays now.'));
    const before = hashTree(world.places.memoryDir);
    await assert.rejects(dreamer.apply(proposal), (err: unknown) => {
      assert.ok(err instanceof DreamConflictError);
      assert.deepEqual(err.files, ['deploys.md']);
      assert.equal(err.message, 'Not applied: deploys.md changed in the memory folder since the dream started. Nothing was changed; dream again to include the new content.');
      return true;
    });
    assert.deepEqual(hashTree(world.places.memoryDir), before);
    assert.deepEqual(await dreamer.snapshots(), []);
    // The files that did not change can still be applied on their own.
    const done = await dreamer.apply(proposal, ['test-runner.md']);
    assert.deepEqual(done.applied, ['test-runner.md']);
    assert.equal(fs.existsSync(path.join(world.places.memoryDir, 'test-runner.md')), false);
    assert.match(fs.readFileSync(path.join(world.places.memoryDir, DREAM_LOG_FILE), 'utf8'), /Not applied \(rejected\): `MEMORY\.md`, `deploys\.md`, `release-day\.md`\n/);
  });

  it('discard removes the staging copy and leaves the real folder as it was', async () => {
    const before = hashTree(world.places.memoryDir);
    const { proposal, dreamer } = await proposed();
    await dreamer.discard(proposal);
    assert.equal(fs.existsSync(proposal.stagingDir), false);
    const after = hashTree(world.places.memoryDir);
    delete after[DREAM_LOCK_FILE];
    assert.deepEqual(after, before);
  });

  it('a failed dream rolls the lock time back and removes its staging copy', async () => {
    const last = T - 30 * HOUR;
    const lockFile = world.put(DREAM_LOCK_FILE, '');
    fs.utimesSync(lockFile, new Date(last), new Date(last));
    const { dreamer, dispose } = testDreamer(world, mock.url, log, { now: () => clock, access: { apiKey: async () => 'wrong-key', baseUrl: () => mock.url, model: () => 'claude-test' } });
    const outcome = await dreamer.dream(new AbortController().signal, () => {});
    dispose();
    assert.equal(outcome.status, 'failed');
    assert.match((outcome as { reason: string }).reason, /^The dream did not finish: /);
    assert.equal(fs.statSync(lockFile).mtimeMs, last);
    assert.equal(fs.readFileSync(lockFile, 'utf8'), '');
    assert.deepEqual(fs.readdirSync(world.places.stagingRoot), []);
    assert.equal((await dreamer.isDue()).why, '5 sessions since the last dream, 30.0 h ago');
  });

  it('a cancelled dream rolls the lock time back', async () => {
    const last = T - 30 * HOUR;
    const lockFile = world.put(DREAM_LOCK_FILE, '');
    fs.utimesSync(lockFile, new Date(last), new Date(last));
    const { dreamer, dispose } = make();
    mock.enqueue(toolCall('read_file', { path: 'MEMORY.md' }, { id: 'toolu_1', delayMs: 30 }), reply('never reached'));
    const abort = new AbortController();
    const outcome = await dreamer.dream(abort.signal, (t) => t.startsWith('read_file') && abort.abort());
    dispose();
    assert.deepEqual(outcome, { status: 'cancelled' });
    assert.equal(fs.statSync(lockFile).mtimeMs, last);
    assert.deepEqual(fs.readdirSync(world.places.stagingRoot), []);
  });

  it('a second dream while one runs is busy', async () => {
    const lockFile = world.put(DREAM_LOCK_FILE, JSON.stringify({ pid: process.pid, token: 'other' }));
    fs.utimesSync(lockFile, new Date(T - 60_000), new Date(T - 60_000));
    const { dreamer, dispose } = make();
    const outcome = await dreamer.dream(new AbortController().signal, () => {});
    dispose();
    assert.deepEqual(outcome, { status: 'busy', reason: `a dream is already running (process ${process.pid}, for 1 min)` });
    assert.equal(mock.requests.length, 0);
  });
});
