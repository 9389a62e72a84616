import * as assert from 'node:assert/strict';
import { ModelError } from '../../src/core/model/modelError';
import { streamMessage, type ModelRequest } from '../../src/core/model/modelClient';
import {
  MockAnthropicServer, apiError, dropAfter, overloaded, promptTooLong, rateLimited, reply, serverError, stallAfter, toolCall,
} from '../fixtures/mockAnthropic';

const request: ModelRequest = { model: 'claude-test', system: 'be brief', messages: [{ role: 'user', content: 'hi' }], maxTokens: 256 };

describe('streamMessage (core/model) against the mock API', () => {
  let mock: MockAnthropicServer;
  const opts = () => ({ apiKey: 'k', baseUrl: mock.url, maxRetries: 0 });
  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['k'] })));
  after(() => mock.close());
  beforeEach(() => mock.reset());

  const fail = async (maxRetries = 0): Promise<ModelError> => {
    const err = await streamMessage({ ...opts(), maxRetries }, request, new AbortController().signal).then(
      () => assert.fail('expected the call to fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
    return err;
  };

  it('delivers text as it arrives and returns the blocks, stop reason and usage', async () => {
    mock.enqueue(reply('one two three four five', { chunkSize: 4, usage: { cache_read_input_tokens: 900 } }));
    const deltas: string[] = [];
    const result = await streamMessage(opts(), request, new AbortController().signal, { onText: (t) => deltas.push(t) });
    assert.deepEqual(deltas, ['one ', 'two ', 'thre', 'e fo', 'ur f', 'ive']);
    assert.deepEqual(result.blocks, [{ type: 'text', text: 'one two three four five' }]);
    assert.equal(result.stopReason, 'end_turn');
    assert.equal(result.usage.cacheReadInputTokens, 900);
    assert.equal(mock.requests[0].body.system, 'be brief');
    assert.equal(mock.requests[0].body.stream, true);
  });

  it('reports a tool call the moment its block starts, and parses its input', async () => {
    mock.enqueue(toolCall('grep', { pattern: 'TODO', path: '.' }, { id: 'toolu_9' }));
    const started: string[] = [];
    const result = await streamMessage(opts(), request, new AbortController().signal, { onToolUseStart: (id, name) => started.push(`${id}:${name}`) });
    assert.deepEqual(started, ['toolu_9:grep']);
    assert.deepEqual(result.blocks, [{ type: 'tool_use', id: 'toolu_9', name: 'grep', input: { pattern: 'TODO', path: '.' } }]);
    assert.equal(result.stopReason, 'tool_use');
  });

  const cases: Array<[string, () => void, string]> = [
    ['a rejected key (401)', () => mock.enqueue(apiError(401, 'authentication_error', 'invalid x-api-key')), 'auth'],
    ['a rate limit (429)', () => mock.enqueue(rateLimited(0)), 'rate_limit'],
    ['an overloaded API (529)', () => mock.enqueue(overloaded()), 'overloaded'],
    ['a server error (500)', () => mock.enqueue(serverError()), 'server'],
    ['a prompt that is too long (400)', () => mock.enqueue(promptTooLong()), 'prompt_too_long'],
    ['an unknown model (404)', () => mock.enqueue(apiError(404, 'not_found_error', 'model: claude-nope')), 'model_not_found'],
    ['a connection dropped mid-stream', () => mock.enqueue(dropAfter(5)), 'network'],
  ];
  for (const [what, script, reason] of cases) {
    it(`classifies ${what} as "${reason}" with a message for people, not a stack`, async () => {
      script();
      const err = await fail();
      assert.equal(err.reason, reason);
      assert.doesNotMatch(err.message, /\n\s+at |Error:|undefined/);
      assert.ok(err.message.length > 10);
    });
  }

  it('refuses a malformed base URL with a message naming the setting, before any request', async () => {
    for (const baseUrl of ['not a url', 'localhost:8080', 'ftp://example.com', 'http://']) {
      const err = await streamMessage({ apiKey: 'k', baseUrl, maxRetries: 0 }, request, new AbortController().signal).catch((e) => e);
      assert.ok(err instanceof ModelError, `${baseUrl}: ${String(err)}`);
      assert.equal(err.reason, 'bad_base_url', baseUrl);
      assert.match(err.message, /reverie\.baseUrl/);
      assert.equal(err.action, 'openSettings');
    }
  });

  it('classifies an unreachable server as a network error', async () => {
    const closed = await MockAnthropicServer.start();
    const url = closed.url;
    await closed.close();
    const err = await streamMessage({ apiKey: 'k', baseUrl: url, maxRetries: 0 }, request, new AbortController().signal).catch((e) => e);
    assert.ok(err instanceof ModelError);
    assert.equal(err.reason, 'network');
  });

  it('lets the SDK retry transient faults, honouring retry-after', async () => {
    mock.enqueue(rateLimited(0), overloaded(), reply('third time lucky'));
    const result = await streamMessage({ ...opts(), maxRetries: 2 }, request, new AbortController().signal);
    assert.deepEqual(result.blocks, [{ type: 'text', text: 'third time lucky' }]);
    assert.equal(mock.requests.length, 3);
  });

  it('a stream that goes silent is cut off after the idle timeout and reported as "timeout"', async () => {
    mock.enqueue(stallAfter(4));
    const deltas: string[] = [];
    const err = await streamMessage({ ...opts(), idleTimeoutMs: 300 }, request, new AbortController().signal, { onText: (t) => deltas.push(t) }).catch((e) => e);
    assert.ok(err instanceof ModelError, String(err));
    assert.equal(err.reason, 'timeout');
    assert.equal(err.action, 'retry');
    assert.ok(deltas.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(mock.requests[0].clientAborted, true);
  });

  it('a slow but steady stream is not mistaken for a silent one', async () => {
    mock.enqueue(reply('slow and steady wins', { chunkSize: 2, delayMs: 100 }));
    const result = await streamMessage({ ...opts(), idleTimeoutMs: 400 }, request, new AbortController().signal);
    assert.deepEqual(result.blocks, [{ type: 'text', text: 'slow and steady wins' }]);
  });

  it('aborting a stalled stream ends the call at once as "aborted" and hangs up on the server', async () => {
    mock.enqueue(stallAfter(4));
    const abort = new AbortController();
    const deltas: string[] = [];
    const call = streamMessage(opts(), request, abort.signal, {
      onText: (t) => {
        deltas.push(t);
        setTimeout(() => abort.abort(), 20);
      },
    });
    const err = await call.catch((e) => e);
    assert.ok(err instanceof ModelError);
    assert.equal(err.reason, 'aborted');
    assert.ok(deltas.length > 0, 'some text arrived before the stall');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(mock.requests[0].clientAborted, true, 'the server saw the connection close');
  });
});
