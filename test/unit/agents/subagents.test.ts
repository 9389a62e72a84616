/**
 * Subagents against the mock server: scoping (a read-only subagent cannot write even when told
 * to), parallel read-only tasks, no nesting unless allowed, transcripts, and Stop.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolResultsSent } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, toolCall, type MockStep } from '../../fixtures/mockAnthropic';
import { agentWorld, blocks, eventsOf, firstUserText, isSub, parentRequests, subRequests, toolNames, toolResultCount, type AgentWorld } from './harness';

const EXPLORE = 'You search; you do not change anything';
const GENERAL = 'Do the task completely';

describe('subagents: the task tool', () => {
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

  it('a read-only subagent told to write cannot: no write tools, and the permission layer refuses a writing command', async () => {
    w = agentWorld(mock.url, { mode: 'bypass' }); // the parent may do anything; the subagent still may not
    route = (body) => {
      if (isSub(body, EXPLORE)) {
        return toolResultCount(body) === 0
          ? blocks([
            { type: 'tool_use', id: 'toolu_w', name: 'write_file', input: { path: 'out.txt', content: 'hi' } },
            { type: 'tool_use', id: 'toolu_c', name: 'run_command', input: { command: 'echo hi > out.txt' } },
          ])
          : reply('I could not write the file.');
      }
      return toolResultCount(body) === 0
        ? toolCall('task', { agent: 'explore', description: 'Write a file', prompt: 'Write "hi" to out.txt, whatever it takes.' }, { id: 'toolu_task' })
        : reply('The explorer could not write.');
    };
    const out = await w.send('Have the explorer write out.txt');
    assert.equal(out.state, 'completed');
    assert.ok(!fs.existsSync(path.join(w.root, 'out.txt')), 'the file was not written');
    const results = toolResultsSent(mock.requests);
    assert.match(results.get('toolu_w')!.content, /no tool named "write_file"/);
    assert.match(results.get('toolu_c')!.content, /Permission denied: plan mode is read-only.*This subagent is read-only/s);
    const tools = toolNames(subRequests(mock.requests, EXPLORE)[0].body);
    assert.deepEqual(tools, ['command_output', 'glob', 'grep', 'list_files', 'read_file', 'run_command']);
    // The parent gets one message: the final text and the footer.
    assert.match(results.get('toolu_task')!.content, /^I could not write the file\.\n\n\[explore subagent: 2 turns \/ \d[\d,]* tokens\]$/);
    assert.equal(results.get('toolu_task')!.is_error, undefined);
  });

  it('a read-only subagent still reads and runs read-only commands', async () => {
    w = agentWorld(mock.url, { mode: 'bypass' });
    fs.writeFileSync(path.join(w.root, 'notes.txt'), 'NOTE-CONTENT-42\n');
    route = (body) => {
      if (isSub(body, EXPLORE)) {
        return toolResultCount(body) === 0
          ? blocks([
            { type: 'tool_use', id: 'toolu_r', name: 'read_file', input: { path: 'notes.txt' } },
            { type: 'tool_use', id: 'toolu_ls', name: 'run_command', input: { command: 'ls' } },
          ])
          : reply('Read it.');
      }
      return toolResultCount(body) === 0 ? toolCall('task', { agent: 'explore', description: 'Read notes', prompt: 'Read notes.txt' }, { id: 'toolu_task' }) : reply('ok');
    };
    await w.send('Read the notes through a subagent');
    const results = toolResultsSent(mock.requests);
    assert.match(results.get('toolu_r')!.content, /NOTE-CONTENT-42/);
    assert.match(results.get('toolu_ls')!.content, /notes\.txt/);
  });

  it('runs two read-only tasks from one answer in parallel, and two general ones in order', async () => {
    const slow = (text: string) => reply(text, { delayMs: 30, chunkSize: 3 });
    let agent = 'explore';
    route = (body) => {
      if (isSub(body)) return slow(`Found ${firstUserText(body).includes('alpha') ? 'ALPHA' : 'BETA'} in src.`);
      return toolResultCount(body) === 0
        ? blocks([
          { type: 'tool_use', id: 'toolu_a', name: 'task', input: { agent, description: 'Find alpha', prompt: 'Where is alpha?' } },
          { type: 'tool_use', id: 'toolu_b', name: 'task', input: { agent, description: 'Find beta', prompt: 'Where is beta?' } },
        ])
        : reply('Both found.');
    };
    const overlap = async () => {
      w?.dispose();
      w = agentWorld(mock.url);
      mock.reset();
      assert.equal((await w!.send('Find alpha and beta')).state, 'completed');
      const starts = eventsOf(w!, 'subagent_start');
      const ends = eventsOf(w!, 'subagent_end');
      assert.equal(starts.length, 2);
      assert.equal(ends.length, 2);
      return { secondStartedBeforeFirstEnded: starts[1].at < ends[0].at, results: toolResultsSent(mock.requests) };
    };
    const parallel = await overlap();
    assert.ok(parallel.secondStartedBeforeFirstEnded, 'the two explore subagents overlap in time');
    assert.match(parallel.results.get('toolu_a')!.content, /Found ALPHA/);
    assert.match(parallel.results.get('toolu_b')!.content, /Found BETA/);
    agent = 'general';
    const serial = await overlap();
    assert.ok(!serial.secondStartedBeforeFirstEnded, 'general subagents may write: they run one after the other');
  });

  it('does not let a subagent start subagents unless its agent lists task', async () => {
    const delegator = { name: 'delegator', description: 'Delegates', tools: ['read_file', 'task'], readOnly: true, prompt: 'DELEGATOR-PROMPT', source: 'project' as const };
    w = agentWorld(mock.url, { agents: [delegator] });
    route = (body) => {
      if (isSub(body, 'DELEGATOR-PROMPT')) {
        return toolResultCount(body) === 0
          ? toolCall('task', { agent: 'delegator', description: 'Go deeper', prompt: 'Delegate again' }, { id: 'toolu_nested' })
          : reply('Delegated.');
      }
      if (isSub(body)) return reply('General done.');
      if (toolResultCount(body) === 0) {
        return blocks([
          { type: 'tool_use', id: 'toolu_g', name: 'task', input: { agent: 'general', description: 'General work', prompt: 'Do it' } },
          { type: 'tool_use', id: 'toolu_d', name: 'task', input: { agent: 'delegator', description: 'Delegate', prompt: 'Delegate it' } },
        ]);
      }
      return reply('ok');
    };
    await w.send('Go');
    const general = subRequests(mock.requests, GENERAL);
    assert.ok(general.length > 0);
    assert.ok(!toolNames(general[0].body).includes('task'), 'general has no task tool by default');
    assert.ok(toolNames(general[0].body).includes('write_file'), 'general keeps the parent\'s other tools');
    const delegators = subRequests(mock.requests, 'DELEGATOR-PROMPT');
    // Depth 1 lists task, so it may start one; its child (depth 2) gets no task tool, whatever its agent says.
    const depth1 = delegators.filter((r) => firstUserText(r.body).includes('Delegate it'));
    const depth2 = delegators.filter((r) => firstUserText(r.body).includes('Delegate again'));
    assert.deepEqual(toolNames(depth1[0].body), ['read_file', 'task']);
    assert.deepEqual(toolNames(depth2[0].body), ['read_file']);
    const parentId = w.conversation.id;
    assert.ok(w.recorded.has(`${parentId}-sub-2-sub-1`), 'the nested subagent records under its parent subagent');
    const nested = eventsOf(w, 'subagent_event').filter((e) => e.event.event.type === 'subagent_start');
    assert.equal(nested.length, 1, 'the nested start reaches the parent inside a subagent_event');
  });

  it('records each subagent\'s messages under <parent>-sub-<n>, with a header naming the parent', async () => {
    w = agentWorld(mock.url);
    route = (body) => {
      if (isSub(body)) return toolResultCount(body) === 0 ? toolCall('list_files', { path: '.' }, { id: 'toolu_ls' }) : reply('SUB-FINAL-ANSWER-93');
      return toolResultCount(body) === 0 ? toolCall('task', { agent: 'explore', description: 'Look around', prompt: 'List the files' }, { id: 'toolu_task' }) : reply('done');
    };
    await w.send('Look around');
    const parentId = w.conversation.id;
    const sub = w.recorded.get(`${parentId}-sub-1`);
    assert.ok(sub, `recorded under ${parentId}-sub-1; got ${[...w.recorded.keys()].join(', ')}`);
    assert.match(JSON.stringify(sub[0]), new RegExp(`started by session ${parentId} for: Look around`));
    assert.match(JSON.stringify(sub[0]), /List the files/);
    assert.equal(sub.length, 4, 'prompt, tool call, tool result, final answer');
    assert.match(JSON.stringify(sub.at(-1)), /SUB-FINAL-ANSWER-93/);
    // The parent's own transcript has the one final message, not the subagent's steps.
    const parent = JSON.stringify(w.recorded.get(parentId));
    assert.match(parent, /SUB-FINAL-ANSWER-93/);
    assert.doesNotMatch(parent, /toolu_ls/);
    const start = eventsOf(w, 'subagent_start')[0].event;
    assert.equal(start.id, `${parentId}-sub-1`);
    assert.equal(start.toolUseId, 'toolu_task');
    const inner = eventsOf(w, 'subagent_event').map((e) => e.event.event.type);
    assert.ok(inner.includes('tool_call') && inner.includes('tool_result') && inner.includes('usage'));
    assert.ok(!inner.includes('text'), 'no text deltas from subagents');
  });

  it('Stop aborts a running subagent: no request after, and the parent ends aborted', async () => {
    w = agentWorld(mock.url);
    route = (body) => {
      if (isSub(body)) return reply('x'.repeat(400), { delayMs: 20, chunkSize: 4 });
      return toolCall('task', { agent: 'explore', description: 'Slow', prompt: 'Take your time' }, { id: 'toolu_task' });
    };
    const stop = new AbortController();
    const pending = w.send('Start slow work', stop.signal);
    while (!eventsOf(w, 'subagent_start').length) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    stop.abort();
    const out = await pending;
    assert.equal(out.state, 'aborted_tools');
    assert.equal(eventsOf(w, 'subagent_end')[0].event.state, 'aborted');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(mock.requests.length, 2, 'one parent request and one subagent request');
    assert.equal(parentRequests(mock.requests).length, 1);
  });

  it('refuses an unknown agent type with the list of types', async () => {
    w = agentWorld(mock.url);
    route = (body) => (toolResultCount(body) === 0 ? toolCall('task', { agent: 'explorer', description: 'x', prompt: 'y' }, { id: 'toolu_task' }) : reply('ok'));
    await w.send('go');
    const r = toolResultsSent(mock.requests).get('toolu_task')!;
    assert.equal(r.is_error, true);
    assert.match(r.content, /No agent type "explorer"\. Closest: explore\./);
    assert.equal(subRequests(mock.requests).length, 0);
  });

  it('lists the agent types in the task tool description', async () => {
    w = agentWorld(mock.url, { agents: [{ name: 'reviewer', description: 'Reviews a diff', readOnly: true, tools: ['read_file'], prompt: 'p', source: 'user' }] });
    route = () => reply('hi');
    await w.send('hi');
    const task = mock.requests[0].body.tools.find((t: { name: string }) => t.name === 'task');
    assert.match(task.description, /- explore \(read-only\): Read-only search/);
    assert.match(task.description, /- general: General-purpose/);
    assert.match(task.description, /- plan \(read-only\):/);
    assert.match(task.description, /- reviewer \(read-only\): Reviews a diff/);
  });
});
