import * as assert from 'node:assert/strict';
import Anthropic, { BadRequestError, OverloadedError } from '@anthropic-ai/sdk';
import type { MessageParam, TextBlockParam, Tool } from '@anthropic-ai/sdk/resources/messages';
import { toModelError } from '../../src/core/model/modelError';
import {
  MockAnthropicServer, type PromptCacheOptions, blockText, countTokens, overloaded, promptBlocks, reply, requestTokens,
} from '../fixtures/mockAnthropic';

/** Text of exactly `n` simulated tokens (4 characters each). */
const tokens = (n: number, ch = 'a') => ch.repeat(4 * n);
const cc = { type: 'ephemeral' as const };
const text = (n: number, ch: string, cached = false): TextBlockParam => ({ type: 'text', text: tokens(n, ch), ...(cached ? { cache_control: cc } : {}) });

/** A tool whose JSON is exactly `n` tokens: with an empty description it is 65 characters. */
const tool = (n: number, ch = 't', cached = true): Tool => ({
  name: 'read', description: ch.repeat(4 * n - 65), input_schema: { type: 'object' }, ...(cached ? { cache_control: cc } : {}),
});

describe('mock Anthropic server: tokenizer, prompt cache and context window, driven by the real SDK', () => {
  describe('the tokenizer', () => {
    it('counts 4 characters a token, per block, over the text the model reads', () => {
      assert.equal(countTokens(''), 0);
      assert.equal(countTokens('abc'), 1);
      assert.equal(countTokens('abcde'), 2);
      assert.equal(blockText(tool(50), 'tools').length, 200, 'a tool is counted by its JSON without cache_control');
      const body = {
        model: 'm',
        system: 'You are terse.', // 14 characters: 4
        tools: [{ name: 'read', description: 'Read a file', input_schema: { type: 'object' } }], // 76: 19
        messages: [
          { role: 'user', content: 'hello' }, // 2
          { role: 'assistant', content: [{ type: 'text', text: 'ok' }, { type: 'tool_use', id: 'tu1', name: 'read', input: { path: 'a.ts' } }] }, // 1 + 'read{"path":"a.ts"}' 19: 5
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'tu1', content: 'x'.repeat(10) }, { type: 'text', text: 'thanks', cache_control: cc }] }, // 3 + 2
        ],
      };
      assert.deepEqual(promptBlocks(body).map((b) => [b.section, b.tokens, Boolean(b.breakpoint)]), [
        ['tools', 19, false], ['system', 4, false], ['messages', 2, false], ['messages', 1, false], ['messages', 5, false], ['messages', 3, false], ['messages', 2, true],
      ]);
      assert.equal(requestTokens(body), 36);
      assert.equal(blockText({ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] }), 'onetwo');
    });

    it('reports the count as input_tokens, with no cache and no breakpoint limit, when only the tokenizer is on', async () => {
      const mock = await MockAnthropicServer.start({ tokenizer: true });
      try {
        const client = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
        const content = [1, 2, 3, 4, 5].map((i) => text(100, String(i), true));
        for (let i = 0; i < 2; i++) {
          const msg = await client.messages.create({ model: 'm', max_tokens: 10, system: tokens(20), messages: [{ role: 'user', content }] });
          assert.equal(msg.usage.input_tokens, 520);
          assert.equal(msg.usage.cache_read_input_tokens, 0);
          assert.equal(msg.usage.cache_creation_input_tokens, 0);
        }
        assert.deepEqual(mock.requests[1].simulated, { total: 520, read: 0, creation: 0, uncached: 520 });
        const counted = await client.messages.countTokens({ model: 'm', system: tokens(20), messages: [{ role: 'user', content }] });
        assert.equal(counted.input_tokens, 520);
        assert.equal(mock.cacheStats().requests, 2);
        assert.equal(mock.cacheStats().total, 1040);
      } finally {
        await mock.close();
      }
    });

    it('changes nothing when no simulation is asked for: the old usage rule, no count_tokens route', async () => {
      const mock = await MockAnthropicServer.start();
      try {
        const client = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
        const messages: MessageParam[] = [{ role: 'user', content: [text(100, 'a', true)] }];
        const msg = await client.messages.create({ model: 'm', max_tokens: 10, messages });
        assert.equal(msg.usage.input_tokens, Math.ceil(JSON.stringify(messages).length / 4));
        assert.equal(msg.usage.cache_creation_input_tokens, 0);
        assert.equal(mock.requests[0].simulated, undefined);
        const err = await client.messages.countTokens({ model: 'm', messages }).catch((e) => e);
        assert.equal(err.status, 404);
      } finally {
        await mock.close();
      }
    });
  });

  describe('the prompt cache', () => {
    let mock: MockAnthropicServer;
    let client: Anthropic;
    let clock = 1_000_000;
    before(async () => {
      mock = await MockAnthropicServer.start({ promptCache: { minTokens: 100, now: () => clock }, control: true });
      client = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
    });
    after(() => mock.close());
    beforeEach(() => {
      mock.reset();
      mock.clearCache();
    });

    const SYSTEM = [text(300, 's', true)];
    const send = async (messages: MessageParam[], opts: { system?: TextBlockParam[]; tools?: Tool[] } = {}) => {
      const msg = await client.messages.create({ model: 'claude-test', max_tokens: 100, tools: opts.tools ?? [tool(200)], system: opts.system ?? SYSTEM, messages });
      const u = msg.usage;
      const figures = { read: u.cache_read_input_tokens, creation: u.cache_creation_input_tokens, uncached: u.input_tokens };
      const sim = mock.requests[mock.requests.length - 1].simulated!;
      assert.deepEqual(figures, { read: sim.read, creation: sim.creation, uncached: sim.uncached }, 'the response reports what was recorded');
      return sim;
    };
    // Tools 200 tokens (breakpoint), system 300 (breakpoint): the static prefix is 500 tokens.
    const first: MessageParam[] = [{ role: 'user', content: [text(400, 'u', true)] }];
    const second: MessageParam[] = [
      { role: 'user', content: [text(400, 'u')] },
      { role: 'assistant', content: [text(100, 'A')] },
      { role: 'user', content: [text(200, 'v', true), text(50, 'w')] },
    ];

    it('writes the whole prefix on the first request with a breakpoint on the last message', async () => {
      assert.deepEqual(await send(first), { total: 900, read: 0, creation: 900, uncached: 0 });
      assert.deepEqual(mock.cacheStats(), {
        requests: 1, hits: 0, total: 900, read: 0, creation: 900, uncached: 0, promptTooLong: 0, contextOverflow: 0, tooManyBreakpoints: 0, entries: 3,
      });
    });

    it('reads the old prefix (through the lookback) and writes only the new part when the conversation grows', async () => {
      await send(first);
      // The breakpoint moved to the new last user message; the old one (900) is found by lookback.
      assert.deepEqual(await send(second), { total: 1250, read: 900, creation: 300, uncached: 50 });
      assert.deepEqual(await send(second), { total: 1250, read: 1200, creation: 0, uncached: 50 });
      const stats = mock.cacheStats();
      assert.deepEqual([stats.requests, stats.hits, stats.read, stats.creation, stats.uncached, stats.entries], [3, 2, 2100, 1200, 100, 4]);
    });

    it('streams the simulated usage in message_start too', async () => {
      await send(first);
      const msg = await client.messages.stream({ model: 'claude-test', max_tokens: 100, tools: [tool(200)], system: SYSTEM, messages: second }).finalMessage();
      assert.deepEqual([msg.usage.cache_read_input_tokens, msg.usage.cache_creation_input_tokens, msg.usage.input_tokens], [900, 300, 50]);
    });

    it('a changed tool breaks everything; a changed system prompt keeps only the tools\' prefix', async () => {
      await send(first);
      assert.deepEqual(await send(first, { tools: [tool(200, 'T')] }), { total: 900, read: 0, creation: 900, uncached: 0 });
      mock.clearCache();
      await send(first);
      const oneByteOff = [{ ...SYSTEM[0], text: SYSTEM[0].text.slice(0, -1) + 'S' }];
      assert.deepEqual(await send(first, { system: oneByteOff }), { total: 900, read: 200, creation: 700, uncached: 0 });
      // With no breakpoint on the tools, nothing before the system prompt was ever written.
      mock.clearCache();
      await send(first, { tools: [tool(200, 't', false)] });
      assert.deepEqual(await send(first, { tools: [tool(200, 't', false)], system: oneByteOff }), { total: 900, read: 0, creation: 900, uncached: 0 });
    });

    it('the model, tool_choice and message roles are part of the key, cache_control is not', async () => {
      await send(first);
      const other = await client.messages.create({ model: 'claude-other', max_tokens: 100, tools: [tool(200)], system: SYSTEM, messages: first });
      assert.equal(other.usage.cache_read_input_tokens, 0);
      const choice = await client.messages.create({ model: 'claude-test', max_tokens: 100, tools: [tool(200)], system: SYSTEM, messages: first, tool_choice: { type: 'any' } });
      assert.deepEqual([choice.usage.cache_read_input_tokens, choice.usage.cache_creation_input_tokens], [500, 400]);
      // The same blocks with the breakpoints elsewhere still hash the same: the 900 prefix is read.
      const moved = await send([{ role: 'user', content: [text(400, 'u')] }, { role: 'assistant', content: [text(100, 'A', true)] }, { role: 'user', content: 'next' }]);
      assert.deepEqual(moved, { total: 1001, read: 900, creation: 100, uncached: 1 });
      // The same blocks, but the last one now in an assistant message: a different prompt.
      mock.clearCache();
      assert.deepEqual(await send([{ role: 'user', content: [text(400, 'q'), text(100, 'r', true)] }]), { total: 1000, read: 0, creation: 1000, uncached: 0 });
      assert.deepEqual(await send([{ role: 'user', content: [text(400, 'q')] }, { role: 'assistant', content: [text(100, 'r', true)] }]), { total: 1000, read: 500, creation: 500, uncached: 0 });
    });

    it('an edit in an early message breaks the cache from there: the read stops at the last identical breakpoint', async () => {
      const convo = (a1: string, u1: string): MessageParam[] => [
        { role: 'user', content: [text(400, u1, true)] },
        { role: 'assistant', content: [text(100, a1)] },
        { role: 'user', content: [text(200, 'v', true)] },
      ];
      assert.deepEqual(await send(convo('A', 'u')), { total: 1200, read: 0, creation: 1200, uncached: 0 });
      // The assistant message after the first message's breakpoint changed: 900 still reads.
      assert.deepEqual(await send(convo('B', 'u')), { total: 1200, read: 900, creation: 300, uncached: 0 });
      // The first message itself changed: only tools + system (500) read.
      assert.deepEqual(await send(convo('A', 'U')), { total: 1200, read: 500, creation: 700, uncached: 0 });
      // Breakpoints only on the last message: the lookback finds no earlier entry that still matches.
      const noMiddle = (a1: string): MessageParam[] => [
        { role: 'user', content: [text(400, 'q')] }, { role: 'assistant', content: [text(100, a1)] }, { role: 'user', content: [text(200, 'v', true)] },
      ];
      assert.deepEqual(await send(noMiddle('A')), { total: 1200, read: 500, creation: 700, uncached: 0 });
      assert.deepEqual(await send(noMiddle('B')), { total: 1200, read: 500, creation: 700, uncached: 0 });
    });

    it('looks back 20 block boundaries before a breakpoint, not 21', async () => {
      const blocks = (n: number): MessageParam[] => [{ role: 'user', content: [text(100, 'a'), ...Array.from({ length: n }, (_, i) => ({ type: 'text' as const, text: `block ${i % 10}.` }))] }];
      const seed: MessageParam[] = [{ role: 'user', content: [text(100, 'a', true)] }];
      const tools: Tool[] = [];
      const sendBare = (messages: MessageParam[]) => client.messages.create({ model: 'claude-test', max_tokens: 10, tools, messages }).then(() => mock.requests[mock.requests.length - 1].simulated!);
      assert.deepEqual(await sendBare(seed), { total: 100, read: 0, creation: 100, uncached: 0 });
      const within = blocks(20); // the breakpoint on block 20; the cached prefix ends at block 0
      (within[0].content as TextBlockParam[])[20].cache_control = cc;
      assert.deepEqual(await sendBare(within), { total: 140, read: 100, creation: 40, uncached: 0 });
      mock.clearCache();
      await sendBare(seed);
      const beyond = blocks(21);
      (beyond[0].content as TextBlockParam[])[21].cache_control = cc;
      assert.deepEqual(await sendBare(beyond), { total: 142, read: 0, creation: 142, uncached: 0 });
    });

    it('entries expire after the TTL; a hit refreshes them', async () => {
      await send(first);
      clock += 299_999;
      assert.deepEqual(await send(first), { total: 900, read: 900, creation: 0, uncached: 0 });
      clock += 299_999; // 599,998 ms after the write, but only 299,999 after the refreshing hit
      assert.deepEqual(await send(first), { total: 900, read: 900, creation: 0, uncached: 0 });
      mock.advanceClock(300_000); // exactly the TTL since the last hit: gone
      assert.equal(mock.cacheStats().entries, 0);
      assert.deepEqual(await send(first), { total: 900, read: 0, creation: 900, uncached: 0 });
    });

    it('a hit refreshes every cached part of the prefix it read, and nothing else', async () => {
      await send(first); // entries at 200, 500 and 900, written at t0
      clock += 200_000;
      assert.equal((await send(second)).read, 900); // t0 + 200,000: refreshes 200, 500 and 900
      clock += 200_000; // t0 + 400,000: without the refresh the 200 and 500 entries would be gone
      assert.deepEqual(await send(first, { system: [text(300, 'z', true)] }), { total: 900, read: 200, creation: 700, uncached: 0 });
      assert.deepEqual(await send([{ role: 'user', content: [text(400, 'x', true)] }]), { total: 900, read: 500, creation: 400, uncached: 0 });
      clock += 299_999; // t0 + 699,999: the 900 and 1,200 entries were last used at t0 + 200,000
      assert.deepEqual(await send(second), { total: 1250, read: 500, creation: 700, uncached: 50 });
    });

    it('a 1h breakpoint outlives the 5-minute TTL', async () => {
      const hour: MessageParam[] = [{ role: 'user', content: [{ ...text(400, 'u'), cache_control: { type: 'ephemeral', ttl: '1h' } }] }];
      await send(hour);
      clock += 3_599_999;
      assert.deepEqual(await send(hour), { total: 900, read: 900, creation: 0, uncached: 0 });
      clock += 3_600_000;
      assert.deepEqual(await send(hour), { total: 900, read: 0, creation: 900, uncached: 0 });
    });

    it('a top-level cache_control puts the breakpoint on the last block', async () => {
      const plain: MessageParam[] = [{ role: 'user', content: [text(400, 'u')] }];
      const auto = () => client.messages.create({ model: 'claude-test', max_tokens: 100, cache_control: cc, messages: plain }).then((m) => m.usage);
      assert.deepEqual([(await auto()).cache_creation_input_tokens, (await auto()).cache_read_input_tokens], [400, 400]);
    });

    it('refuses a fifth breakpoint with the API\'s 400, and uses nothing scripted; four are fine', async () => {
      mock.enqueue(reply('kept for the next request'));
      const five: MessageParam[] = [{ role: 'user', content: [text(100, 'a', true), text(100, 'b', true), text(100, 'c', true)] }];
      const err = await client.messages.create({ model: 'claude-test', max_tokens: 10, tools: [tool(200)], system: SYSTEM, messages: five }).catch((e) => e);
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.type, 'invalid_request_error');
      assert.equal(err.apiMessage, 'A maximum of 4 blocks with cache_control may be provided. Found 5.');
      assert.equal(toModelError(err).reason, 'bad_request');
      assert.deepEqual(mock.requests[0].simulated, { total: 800, read: 0, creation: 0, uncached: 0, rejected: 'too_many_breakpoints' });
      assert.equal(mock.pending, 1);
      assert.equal(mock.cacheStats().entries, 0);
      const four = await client.messages.create({ model: 'claude-test', max_tokens: 10, tools: [tool(200)], system: SYSTEM, messages: [{ role: 'user', content: (five[0].content as TextBlockParam[]).slice(1) }] });
      assert.equal((four.content[0] as { text: string }).text, 'kept for the next request');
      assert.equal(four.usage.cache_creation_input_tokens, 700);
      assert.equal(mock.cacheStats().tooManyBreakpoints, 1);
    });

    it('a step\'s explicit usage wins field by field; the cache and the record follow the simulation', async () => {
      mock.enqueue(reply('scripted', { usage: { cache_read_input_tokens: 5 } }));
      const msg = await client.messages.create({ model: 'claude-test', max_tokens: 100, tools: [tool(200)], system: SYSTEM, messages: first });
      assert.deepEqual([msg.usage.cache_read_input_tokens, msg.usage.cache_creation_input_tokens, msg.usage.input_tokens], [5, 900, 0]);
      assert.deepEqual(mock.requests[0].simulated, { total: 900, read: 0, creation: 900, uncached: 0 });
      assert.deepEqual(await send(first), { total: 900, read: 900, creation: 0, uncached: 0 });
    });

    it('can be inspected, cleared and its clock moved from another process', async () => {
      await send(first);
      assert.equal((await (await fetch(`${mock.url}/__mock/cache`)).json()).creation, 900);
      await fetch(`${mock.url}/__mock/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 300_000 }) });
      assert.equal((await (await fetch(`${mock.url}/__mock/cache`)).json()).entries, 0);
      await send(first);
      await fetch(`${mock.url}/__mock/cache/clear`, { method: 'POST' });
      assert.deepEqual(await (await fetch(`${mock.url}/__mock/cache`)).json(), {
        requests: 0, hits: 0, total: 0, read: 0, creation: 0, uncached: 0, promptTooLong: 0, contextOverflow: 0, tooManyBreakpoints: 0, entries: 0,
      });
      const bad = await fetch(`${mock.url}/__mock/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 'soon' }) });
      assert.equal(bad.status, 400);
    });
  });

  describe('minTokens and the default options', () => {
    it('does not write a prefix shorter than minTokens (1024 by default), and defaults to a 5-minute TTL', async () => {
      let now = 0;
      const cache: PromptCacheOptions = { now: () => now };
      const mock = await MockAnthropicServer.start({ promptCache: cache });
      try {
        const client = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
        const ask = (n: number) => client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: [text(n, 'a', true), text(1, 'z')] }] }).then((m) => [m.usage.cache_read_input_tokens, m.usage.cache_creation_input_tokens, m.usage.input_tokens]);
        assert.deepEqual(await ask(1023), [0, 0, 1024]);
        assert.deepEqual(await ask(1023), [0, 0, 1024]);
        assert.deepEqual(await ask(1024), [0, 1024, 1]);
        now += 299_999;
        assert.deepEqual(await ask(1024), [1024, 0, 1]);
        now += 300_000;
        assert.deepEqual(await ask(1024), [0, 1024, 1]);
      } finally {
        await mock.close();
      }
    });
  });

  describe('the context window', () => {
    let mock: MockAnthropicServer;
    let client: Anthropic;
    before(async () => {
      mock = await MockAnthropicServer.start({ contextWindow: 2_000 });
      client = new Anthropic({ apiKey: 'k', baseURL: mock.url, maxRetries: 0 });
    });
    after(() => mock.close());
    beforeEach(() => {
      mock.reset();
      mock.clearCache();
    });
    const ask = (n: number, maxTokens: number) => client.messages.create({ model: 'm', max_tokens: maxTokens, system: tokens(1), messages: [{ role: 'user', content: tokens(n - 1) }] });

    it('answers "prompt is too long" past the window, which ModelError calls prompt_too_long', async () => {
      const err = await ask(2_001, 1).catch((e) => e);
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.apiMessage, 'prompt is too long: 2001 tokens > 2000 maximum');
      const e = toModelError(err);
      assert.equal(e.reason, 'prompt_too_long');
      assert.equal(e.contextOverflow, undefined);
      assert.deepEqual(mock.requests[0].simulated, { total: 2001, read: 0, creation: 0, uncached: 0, rejected: 'prompt_too_long' });
    });

    it('answers the "exceed context limit" 400 when max_tokens does not fit, with the numbers ModelError reads', async () => {
      const err = await ask(1_900, 101).catch((e) => e);
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.apiMessage, 'input length and `max_tokens` exceed context limit: 1900 + 101 > 2000, decrease input length or `max_tokens` and try again');
      const e = toModelError(err);
      assert.equal(e.reason, 'prompt_too_long');
      assert.deepEqual(e.contextOverflow, { inputTokens: 1900, maxTokens: 101, limit: 2000 });
      const fits = await ask(1_900, 100);
      assert.equal(fits.usage.input_tokens, 1900);
      assert.deepEqual(mock.cacheStats(), {
        requests: 1, hits: 0, total: 1900, read: 0, creation: 0, uncached: 1900, promptTooLong: 0, contextOverflow: 1, tooManyBreakpoints: 0, entries: 0,
      });
    });

    it('refuses before a queued reply is used; a queued error is still the answer, as scripted', async () => {
      mock.enqueue(overloaded(), reply('after the refusal'));
      assert.ok((await ask(3_000, 1).catch((e) => e)) instanceof OverloadedError);
      assert.equal(mock.pending, 1);
      assert.match((await ask(3_000, 1).catch((e) => e)).apiMessage, /^prompt is too long: 3000 tokens > 2000 maximum$/);
      assert.equal(mock.pending, 1);
      const ok = await ask(10, 1);
      assert.equal((ok.content[0] as { text: string }).text, 'after the refusal');
      assert.equal(mock.pending, 0);
    });
  });
});
