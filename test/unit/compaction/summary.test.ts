import * as assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { groupByRound } from '../../../src/core/compaction/groups';
import {
  buildSummaryRequest, dropOldestGroups, formatSummary, groupsToDrop, isSummaryMessage, SUMMARY_SECTIONS,
  summaryMessage, userMessagesOf,
} from '../../../src/core/compaction/summary';
import { assistant, generateHistory, round, user } from './histories';

const requestText = (r: { messages: MessageParam[] }) => r.messages[0].content as string;

describe('summary request', () => {
  const history: MessageParam[] = [
    { role: 'user', content: [{ type: 'text', text: '<system-reminder>\nAGENTS.md says tabs\n</system-reminder>' }, { type: 'text', text: 'Fix the "parser" bug\nin src/p.ts' }] },
    ...round('t1', 'read_file', { path: 'src/p.ts' }, 'R'.repeat(5_000)),
    assistant('Found it.'),
    user('Also, never touch package.json.'),
    ...round('t2', 'run_command', { command: 'npm test' }, 'ok'),
  ];

  it('asks for an analysis, then a summary with the nine sections, with no tools', () => {
    const req = buildSummaryRequest(history, { focus: 'the parser fix' });
    assert.deepEqual(Object.keys(req).sort(), ['messages', 'system']);
    assert.equal(req.messages.length, 1);
    const text = requestText(req);
    assert.match(text, /<analysis>/);
    assert.match(text, /<summary>/);
    SUMMARY_SECTIONS.forEach((s, i) => assert.ok(text.includes(`${i + 1}. ${s}`), `section ${i + 1}`));
    assert.equal(SUMMARY_SECTIONS.length, 9);
    assert.match(text, /focus on: the parser fix$/);
    assert.match(req.system, /no tools/);
  });

  it('lists every user message verbatim, and no tool result or reminder among them', () => {
    assert.deepEqual(userMessagesOf(history), ['Fix the "parser" bug\nin src/p.ts', 'Also, never touch package.json.']);
    const text = requestText(buildSummaryRequest(history));
    assert.ok(text.includes('<verbatim-user-messages>\n"Fix the \\"parser\\" bug\\nin src/p.ts"\n"Also, never touch package.json."\n</verbatim-user-messages>'));
  });

  it('counts text the user sent alongside tool results', () => {
    const withInterjection: MessageParam[] = [
      assistant('', [{ id: 'x', name: 'grep' }]),
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'hits' }, { type: 'text', text: 'stop, use tabs' }] },
    ];
    assert.deepEqual(userMessagesOf(withInterjection), ['stop, use tabs']);
  });

  it('caps tool results in the transcript so the request stays small', () => {
    const text = requestText(buildSummaryRequest(history));
    assert.ok(text.includes(`[tool result read_file t1]\n${'R'.repeat(2_000)}\n[... 3000 more characters cut]`));
    assert.ok(!text.includes('R'.repeat(2_001)));
  });

  it('keeps every user message of a long generated history, even with the oldest groups dropped', () => {
    const long = generateHistory(3, 60);
    const expected = long.filter((m) => typeof m.content === 'string' && m.role === 'user').map((m) => m.content as string);
    assert.equal(expected.length, 60);
    const groups = groupByRound(long);
    const req = buildSummaryRequest(long, { dropOldestGroups: 30 });
    const text = requestText(req);
    for (const u of expected) assert.ok(text.includes(JSON.stringify(u)), `missing ${u.slice(0, 20)}`);
    assert.match(text, /The 30 oldest rounds of the conversation were left out/);
    const callIds = (gs: typeof groups) => gs.flatMap((g) => g.messages).flatMap((m) =>
      typeof m.content === 'string' ? [] : m.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : [])));
    const dropped = callIds(groups.slice(0, 30));
    const kept = callIds(groups.slice(30));
    assert.ok(dropped.length > 0 && kept.length > 0);
    for (const id of dropped) assert.ok(!text.includes(` ${id}:`), `dropped call ${id} still rendered`);
    for (const id of kept) assert.ok(text.includes(` ${id}:`), `kept call ${id} missing`);
  });

  it('keeps the user messages of an earlier compaction in the next one', () => {
    const first = summaryMessage('1. Primary request...', { tailKept: true, userMessages: ['first ask', 'line one\nline two'] });
    assert.ok(isSummaryMessage(first));
    const later = [first, assistant('ok'), user('third ask')];
    assert.deepEqual(userMessagesOf(later), ['first ask', 'line one\nline two', 'third ask']);
  });
});

describe('summary output', () => {
  it('strips the analysis scratchpad and the tags, keeping the sections', () => {
    const raw = '<analysis>\nthinking...\n</analysis>\n\n<summary>\n1. Primary request and intent:\n   Fix it.\n\n\n\n2. Key technical concepts:\n   TS\n</summary>';
    assert.equal(formatSummary(raw), '1. Primary request and intent:\n   Fix it.\n\n2. Key technical concepts:\n   TS');
  });

  it('copes with a summary without tags, and an analysis that never closed', () => {
    assert.equal(formatSummary('1. Request: x'), '1. Request: x');
    assert.equal(formatSummary('<analysis>cut off mid-thought'), '');
    assert.equal(formatSummary('<analysis>a<summary>1. x'), '1. x');
  });

  it('builds the message that replaces the summarised part', () => {
    const m = summaryMessage('1. x', { tailKept: true, transcriptPath: '/s/1.jsonl', auto: true });
    assert.equal(m.role, 'user');
    assert.equal(m.content,
      'This session continues from an earlier conversation that was compacted. Summary:\n\n1. x\n\n' +
      'The full earlier conversation is in /s/1.jsonl; search or read it when you need an exact detail the summary lacks.\n\n' +
      'The most recent messages follow verbatim after this one.\n\n' +
      'Continue the work from where it stopped: do not ask the user to repeat anything, do not recap, just carry on.');
  });
});

describe('reactive retry: dropping the oldest groups', () => {
  const groups = groupByRound(Array.from({ length: 10 }, (_, i) => user('x'.repeat(4_000 * (i + 1)))));

  it('drops enough groups to shed the excess, or a fifth of them without a figure', () => {
    assert.equal(groupsToDrop(groups, 2_500), 2); // 1,000 + 2,000
    assert.equal(groupsToDrop(groups, 3_000), 2);
    assert.equal(groupsToDrop(groups, 3_001), 3);
    assert.equal(groupsToDrop(groups), 2);
    assert.equal(groupsToDrop(groups.slice(0, 3)), 1);
    assert.equal(groupsToDrop(groups, 1_000_000), 10);
  });

  it('returns the newer groups', () => {
    assert.deepEqual(dropOldestGroups(groups, 3).map((g) => g.start), [3, 4, 5, 6, 7, 8, 9]);
    assert.equal(dropOldestGroups(groups, 0).length, 10);
  });
});
