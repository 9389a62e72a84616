import * as assert from 'node:assert/strict';
import { todoWriteTool } from '../../../../src/core/tools/todoWrite';
import { fakeContext } from './fakeContext';

describe('todo_write', () => {
  const ctx = () => fakeContext({ cwd: '/work/p' });

  it('replaces the session list and summarises it', async () => {
    const c = ctx();
    c.session.todos = [{ content: 'old item', status: 'pending' }];
    const result = await todoWriteTool.run({
      todos: [
        { content: 'Write the failing test', status: 'completed' },
        { content: 'Fix the parser', status: 'in_progress' },
        { content: 'Run the suite', status: 'pending' },
      ],
    }, c);
    assert.equal(result.isError, undefined);
    assert.deepEqual(c.session.todos.map((t) => t.content), ['Write the failing test', 'Fix the parser', 'Run the suite']);
    assert.equal(result.content, 'Todo list updated: 3 items (1 completed, 1 in progress, 1 pending). Now: Fix the parser');
  });

  it('refuses two items in progress and keeps the previous list', async () => {
    const c = ctx();
    const before = [{ content: 'keep me', status: 'pending' as const }];
    c.session.todos = before;
    const result = await todoWriteTool.run({
      todos: [{ content: 'a', status: 'in_progress' }, { content: 'b', status: 'in_progress' }],
    }, c);
    assert.equal(result.isError, true);
    assert.match(result.content, /at most one/);
    assert.deepEqual(c.session.todos, before);
  });

  it('says when everything is done, and clears with an empty list', async () => {
    const c = ctx();
    const done = await todoWriteTool.run({ todos: [{ content: 'a', status: 'completed' }] }, c);
    assert.match(done.content, /All done\.$/);
    assert.equal((await todoWriteTool.run({ todos: [] }, c)).content, 'Todo list cleared.');
    assert.deepEqual(c.session.todos, []);
  });

  it('rejects an unknown status in its input schema, and touches nothing outside the session', () => {
    assert.equal(todoWriteTool.input.safeParse({ todos: [{ content: 'a', status: 'done' }] }).success, false);
    assert.equal(todoWriteTool.readOnly, true);
  });
});
