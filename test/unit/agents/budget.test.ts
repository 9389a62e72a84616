/**
 * Budgets: no subagent makes a request past its caps on turns or tokens; at the cap it stops and
 * reports what it got so far.
 */
import * as assert from 'node:assert/strict';
import { toolResultsSent } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, toolCall, type MockStep } from '../../fixtures/mockAnthropic';
import { agentWorld, blocks, eventsOf, isSub, subRequests, toolResultCount, type AgentWorld } from './harness';
import type { AgentDefinition } from '../../../src/core/agents/types';

const agent = (name: string, extra: Partial<AgentDefinition>): AgentDefinition => ({
  name, description: `${name} agent`, tools: ['list_files'], readOnly: true, prompt: `${name.toUpperCase()}-PROMPT`, source: 'project', ...extra,
});

/** A subagent that never finishes: every answer is some text and one more tool call. */
const endless = (body: any): MockStep => {
  const step = toolResultCount(body) + 1;
  return blocks([{ type: 'text', text: `Progress note ${step}.` }, { type: 'tool_use', id: `toolu_s${step}`, name: 'list_files', input: { path: '.' } }], {
    usage: { input_tokens: 400, output_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  });
};

describe('subagents: budgets', () => {
  let mock: MockAnthropicServer;
  let w: AgentWorld | undefined;
  before(async () => (mock = await MockAnthropicServer.start({
    apiKeys: ['test-key'],
    fallback: (body) => {
      if (isSub(body)) return endless(body);
      return toolResultCount(body) === 0
        ? toolCall('task', { agent: lastAgent, description: 'Run until stopped', prompt: 'Keep going' }, { id: 'toolu_task' })
        : reply('The subagent stopped.');
    },
  })));
  after(() => mock.close());
  let lastAgent = '';
  beforeEach(() => mock.reset());
  afterEach(() => {
    w?.dispose();
    w = undefined;
  });

  async function run(name: string, agents: AgentDefinition[], options = {}) {
    lastAgent = name;
    mock.reset();
    w?.dispose();
    w = agentWorld(mock.url, { agents, options });
    const out = await w.send('Start it');
    assert.equal(out.state, 'completed', 'the parent goes on after the subagent stops');
    return { subs: subRequests(mock.requests, `${name.toUpperCase()}-PROMPT`), result: toolResultsSent(mock.requests).get('toolu_task')!, end: eventsOf(w, 'subagent_end')[0].event };
  }

  it('stops at its turn cap (max-turns): no request past it, and reports its last text', async () => {
    const { subs, result, end } = await run('looper', [agent('looper', { maxTurns: 3 })]);
    assert.equal(subs.length, 3, 'exactly max-turns requests');
    assert.deepEqual([end.state, end.turns, end.tokens], ['budget_turns', 3, 1500]);
    assert.match(result.content, /^Progress note 3\.\n\n\[looper subagent\] Stopped at its budget: 3 turns \/ 1,500 tokens \(caps: 3 turns, 200,000 tokens\)/);
    assert.notEqual(result.is_error, true);
  });

  it('stops at its token cap (max-tokens) after the response that reaches it: no request past it', async () => {
    const { subs, result, end } = await run('spender', [agent('spender', { maxTokens: 1000, maxTurns: 50 })]);
    assert.equal(subs.length, 2, '500 tokens a response: the second reaches 1,000, and nothing is sent after it');
    assert.deepEqual([end.state, end.turns, end.tokens], ['budget_tokens', 2, 1000]);
    assert.match(result.content, /^Progress note 2\.\n\n\[spender subagent\] Stopped at its budget: 2 turns \/ 1,000 tokens/);
    // The tool call of the last response was not run.
    const lastCall = toolResultsSent(mock.requests).get('toolu_s2');
    assert.equal(lastCall, undefined, 'no request carries a result for the call made at the cap');
  });

  it('uses the default caps from the options when the agent has none', async () => {
    const { subs, end } = await run('plain', [agent('plain', {})], { maxTurns: 40, maxTokens: 1200 });
    assert.equal(subs.length, 3, '1,500 tokens after the third response: at or over 1,200, so it stops there');
    assert.equal(end.state, 'budget_tokens');
    const { subs: turns } = await run('plain', [agent('plain', {})], { maxTurns: 2, maxTokens: 200_000 });
    assert.equal(turns.length, 2);
  });
});
