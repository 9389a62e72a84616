/**
 * Stopping one subagent from its panel card: `Subagents.stop(id)` aborts that subagent only; the
 * parent's turn goes on with what the subagent had so far.
 */
import * as assert from 'node:assert/strict';
import { toolResultsSent } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, toolCall, type MockStep } from '../../fixtures/mockAnthropic';
import { agentWorld, eventsOf, isSub, parentRequests, subRequests, toolResultCount, type AgentWorld } from './harness';

describe('subagents: stop(id) from the card', () => {
  let mock: MockAnthropicServer;
  let w: AgentWorld | undefined;
  let route: (body: any) => MockStep;
  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'], fallback: (body) => route(body) })));
  after(() => mock.close());
  beforeEach(() => mock.reset());
  afterEach(() => {
    w?.dispose();
    w = undefined;
  });

  it('stops that subagent only: it ends aborted, sends nothing more, and the parent finishes its turn', async () => {
    w = agentWorld(mock.url);
    route = (body) => {
      if (isSub(body)) return reply('x'.repeat(400), { delayMs: 20, chunkSize: 4 });
      return toolResultCount(body) === 0
        ? toolCall('task', { agent: 'explore', description: 'Slow', prompt: 'Take your time' }, { id: 'toolu_task' })
        : reply('The explorer was stopped; I will do it myself.');
    };
    const pending = w.send('Start slow work');
    while (!eventsOf(w, 'subagent_start').length) await new Promise((r) => setTimeout(r, 5));
    const id = eventsOf(w, 'subagent_start')[0].event.id;
    assert.equal(w.subagents.stop('no-such-subagent'), false);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(w.subagents.stop(id), true);
    const out = await pending;
    assert.equal(out.state, 'completed', 'the parent turn goes on');
    assert.equal(eventsOf(w, 'subagent_end')[0].event.state, 'aborted');
    assert.equal(subRequests(mock.requests).length, 1, 'no subagent request after Stop');
    assert.equal(parentRequests(mock.requests).length, 2, 'the parent got the result and answered');
    assert.match(toolResultsSent(mock.requests).get('toolu_task')!.content, /^Stopped by the user before the explore subagent finished/);
    assert.equal(w.subagents.stop(id), false, 'an ended subagent is no longer stoppable');
  });
});
