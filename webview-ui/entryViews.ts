/**
 * The DOM of the transcript's cards that are not plain messages: thinking, the compaction divider
 * and tool cards (todo lists included). Model and tool text is set as text, or rendered through the
 * sanitising markdown renderer passed in, never as raw HTML.
 */
import type { TranscriptEntry } from '../src/shared/protocol';
import { compactionLine, compactionSummaryLabel } from './contextMeter';
import { fragment } from './streamedMarkdown';

export type ToolEntry = Extract<TranscriptEntry, { role: 'tool' }>;
type CompactionEntry = Extract<TranscriptEntry, { role: 'compaction' }>;

const TOOL_STATUS = { pending: '…', running: '…', done: '✓', error: '✗', interrupted: '⏹' } as const;
const TODO_MARK = { pending: '☐', in_progress: '◐', completed: '☑' } as const;
const TODO_LABEL = { pending: 'to do', in_progress: 'in progress', completed: 'done' } as const;

export function thinkingView(text: string, render: (markdown: string) => string): HTMLElement {
  const details = document.createElement('details');
  details.className = 'thinking';
  const summary = document.createElement('summary');
  summary.textContent = 'Thinking';
  const body = document.createElement('div');
  body.className = 'markdown thinking-body';
  body.append(fragment(render(text)));
  details.append(summary, body);
  return details;
}

/** A divider with the figures; the summary (model output) folded, rendered like any answer. */
export function fillCompaction(el: HTMLElement, entry: CompactionEntry, render: (markdown: string) => string): void {
  el.dataset.trigger = entry.trigger;
  const line = document.createElement('div');
  line.className = 'compaction-line';
  line.setAttribute('role', 'separator');
  const label = document.createElement('span');
  label.className = 'compaction-label';
  label.textContent = compactionLine(entry);
  line.append(label);
  line.setAttribute('aria-label', label.textContent);
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = compactionSummaryLabel(entry);
  const body = document.createElement('div');
  body.className = 'markdown compaction-summary';
  body.append(fragment(render(entry.summary)));
  details.append(summary, body);
  el.append(line, details);
}

export function fillTool(el: HTMLElement, entry: ToolEntry, open: boolean | undefined): void {
  el.dataset.status = entry.status;
  el.dataset.tool = entry.name;
  let details = el.querySelector('details');
  if (!details) {
    details = document.createElement('details');
    details.innerHTML = '<summary><span class="tool-status"></span><span class="tool-name"></span><span class="tool-summary"></span></summary>';
    el.append(details);
    if (isTodo(entry)) details.open = open ?? true;
    else details.open = open ?? false;
  }
  (details.querySelector('.tool-status') as HTMLElement).textContent = TOOL_STATUS[entry.status];
  (details.querySelector('.tool-name') as HTMLElement).textContent = isTodo(entry) ? 'Todo' : entry.name;
  (details.querySelector('.tool-summary') as HTMLElement).textContent = isTodo(entry) ? todoSummary(entry.todos!) : entry.summary;
  details.querySelector(':scope > .tool-output, :scope > .todo-list')?.remove();
  details.append(isTodo(entry) ? todoList(entry.todos!) : toolOutput(entry.output));
}

export const isTodo = (entry: ToolEntry): boolean => entry.name === 'todo_write' && Array.isArray(entry.todos);

function todoSummary(todos: NonNullable<ToolEntry['todos']>): string {
  const done = todos.filter((t) => t.status === 'completed').length;
  return `${done} of ${todos.length} done`;
}

function todoList(todos: NonNullable<ToolEntry['todos']>): HTMLElement {
  const list = document.createElement('ul');
  list.className = 'todo-list';
  list.setAttribute('aria-label', 'Todo list');
  for (const todo of todos) {
    const item = document.createElement('li');
    item.dataset.status = todo.status;
    const mark = document.createElement('span');
    mark.className = 'todo-mark';
    mark.setAttribute('role', 'img');
    mark.setAttribute('aria-label', TODO_LABEL[todo.status]);
    mark.textContent = TODO_MARK[todo.status];
    const text = document.createElement('span');
    text.className = 'todo-text';
    text.textContent = todo.content;
    item.append(mark, text);
    list.append(item);
  }
  return list;
}

function toolOutput(output: string): HTMLElement {
  const pre = document.createElement('pre');
  pre.className = 'tool-output';
  pre.textContent = output || '(no output yet)';
  return pre;
}
