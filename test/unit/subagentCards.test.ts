/**
 * The subagent card: how a run's subagent events become one card per subagent (its calls, capped;
 * tokens and turns against the budget; how it ended), and the panel's Stop reaching the host.
 */
import * as assert from 'node:assert/strict';
import type { AgentEvent } from '../../src/core/agent/events';
import { ChatController } from '../../src/host/chatController';
import type { SubagentEntry } from '../../src/shared/subagentProtocol';
import { MemoryLogger, fakeAccess, testConversation } from './fakes';
import { runTurnView } from './turnViewRun';

const usage = (input: number, output: number) => ({ inputTokens: input, outputTokens: output, cacheReadInputTokens: 0, cacheCreationInputTokens: 0 });
const start = (id = 'p-sub-1'): AgentEvent => ({
  type: 'subagent_start', id, agent: 'explore', description: 'Find the retry policy', toolUseId: 'toolu_task', readOnly: true, budget: { maxTurns: 25, maxTokens: 200_000 },
});
const inner = (event: AgentEvent, id = 'p-sub-1'): AgentEvent => ({ type: 'subagent_event', id, event });

function run(events: AgentEvent[], finish = true) {
  const { entries, out } = runTurnView(events, finish);
  const cards = out.flatMap((m) => (m.type === 'entry' && m.entry.role === 'subagent' ? [m.entry as SubagentEntry] : []));
  return { entries, out, cards, last: cards.at(-1)! };
}

describe('subagent cards', () => {
  it('a started subagent is a running card under its task call, then shows its calls, tokens, turns and end', () => {
    const { entries, cards, last } = run([
      { type: 'tool_use_start', id: 'toolu_task', name: 'task' },
      start(),
      inner({ type: 'tool_call', id: 'toolu_g', name: 'grep', input: { pattern: 'retry', path: 'src' } }),
      inner({ type: 'usage', usage: usage(1_000, 200) }),
      inner({ type: 'tool_result', id: 'toolu_g', name: 'grep', content: 'src/a.ts:1', isError: false }),
      inner({ type: 'tool_call', id: 'toolu_r', name: 'read_file', input: { path: 'src/missing.ts' } }),
      inner({ type: 'tool_result', id: 'toolu_r', name: 'read_file', content: 'No such file', isError: true }),
      inner({ type: 'text', text: 'never shown' }),
      inner({ type: 'usage', usage: usage(1_500, 300) }),
      { type: 'subagent_end', id: 'p-sub-1', state: 'completed', turns: 2, tokens: 3_000 },
    ]);
    assert.deepEqual(entries.map((e) => e.role), ['tool', 'subagent'], 'the card follows the task call');
    assert.deepEqual({ ...cards[0], calls: cards[0].calls }, {
      role: 'subagent', id: 'e1', subagentId: 'p-sub-1', toolUseId: 'toolu_task', agent: 'explore', description: 'Find the retry policy', readOnly: true,
      calls: [], earlierCalls: 0, turns: 0, maxTurns: 25, tokens: 0, maxTokens: 200_000, state: 'running',
    });
    assert.equal(cards[2].tokens, 1_200, 'tokens add up as responses arrive');
    assert.deepEqual(last.calls, [
      { id: 'toolu_g', name: 'grep', summary: 'retry in src', status: 'done' },
      { id: 'toolu_r', name: 'read_file', summary: 'src/missing.ts', status: 'error' },
    ]);
    assert.deepEqual([last.state, last.turns, last.tokens], ['completed', 2, 3_000]);
    assert.equal(cards.length, 8, 'one post per call, result, response and end; text deltas change nothing');
    assert.deepEqual(entries[1], last, 'the transcript keeps the latest card (for a snapshot)');
  });

  it('keeps only the last 20 calls and counts the earlier ones', () => {
    const calls = Array.from({ length: 23 }, (_, i) => inner({ type: 'tool_call', id: `toolu_${i}`, name: 'read_file', input: { path: `f${i}.ts` } }));
    const { last } = run([start(), ...calls, { type: 'subagent_end', id: 'p-sub-1', state: 'budget_turns', turns: 25, tokens: 90_000 }]);
    assert.equal(last.calls.length, 20);
    assert.equal(last.earlierCalls, 3);
    assert.equal(last.calls[0].summary, 'f3.ts');
    assert.ok(last.calls.every((c) => c.status === 'interrupted'), 'calls still running when it stopped');
    assert.equal(last.state, 'budget_turns');
  });

  it('parallel subagents get a card each; a card without an end is marked aborted when the run ends', () => {
    const { last, cards } = run([start('p-sub-1'), start('p-sub-2'), inner({ type: 'tool_call', id: 'x', name: 'glob', input: { pattern: '*.ts' } }, 'p-sub-2'), { type: 'subagent_end', id: 'p-sub-1', state: 'completed', turns: 1, tokens: 10 }]);
    const byId = new Map(cards.map((c) => [c.subagentId, c]));
    assert.equal(byId.get('p-sub-1')!.state, 'completed');
    assert.equal(last.subagentId, 'p-sub-2');
    assert.equal(last.state, 'aborted');
    assert.deepEqual(last.calls.map((c) => [c.summary, c.status]), [['*.ts', 'interrupted']]);
    assert.equal(new Set(cards.map((c) => c.id)).size, 2);
  });

  it('clips what files and the model wrote to the protocol limits', () => {
    const { last } = run([{ ...start(), agent: 'a'.repeat(300), description: 'd'.repeat(500) } as AgentEvent], false);
    assert.equal(last.agent.length, 64);
    assert.equal(last.description.length, 200);
  });

  it('the panel\'s Stop reaches the host by subagent id; a malformed id is dropped', async () => {
    const stopped: string[] = [];
    const log = new MemoryLogger();
    const chat = new ChatController(testConversation(fakeAccess('http://127.0.0.1:9'), log), {
      hasApiKey: async () => true, model: () => 'm', setApiKey: async () => undefined, openSettings: async () => undefined,
      stopSubagent: (id) => (stopped.push(id), id === 'p-sub-1'),
    }, log);
    chat.receive({ type: 'stopSubagent', id: 'p-sub-1' });
    chat.receive({ type: 'stopSubagent', id: 'p-sub-9' });
    chat.receive({ type: 'stopSubagent', id: '../p-sub-1' });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(stopped, ['p-sub-1', 'p-sub-9']);
    assert.ok(log.lines.some((l) => /ignored Stop on subagent p-sub-9: it is not running/.test(l)));
  });
});
