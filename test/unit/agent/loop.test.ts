import * as assert from 'node:assert/strict';
import { CONTINUE_NUDGE, ESCALATED_MAX_TOKENS, toApiTools } from '../../../src/core/agent/loop';
import { MAX_RETRIES, retryDelayMs } from '../../../src/core/agent/retryPolicy';
import { ModelError } from '../../../src/core/model/modelError';
import {
  MockAnthropicServer, type MockStep, apiError, contextOverflow, dropAfter, overloaded, promptTooLong, rateLimited, reply, serverError, stallAfter, toolCall, unauthorized,
} from '../../fixtures/mockAnthropic';
import { continues, fakeTools, runLoop } from './loopHarness';

const multi = (...calls: Array<[string, unknown]>) => ({
  kind: 'message' as const,
  content: calls.map(([name, input], i) => ({ type: 'tool_use' as const, id: `toolu_${i}`, name, input })),
  stopReason: 'tool_use' as const,
});

describe('agent loop: continue reasons and end states', () => {
  let mock: MockAnthropicServer;
  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['k'] })));
  after(() => mock.close());
  beforeEach(() => mock.reset());

  it('completed: a plain answer ends the loop after one request', async () => {
    mock.enqueue(reply('done'));
    const r = await runLoop(mock.url, 'hi');
    assert.equal(r.outcome.state, 'completed');
    assert.equal(r.outcome.turns, 1);
    assert.equal(r.outcome.finalText, 'done');
    assert.deepEqual(continues(r.events), []);
  });

  it('next_turn: tool calls run, their results go back, and the model answers', async () => {
    mock.enqueue(toolCall('look', { what: 'readme' }, { text: 'Let me look.', id: 'toolu_a' }), reply('It says hello.'));
    const r = await runLoop(mock.url, 'what does it say?');
    assert.equal(r.outcome.state, 'completed');
    assert.equal(r.outcome.turns, 2);
    assert.deepEqual(continues(r.events), ['next_turn']);
    const second = mock.requests[1].body;
    assert.deepEqual(second.messages[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: 'saw readme' }] });
    assert.deepEqual(second.tools.map((t: { name: string }) => t.name), ['boom', 'change', 'look'], 'tools sorted by name');
    assert.equal(second.tools[2].input_schema.type, 'object');
  });

  it('a tool-use block continues the loop even when stop_reason says end_turn', async () => {
    mock.enqueue({ ...toolCall('look', { what: 'x' }), stopReason: 'end_turn' } as MockStep, reply('ok'));
    const r = await runLoop(mock.url, 'go');
    assert.deepEqual(continues(r.events), ['next_turn']);
    assert.equal(mock.requests.length, 2);
  });

  it('unknown tools, invalid input and a throwing tool become error results the model can act on', async () => {
    mock.enqueue(multi(['nope', {}], ['look', { what: 42 }], ['boom', {}]), reply('I will fix my calls.'));
    const r = await runLoop(mock.url, 'go');
    assert.equal(r.outcome.state, 'completed');
    const results = mock.requests[1].body.messages[2].content;
    assert.match(results[0].content, /no tool named "nope".*Available tools: boom, change, look/s);
    assert.match(results[1].content, /Invalid input for look:[\s\S]*what/);
    assert.match(results[2].content, /failed unexpectedly: kaboom/);
    assert.ok(results.every((b: { is_error: boolean }) => b.is_error === true));
  });

  it('runs read-only calls in parallel (at most 10) and writes one at a time, in order', async () => {
    const { tools, stats } = fakeTools();
    const reads = Array.from({ length: 12 }, (_, i) => ['look', { what: `r${i}`, ms: 60 }] as [string, unknown]);
    mock.enqueue(multi(...reads), multi(['change', { what: 'a', ms: 30 }], ['change', { what: 'b', ms: 10 }], ['look', { what: 'c' }]), reply('done'));
    let peak = 0;
    const r = await runLoop(mock.url, 'go', { tools, emit: () => (peak = Math.max(peak, stats.peak)) });
    assert.equal(r.outcome.state, 'completed');
    assert.equal(stats.peak, 10, 'twelve reads ran ten at a time');
    assert.deepEqual(stats.calls.slice(12), ['change:a', 'change:b', 'look:c']);
    const order = mock.requests[2].body.messages[4].content.map((b: { tool_use_id: string }) => b.tool_use_id);
    assert.deepEqual(order, ['toolu_0', 'toolu_1', 'toolu_2'], 'results in call order');
  });

  for (const [name, fault] of [['429', rateLimited(0)], ['529', overloaded()], ['500', serverError()], ['a dropped stream', dropAfter(5)], ['a 408', apiError(408, 'timeout_error', 'Request timeout')]] as const) {
    it(`retry: ${name} is retried and the turn completes`, async () => {
      mock.enqueue(fault, reply('recovered'));
      const r = await runLoop(mock.url, 'go');
      assert.equal(r.outcome.state, 'completed');
      assert.deepEqual(continues(r.events), ['retry']);
      assert.equal(r.sleeps.length, 1);
      assert.equal(mock.requests.length, 2);
    });
  }

  it('a dropped stream tells the UI to discard what it showed of that attempt', async () => {
    mock.enqueue({ ...dropAfter(6, 'This partial text will be replaced.'), delayMs: 20 } as MockStep, reply('clean'));
    const r = await runLoop(mock.url, 'go');
    const kinds = r.events.map((e) => e.type);
    assert.ok(kinds.indexOf('discard_text') > kinds.indexOf('text'));
    assert.equal(r.outcome.finalText, 'clean');
  });

  it('a silent stream is cut after the idle timeout and retried', async () => {
    mock.enqueue(stallAfter(4), reply('after the stall'));
    const r = await runLoop(mock.url, 'go', { idleTimeoutMs: 200 });
    assert.equal(r.outcome.state, 'completed');
    const wait = r.events.find((e) => e.type === 'retry_wait');
    assert.ok(wait?.type === 'retry_wait' && wait.reason === 'timeout');
  });

  it('model_error: gives up after 10 retries with doubling delays', async () => {
    mock.enqueue(...Array.from({ length: 11 }, () => overloaded()));
    const r = await runLoop(mock.url, 'go');
    assert.equal(r.outcome.state, 'model_error');
    assert.equal(r.outcome.error?.reason, 'overloaded');
    assert.equal(mock.requests.length, MAX_RETRIES + 1);
    assert.deepEqual(r.sleeps, [500, 1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000, 32000]);
  });

  it('model_error at once for what retrying cannot fix (401)', async () => {
    mock.enqueue(unauthorized());
    const r = await runLoop(mock.url, 'go');
    assert.equal(r.outcome.state, 'model_error');
    assert.equal(r.outcome.error?.reason, 'auth');
    assert.equal(r.sleeps.length, 0);
  });

  it('retry delays: jitter adds up to 25%, and retry-after wins', () => {
    const e = new ModelError('overloaded');
    assert.equal(retryDelayMs(1, e, () => 0), 500);
    assert.equal(retryDelayMs(1, e, () => 1), 625);
    assert.equal(retryDelayMs(7, e, () => 0.5), 36000);
    const limited = new ModelError('rate_limit');
    limited.retryAfterMs = 7000;
    assert.equal(retryDelayMs(1, limited), 7000);
  });

  it('retry-after from the server is what the loop waits', async () => {
    mock.enqueue(rateLimited(3), reply('ok'));
    const r = await runLoop(mock.url, 'go');
    assert.deepEqual(r.sleeps, [3000]);
  });

  it('max_tokens: one retry with a higher limit, then continue nudges that keep the partial answer', async () => {
    mock.enqueue(reply('Part one, cut', { stopReason: 'max_tokens' }), reply('Part one', { stopReason: 'max_tokens' }), reply(' and part two.'));
    const r = await runLoop(mock.url, 'write a lot');
    assert.equal(r.outcome.state, 'completed');
    assert.deepEqual(continues(r.events), ['max_tokens_escalate', 'max_tokens_continue']);
    assert.equal(mock.requests[1].body.max_tokens, ESCALATED_MAX_TOKENS);
    const third = mock.requests[2].body.messages;
    assert.deepEqual(third.slice(1), [{ role: 'assistant', content: [{ type: 'text', text: 'Part one' }] }, { role: 'user', content: CONTINUE_NUDGE }]);
    assert.equal(r.outcome.finalText, 'Part one and part two.');
  });

  it('max_tokens: ends as max_tokens after three nudges', async () => {
    mock.enqueue(...Array.from({ length: 5 }, () => reply('more', { stopReason: 'max_tokens' as const })));
    const r = await runLoop(mock.url, 'write forever');
    assert.equal(r.outcome.state, 'max_tokens');
    assert.equal(mock.requests.length, 5);
  });

  it('context_overflow_retry: max_tokens shrinks to what fits, never below 3,000', async () => {
    mock.enqueue(contextOverflow(190_000, 16_000), reply('fits now'));
    const ok = await runLoop(mock.url, 'go');
    assert.equal(ok.outcome.state, 'completed');
    assert.deepEqual(continues(ok.events), ['context_overflow_retry']);
    assert.equal(mock.requests[1].body.max_tokens, 9_000);
    mock.reset();
    mock.enqueue(contextOverflow(198_000, 16_000));
    const tight = await runLoop(mock.url, 'go');
    assert.equal(tight.outcome.state, 'prompt_too_long');
  });

  it('prompt_too_long when the prompt alone is over the limit', async () => {
    mock.enqueue(promptTooLong());
    const r = await runLoop(mock.url, 'go');
    assert.equal(r.outcome.state, 'prompt_too_long');
    assert.equal(r.outcome.error?.action, 'newConversation');
  });

  it('max_turns: stops at the limit and still answers every tool call', async () => {
    mock.enqueue(toolCall('look', { what: '1' }), toolCall('look', { what: '2' }), toolCall('look', { what: '3' }));
    const r = await runLoop(mock.url, 'loop', { maxTurns: 2 });
    assert.equal(r.outcome.state, 'max_turns');
    assert.equal(r.outcome.turns, 2);
    const last = r.history.at(-1)!;
    assert.ok(Array.isArray(last.content) && last.content[0].type === 'tool_result');
  });

  it('aborted_streaming: a stop mid-stream keeps whole blocks, answers their tool calls, and the conversation can go on', async () => {
    mock.enqueue({ kind: 'stall', afterEvents: 9, content: [{ type: 'tool_use', id: 'toolu_s', name: 'look', input: { what: 'x' } }, { type: 'text', text: 'and now some text that stalls' }] });
    const r = await runLoop(mock.url, 'go', { abortWhen: (e) => e.type === 'text' });
    assert.equal(r.outcome.state, 'aborted_streaming');
    assert.equal(r.history.length, 3, 'user, assistant (tool_use + partial text), user (interrupted result)');
    mock.enqueue(reply('continuing'));
    r.history.push({ role: 'user', content: 'go on' });
    const next = await runLoop(mock.url, '', { history: r.history });
    assert.equal(next.outcome.state, 'completed', 'the mock accepts the history: every tool_use was answered');
  });

  it('aborted_tools: a stop while tools run interrupts them and answers the rest', async () => {
    mock.enqueue(multi(['change', { what: 'slow', ms: 2000 }], ['change', { what: 'never' }]));
    const t0 = Date.now();
    const r = await runLoop(mock.url, 'go', { abortWhen: (e) => e.type === 'tool_call' });
    assert.equal(r.outcome.state, 'aborted_tools');
    assert.ok(Date.now() - t0 < 1500, 'the slow tool was interrupted, not waited for');
    const results = (r.history.at(-1)!.content as Array<{ content: string }>).map((b) => b.content);
    assert.equal(results[0], 'interrupted mid-change');
    assert.match(results[1], /Interrupted by the user/);
  });

  it('toApiTools gives JSON schemas without $schema, sorted by name', () => {
    const api = toApiTools(fakeTools().tools);
    assert.deepEqual(api.map((t) => t.name), ['boom', 'change', 'look']);
    assert.ok(!('$schema' in api[0].input_schema));
    assert.deepEqual(api[2].input_schema.required, ['what']);
  });
});
