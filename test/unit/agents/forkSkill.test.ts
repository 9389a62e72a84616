/** A skill with `context: fork` runs as a `general` subagent whose prompt is the rendered skill. */
import * as assert from 'node:assert/strict';
import { SkillCatalog } from '../../../src/core/skills/catalog';
import { createSkillTool } from '../../../src/core/tools/skill';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { toolResultsSent } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, systemText, toolCall } from '../../fixtures/mockAnthropic';
import { MemoryLogger } from '../fakes';
import { skillMd, skillWorld, type SkillWorld } from '../skills/fixture';
import { agentWorld, eventsOf, firstUserText, isSub, parentRequests, subRequests, toolResultCount, type AgentWorld } from './harness';

describe('subagents: skills with context: fork', () => {
  let mock: MockAnthropicServer;
  let w: AgentWorld | undefined;
  let sw: SkillWorld;
  before(async () => (mock = await MockAnthropicServer.start({
    apiKeys: ['test-key'],
    fallback: (body) => {
      if (isSub(body)) return reply('FORK-RESULT: three modules summarised.');
      return toolResultCount(body) === 0 ? toolCall('skill', { name: 'summarize', args: 'src/core' }, { id: 'toolu_skill' }) : reply('Summarised.');
    },
  })));
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    sw = skillWorld();
  });
  afterEach(() => {
    w?.dispose();
    w = undefined;
    sw.dispose();
  });

  async function world(body: string, extra = 'context: fork\n') {
    sw.put('home/.reverie/skills/summarize/SKILL.md', skillMd('summarize', 'Summarises a folder', extra, body));
    const catalog = new SkillCatalog({ fs: new NodeFileSystem(), places: () => sw.places, log: new MemoryLogger() });
    await catalog.scan();
    return agentWorld(mock.url, { extraTools: (subagents) => [createSkillTool(catalog, subagents)] });
  }

  it('runs the rendered skill in a general subagent and returns its final message', async () => {
    w = await world('FORK-BODY-MARKER: summarise $ARGUMENTS module by module.');
    assert.equal((await w.send('Summarise src/core')).state, 'completed');
    const subs = subRequests(mock.requests, 'Do the task completely');
    assert.equal(subs.length, 1, 'one general subagent request');
    assert.match(firstUserText(subs[0].body), /FORK-BODY-MARKER: summarise src\/core module by module\./);
    assert.match(firstUserText(subs[0].body), /for: skill summarize src\/core/);
    const result = toolResultsSent(mock.requests).get('toolu_skill')!;
    assert.match(result.content, /ran in a subagent \(context: fork\)/);
    assert.match(result.content, /FORK-RESULT: three modules summarised\.\n\n\[general subagent: 1 turn \//);
    // The skill's body never enters the parent's conversation.
    for (const r of parentRequests(mock.requests)) assert.doesNotMatch(JSON.stringify(r.body.messages), /FORK-BODY-MARKER/);
    assert.equal(eventsOf(w, 'subagent_start')[0].event.agent, 'general');
    assert.ok(!systemText(subs[0].body).includes('FORK-BODY-MARKER'), 'the body is the prompt, not the system prompt');
  });

  it('a skill without context: fork still loads inline', async () => {
    w = await world('INLINE-BODY-MARKER', '');
    await w.send('Summarise src/core');
    assert.equal(subRequests(mock.requests).length, 0);
    assert.match(toolResultsSent(mock.requests).get('toolu_skill')!.content, /INLINE-BODY-MARKER/);
  });
});
