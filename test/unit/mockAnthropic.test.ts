import * as assert from 'node:assert/strict';
import Anthropic, { AuthenticationError, OverloadedError, RateLimitError } from '@anthropic-ai/sdk';
import { MockAnthropicServer, overloaded, rateLimited, reply, requestKey, toolCall } from '../fixtures/mockAnthropic';

/** The mock is only useful if the real SDK accepts what it sends: these tests hold it to that. */
describe('mock Anthropic server, driven by the real SDK', () => {
  let mock: MockAnthropicServer;
  let client: Anthropic;
  before(async () => {
    mock = await MockAnthropicServer.start({ apiKeys: ['good-key'], control: true });
    client = new Anthropic({ apiKey: 'good-key', baseURL: mock.url, maxRetries: 0 });
  });
  after(() => mock.close());
  beforeEach(() => mock.reset());

  it('streams text that the SDK assembles into a final message with usage and cache fields', async () => {
    mock.enqueue(reply('Hello from the mock, streamed in small pieces.', { chunkSize: 5, usage: { input_tokens: 1200, cache_read_input_tokens: 1000, cache_creation_input_tokens: 50 } }));
    const deltas: string[] = [];
    const stream = client.messages.stream({ model: 'claude-test', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    stream.on('text', (t) => deltas.push(t));
    const msg = await stream.finalMessage();
    assert.equal(deltas.join(''), 'Hello from the mock, streamed in small pieces.');
    assert.ok(deltas.length >= 9, `expected many deltas, got ${deltas.length}`);
    assert.equal(msg.stop_reason, 'end_turn');
    assert.equal(msg.usage.input_tokens, 1200);
    assert.equal(msg.usage.cache_read_input_tokens, 1000);
    assert.equal(msg.usage.cache_creation_input_tokens, 50);
    assert.ok(msg.usage.output_tokens > 0);
  });

  it('streams a tool call as input_json_delta pieces the SDK parses back into the input', async () => {
    const input = { path: 'src/app.ts', lines: [1, 2, 3], note: 'quotes " and \\ survive' };
    mock.enqueue(toolCall('read_file', input, { text: 'Let me look.', id: 'toolu_1', chunkSize: 4 }));
    const msg = await client.messages.stream({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'read it' }] }).finalMessage();
    assert.equal(msg.stop_reason, 'tool_use');
    assert.deepEqual(msg.content.map((b) => b.type), ['text', 'tool_use']);
    const tool = msg.content[1];
    assert.ok(tool.type === 'tool_use');
    assert.equal(tool.id, 'toolu_1');
    assert.equal(tool.name, 'read_file');
    assert.deepEqual(tool.input, input);
  });

  it('answers non-streaming requests too', async () => {
    mock.enqueue(reply('plain answer'));
    const msg = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(msg.content.length, 1);
    assert.equal(msg.content[0].type === 'text' && msg.content[0].text, 'plain answer');
    assert.equal(msg.stop_reason, 'end_turn');
  });

  it('echoes the last user message when nothing is scripted, and records every request', async () => {
    const msg = await client.messages.create({ model: 'm', max_tokens: 10, system: 'sys', messages: [{ role: 'user', content: 'ping' }] });
    assert.equal((msg.content[0] as { text: string }).text, 'You said: ping');
    assert.equal(mock.requests.length, 1);
    assert.equal(mock.requests[0].body.system, 'sys');
    assert.equal(requestKey(mock.requests[0].headers), 'good-key');
  });

  it('injects faults as the SDK\'s own error classes', async () => {
    mock.enqueue(rateLimited(7), overloaded());
    const ask = () => client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    const first = await ask().catch((e) => e);
    assert.ok(first instanceof RateLimitError);
    assert.equal(first.headers.get('retry-after'), '7');
    assert.ok((await ask().catch((e) => e)) instanceof OverloadedError);
    const bad = new Anthropic({ apiKey: 'wrong', baseURL: mock.url, maxRetries: 0 });
    assert.ok((await bad.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e)) instanceof AuthenticationError);
  });

  it('can be scripted and inspected from another process through /__mock/*', async () => {
    const res = await fetch(`${mock.url}/__mock/enqueue`, { method: 'POST', body: JSON.stringify([reply('from the control endpoint')]) });
    assert.deepEqual(await res.json(), { pending: 1 });
    const msg = await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] });
    assert.equal((msg.content[0] as { text: string }).text, 'from the control endpoint');
    const seen = await (await fetch(`${mock.url}/__mock/requests`)).text();
    assert.equal(JSON.parse(seen).length, 1);
    assert.ok(!seen.includes('good-key'), 'the key itself is never echoed back');
  });
});
