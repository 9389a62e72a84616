/**
 * todo_write: the agent's plan for a multi-step task, kept in the session and shown to the user.
 * The whole list is sent each time (no partial updates), so the model's view and the stored one
 * never drift apart. One item at most is in progress: the agent works on one thing at a time, and
 * the user can see which.
 */
import { z } from 'zod';
import { defineTool, toolError, type TodoItem } from './tool';

export const todoWriteTool = defineTool({
  name: 'todo_write',
  description: [
    'Replaces the task list the user sees with the one given. Use it for work with three or more steps:',
    'write the plan at the start, mark an item in_progress before starting it and completed as soon as it is done',
    '(not in batches), add items you discover. Exactly one item should be in_progress while you work. Send the full list every time.',
    'Skip it for a single simple change.',
  ].join(' '),
  input: z.object({
    todos: z.array(z.object({
      content: z.string().min(1).describe('The step, in the imperative, e.g. "Add a failing test for the parser bug".'),
      status: z.enum(['pending', 'in_progress', 'completed']).describe('in_progress for the one step being worked on now.'),
    })).describe('The complete list, in order. An empty list clears it.'),
  }),
  // Changes only the session's own list: nothing outside the conversation.
  readOnly: true,
  async run({ todos }, ctx) {
    const active = todos.filter((t) => t.status === 'in_progress');
    if (active.length > 1) {
      return toolError(`${active.length} items are in_progress; at most one may be. Mark the others pending or completed and send the list again.`);
    }
    ctx.session.todos = todos.map((t): TodoItem => ({ content: t.content, status: t.status }));
    return { content: summarise(ctx.session.todos) };
  },
});

function summarise(todos: TodoItem[]): string {
  if (todos.length === 0) return 'Todo list cleared.';
  const count = (status: TodoItem['status']) => todos.filter((t) => t.status === status).length;
  const done = count('completed');
  let text = `Todo list updated: ${todos.length} items (${done} completed, ${count('in_progress')} in progress, ${count('pending')} pending).`;
  const current = todos.find((t) => t.status === 'in_progress');
  if (current) text += ` Now: ${current.content}`;
  else if (done === todos.length) text += ' All done.';
  return text;
}
