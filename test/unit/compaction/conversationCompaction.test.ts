import * as assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { z } from 'zod';
import type { AgentEvent } from '../../../src/core/agent/events';
import { SUMMARY_SYSTEM } from '../../../src/core/compaction/summary';
import type { ConversationDeps } from '../../../src/core/session/conversation';
import { parseTranscript, resumeMessages, serializeRecord, messageRecord, type CompactionRecord, type TranscriptRecord } from '../../../src/core/session/transcript';
import { defineTool } from '../../../src/core/tools/tool';
import { MockAnthropicServer, apiError, plainMessages, reply, toolCall, type MockStep } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from '../fakes';

/** A read_file stand-in: `tokens` tokens of text per call, recorded as read like the real tool does. */
function bigRead(tokens: number) {
  return defineTool({
    name: 'read_file',
    description: 'reads a file',
    input: z.object({ path: z.string() }),
    readOnly: true,
    async run({ path }, ctx) {
      ctx.session.readFiles.delete(path);
      ctx.session.readFiles.set(path, { mtimeMs: 1, size: tokens * 4, complete: true });
      return { content: `contents of ${path}\n` + 'x'.repeat(tokens * 4) };
    },
  });
}

const isSummaryRequest = (body: any) => !body.tools && JSON.stringify(body.system ?? '').includes(SUMMARY_SYSTEM.slice(0, 40));
const summaryReply = (text = 'The user asked for reads; they were done.') => reply(`<analysis>thinking it over</analysis>\n<summary>\n${text}\n</summary>`);

/** The mock answers summary calls itself; main-loop steps come from `script` in order. */
function scripted(script: MockStep[], summary: () => MockStep = () => summaryReply()) {
  let i = 0;
  return (body: any): MockStep => (isSummaryRequest(body) ? summary() : script[i++] ?? reply('done'));
}

describe('compaction in a real conversation (mock server with a simulated cache and window)', () => {
  let mock: MockAnthropicServer;
  const signal = () => new AbortController().signal;
  afterEach(() => mock?.close());

  function conversation(extra: Partial<ConversationDeps>, tokensPerRead: number) {
    const records: string[] = [];
    const files = new Map<string, string>();
    const convo = testConversation(fakeAccess(mock.url), new MemoryLogger(), [bigRead(tokensPerRead)], {
      record: async (_id, messages, event) => {
        if (event) records.push(serializeRecord({ ...event, time: new Date().toISOString() } as TranscriptRecord));
        for (const m of messages) records.push(serializeRecord(messageRecord(m)));
      },
      storage: { readText: async (p) => files.get(p) ?? `current text of ${p}`, writeText: async (p, t) => void files.set(p, t) },
      ...extra,
    });
    return { convo, records, files };
  }

  it('micro-compaction clears old results in batches and keeps the prefix byte-identical between batches', async () => {
    const reads = Array.from({ length: 14 }, (_, i) => toolCall('read_file', { path: `f${i}.ts` }));
    mock = await MockAnthropicServer.start({ promptCache: {}, fallback: scripted([...reads, reply('all read')]) });
    // Threshold 60,000 -> micro-compaction's soft threshold 36,000; each read is 4,000 tokens.
    const { convo } = conversation({ compaction: () => ({ autoCompactAt: 60_000, sessionNotes: false }) }, 4_000);
    const events: AgentEvent[] = [];
    const out = await convo.send('read the fourteen files', signal(), (e) => events.push(e));
    assert.equal(out.state, 'completed');

    // 14 reads of 4,000 tokens: one batch when the context passes 36,000 (the 9th result), clearing
    // all but the 3 latest; the next batch would need 20,000 tokens to clear again, which 14 reads never reach.
    const batches = events.filter((e): e is Extract<AgentEvent, { type: 'micro_compaction' }> => e.type === 'micro_compaction');
    assert.deepEqual(batches.map((b) => [b.reason, b.cleared]), [['pressure', 6]]);
    const requests = mock.requests.map((r) => plainMessages(r.body.messages));
    const batchAt = requests.findIndex((msgs) => JSON.stringify(msgs).includes('cleared to save context'));
    assert.equal(batchAt, 9);
    // Before the batch and after it, each request extends the previous one exactly: the prefix is stable.
    for (let i = 1; i < requests.length; i++) {
      if (i === batchAt) continue;
      assert.deepEqual(requests[i].slice(0, requests[i - 1].length), requests[i - 1], `request ${i} extends request ${i - 1}`);
    }
    // And so the cache reads grow again right after the batch.
    const cacheReads = mock.requests.map((r) => r.simulated!.read);
    for (let i = batchAt + 2; i < cacheReads.length; i++) assert.ok(cacheReads[i] > cacheReads[i - 1], `cache reads grow after the batch (${cacheReads.join(', ')})`);
    // The latest results stay whole; the history (and so the transcript) keeps every result.
    const last = requests.at(-1)!;
    const results = last.flatMap((m: any) => (Array.isArray(m.content) ? m.content : [])).filter((b: any) => b.type === 'tool_result');
    assert.ok(results.slice(-3).every((b: any) => b.content.length > 16_000), 'the 3 most recent are whole');
    assert.match(results[0].content, /^\[Old result of read_file \{"path":"f0\.ts"\} cleared/);
    const kept = convo.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((b) => b.type === 'tool_result');
    assert.equal(kept.length, 14);
    assert.ok(kept.every((b) => String(b.content).length > 16_000), 'the history itself is untouched');
  });

  it('a resumed session clears the same results again, so its first request repeats the cached prefix', async () => {
    const reads = Array.from({ length: 12 }, (_, i) => toolCall('read_file', { path: `r${i}.ts` }));
    mock = await MockAnthropicServer.start({ promptCache: {}, fallback: scripted([...reads, reply('read'), reply('resumed')]) });
    const settings = { compaction: () => ({ autoCompactAt: 60_000, sessionNotes: false }) };
    const first = conversation(settings, 4_000);
    const events: AgentEvent[] = [];
    await first.convo.send('read twelve files', signal(), (e) => events.push(e));
    assert.equal(events.filter((e) => e.type === 'micro_compaction').length, 1);
    const lastSent = plainMessages(mock.requests.at(-1)!.body.messages);

    const parsed = parseTranscript(first.records.join(''));
    assert.equal(parsed.cleared.length, 6, 'the cleared batch is in the transcript');
    const resumed = conversation(settings, 4_000);
    resumed.convo.restore(resumeMessages(parsed), first.convo.id, { lastActivityAt: Date.now(), cleared: parsed.cleared });
    const resumedEvents: AgentEvent[] = [];
    await resumed.convo.send('and now?', signal(), (e) => resumedEvents.push(e));
    const sent = plainMessages(mock.requests.at(-1)!.body.messages);
    assert.deepEqual(sent.slice(0, lastSent.length + 1), [...lastSent, sent[lastSent.length]], 'the resumed request extends the last one sent');
    assert.equal(resumedEvents.filter((e) => e.type === 'micro_compaction').length, 0, 'a warm cache is not treated as cold');
    assert.ok(mock.requests.at(-1)!.simulated!.read >= mock.requests.at(-2)!.simulated!.read, 'and it reads the cache');
  });

  it('auto-compacts at the threshold: the summary call has no tools and every user message verbatim', async () => {
    const script = [
      toolCall('read_file', { path: 'a.ts' }), toolCall('read_file', { path: 'b.ts' }), reply('read two'),
      toolCall('read_file', { path: 'c.ts' }), toolCall('read_file', { path: 'd.ts' }), toolCall('read_file', { path: 'e.ts' }),
      toolCall('read_file', { path: 'f.ts' }), toolCall('read_file', { path: 'g.ts' }), reply('read five more'),
    ];
    mock = await MockAnthropicServer.start({ promptCache: {}, fallback: scripted(script) });
    const { convo, records } = conversation({ compaction: () => ({ autoCompactAt: 60_000, microCompaction: false, sessionNotes: false }) }, 10_000);
    const events: AgentEvent[] = [];
    await convo.send('please read a and b, then STOP', signal(), (e) => events.push(e));
    const out = await convo.send('now read c to g — "exactly" these', signal(), (e) => events.push(e));
    assert.equal(out.state, 'completed');

    const compactions = events.filter((e): e is Extract<AgentEvent, { type: 'compaction' }> => e.type === 'compaction');
    assert.equal(compactions.length, 1);
    assert.equal(compactions[0].trigger, 'auto');
    const summary = mock.requests.find((r) => isSummaryRequest(r.body))!;
    assert.equal(summary.body.tools, undefined, 'the summary call has no tools');
    const sent = JSON.stringify(summary.body.messages);
    assert.ok(sent.includes(JSON.stringify('please read a and b, then STOP').slice(1, -1)));
    assert.ok(sent.includes(JSON.stringify('now read c to g — "exactly" these').slice(1, -1)), 'the user messages verbatim, quotes included');

    // The next main request starts with the summary (scratchpad stripped), and no tool pair is split.
    const afterIdx = mock.requests.indexOf(summary) + 1;
    const next = plainMessages(mock.requests[afterIdx].body.messages);
    const opening = JSON.stringify(next[0]);
    assert.match(opening, /continues from an earlier conversation that was compacted/);
    assert.match(opening, /The user asked for reads/);
    assert.doesNotMatch(opening, /thinking it over/);
    const uses = new Set<string>();
    const answered = new Set<string>();
    for (const m of next) for (const b of Array.isArray(m.content) ? m.content : []) {
      if (b.type === 'tool_use') uses.add(b.id);
      if (b.type === 'tool_result') answered.add(b.tool_use_id);
    }
    assert.deepEqual([...answered].filter((id) => !uses.has(id)), [], 'every result has its call');
    assert.deepEqual([...uses].filter((id) => !answered.has(id)), [], 'every call has its result');

    // The transcript keeps everything and resumes to exactly what the model now sees.
    const parsed = parseTranscript(records.join(''));
    assert.equal(parsed.compactions.length, 1);
    assert.ok(parsed.messages.length > convo.messages.length, 'nothing was deleted from the transcript');
    assert.deepEqual(resumeMessages(parsed), JSON.parse(JSON.stringify(convo.messages)));
  });

  it('after a compaction, recently read files come back (their current text) and the meter drops', async () => {
    const script = [toolCall('read_file', { path: 'src/keep.ts' }), ...'abcdef'.split('').map((p) => toolCall('read_file', { path: `${p}.ts` })), reply('ok')];
    mock = await MockAnthropicServer.start({ fallback: scripted(script) });
    const { convo } = conversation({ compaction: () => ({ autoCompactAt: 60_000, microCompaction: false, sessionNotes: false }) }, 12_000);
    let meterBefore = 0;
    const events: AgentEvent[] = [];
    await convo.send('read them', signal(), (e) => {
      events.push(e);
      if (e.type === 'context') meterBefore = Math.max(meterBefore, e.meter.contextTokens);
    });
    const compaction = events.find((e) => e.type === 'compaction');
    assert.ok(compaction, 'compacted');
    const head = JSON.stringify(convo.messages[0]);
    assert.match(head, /current text of /, 'restored from storage, not from the old result');
    assert.ok(convo.meter && convo.meter.contextTokens < meterBefore, `the meter dropped (${convo.meter?.contextTokens} < ${meterBefore})`);
    const afterCompaction = events.slice(events.indexOf(compaction!) + 1).find((e) => e.type === 'context');
    assert.ok(afterCompaction && afterCompaction.type === 'context' && afterCompaction.meter.contextTokens < meterBefore,
      'a fresh meter right after the compaction, before the next response');
  });

  it('reacts to "prompt is too long": compacts once and sends the same request again', async () => {
    const script = [reply('hello'), toolCall('read_file', { path: 'a.ts' }), toolCall('read_file', { path: 'b.ts' }), toolCall('read_file', { path: 'c.ts' }), reply('done reading')];
    // The simulated window is small (30,000); Reverie's own threshold is 167,000, so only the API error can trigger it.
    mock = await MockAnthropicServer.start({ contextWindow: 30_000, fallback: scripted(script) });
    const { convo } = conversation({ compaction: () => ({ microCompaction: false, sessionNotes: false }) }, 9_000);
    const events: AgentEvent[] = [];
    await convo.send('one', signal());
    const out = await convo.send('read a, b and c', signal(), (e) => events.push(e));
    assert.equal(out.state, 'completed', out.error?.detail);
    assert.deepEqual(events.filter((e) => e.type === 'continue' && e.reason === 'reactive_compact').length, 1);
    assert.equal(events.filter((e) => e.type === 'compaction').length, 1);
    // The API refused (input + max_tokens over the window; a smaller max_tokens did not fit either);
    // after the compaction the same request went through.
    const stats = mock.cacheStats();
    assert.ok(stats.promptTooLong + stats.contextOverflow >= 1);
    assert.equal(mock.requests.at(-1)!.simulated?.rejected, undefined);
  });

  it('stops auto-compacting after 3 failures in a row and tells the user once', async () => {
    const script = Array.from({ length: 8 }, (_, i) => toolCall('read_file', { path: `f${i}.ts` }));
    mock = await MockAnthropicServer.start({ fallback: scripted([...script, reply('done')], () => apiError(400, 'invalid_request_error', 'summaries are broken today')) });
    const { convo } = conversation({ compaction: () => ({ autoCompactAt: 60_000, microCompaction: false, sessionNotes: false }) }, 12_000);
    const events: AgentEvent[] = [];
    const out = await convo.send('read eight files', signal(), (e) => events.push(e));
    assert.equal(out.state, 'completed', 'the session goes on without compaction');
    assert.equal(mock.requests.filter((r) => isSummaryRequest(r.body)).length, 3, 'three tries, then no more');
    const notices = events.filter((e): e is Extract<AgentEvent, { type: 'notice' }> => e.type === 'notice');
    assert.equal(notices.length, 1);
    assert.match(notices[0].text, /failed 3 times in a row.*\/compact/s);
  });

  it('/compact with a focus: summarises now, the focus reaches the summary call, and the conversation goes on', async () => {
    mock = await MockAnthropicServer.start({ fallback: scripted([reply('first'), reply('second'), reply('after compaction')], () => summaryReply('Focus kept: the parser.')) });
    const { convo } = conversation({ compaction: () => ({ sessionNotes: false }) }, 10);
    await convo.send('look at the parser', signal());
    await convo.send('and the lexer', signal());
    const done = await convo.compact('the parser', signal());
    assert.ok(done.ok, done.ok ? '' : done.reason);
    assert.match(JSON.stringify(mock.requests.find((r) => isSummaryRequest(r.body))!.body), /the parser/);
    assert.equal(convo.awaitingAnswer, false, 'the next user message can follow');
    const out = await convo.send('go on', signal());
    assert.equal(out.state, 'completed');
    const roles = (mock.requests.at(-1)!.body.messages as MessageParam[]).map((m) => m.role);
    for (let i = 1; i < roles.length; i++) assert.notEqual(roles[i], roles[i - 1], `roles alternate: ${roles.join(',')}`);
  });

  it('/compact on an empty conversation says there is nothing to compact', async () => {
    mock = await MockAnthropicServer.start({});
    const { convo } = conversation({}, 10);
    const done = await convo.compact(undefined, signal());
    assert.deepEqual(done, { ok: false, reason: 'There is nothing to compact yet.' });
    assert.equal(mock.requests.length, 0);
  });

  it('session notes, when fresh, stand in for the summary: no summary call', async () => {
    const reads = Array.from({ length: 9 }, (_, i) => toolCall('read_file', { path: `n${i}.ts` }));
    const notesReply = reply('<notes>\n# Current state\n_what_\nReading files n0 to n8 for the user.\n</notes>');
    let summaries = 0;
    mock = await MockAnthropicServer.start({
      fallback: (body) => {
        if (JSON.stringify(body.messages).includes('You keep the working notes')) return notesReply;
        if (isSummaryRequest(body)) return (summaries++, summaryReply());
        return reads.shift() ?? reply('done');
      },
    });
    const { convo, files } = conversation({ compaction: () => ({ autoCompactAt: 60_000, microCompaction: false }) }, 7_000);
    const events: AgentEvent[] = [];
    const out = await convo.send('read n0..n8', signal(), (e) => events.push(e));
    await convo.settled();
    assert.equal(out.state, 'completed');
    assert.ok([...files.keys()].some((p) => p.endsWith('notes.md')), 'the notes file was written');
    const compaction = events.find((e): e is Extract<AgentEvent, { type: 'compaction' }> => e.type === 'compaction');
    assert.ok(compaction, 'compacted');
    assert.equal(compaction.fromNotes, true);
    assert.equal(summaries, 0, 'no summary call');
    assert.match(JSON.stringify(convo.messages[0]), /Reading files n0 to n8/);
  });
});

describe('prompt cache breaks', () => {
  it('are logged with their cause when cache reads fall with no compaction to explain them, and not otherwise', async () => {
    const mock = await MockAnthropicServer.start({ promptCache: {}, fallback: () => reply('ok') });
    try {
      const log = new MemoryLogger();
      let model = 'claude-test';
      const access = { ...fakeAccess(mock.url), model: () => model };
      const convo = testConversation(access, log, [bigRead(10)], { compaction: () => ({ sessionNotes: false }) });
      const big = 'y'.repeat(12_000);
      await convo.send(`first ${big}`, new AbortController().signal);
      await convo.send(`second ${big}`, new AbortController().signal);
      assert.ok(mock.requests[1].simulated!.read > 3_000, 'the second request reads the first from the cache');
      assert.equal(log.lines.filter((l) => l.includes('cache break')).length, 0, 'a growing prefix is no break');
      model = 'claude-test-other';
      await convo.send('third', new AbortController().signal);
      assert.equal(mock.requests[2].simulated!.read, 0, 'another model: nothing cached');
      const breaks = log.lines.filter((l) => l.includes('prompt cache break'));
      assert.equal(breaks.length, 1, log.lines.join('\n'));
      assert.match(breaks[0], /^warn .*cause: model changed/);
    } finally {
      mock.close();
    }
  });
});

describe('transcript: resumeMessages', () => {
  it('applies compactions in order: head, the kept tail, then what was appended', () => {
    const m = (role: 'user' | 'assistant', text: string): MessageParam => ({ role, content: text });
    const compaction = (head: MessageParam[], kept: number, appended: MessageParam[] = []): CompactionRecord => ({
      type: 'compaction', time: 't', trigger: 'auto', summarisedMessages: 1, tokensBefore: 10, tokensAfter: 5, head, kept, appended,
    });
    const text = [
      messageRecord(m('user', 'u1')), messageRecord(m('assistant', 'a1')), messageRecord(m('user', 'u2')), messageRecord(m('assistant', 'a2')),
      compaction([m('user', 'S1')], 1),
      messageRecord(m('user', 'u3')), messageRecord(m('assistant', 'a3')),
      compaction([m('user', 'S2')], 0, [m('assistant', 'ok')]),
      messageRecord(m('user', 'u4')),
    ].map((r) => serializeRecord(r)).join('');
    const parsed = parseTranscript(text);
    assert.equal(parsed.messages.length, 7, 'search still sees every message');
    assert.deepEqual(resumeMessages(parsed), [m('user', 'S2'), m('assistant', 'ok'), m('user', 'u4')]);
    assert.deepEqual(resumeMessages({ messages: parsed.messages.slice(0, 6), compactions: parsed.compactions.slice(0, 1) }),
      [m('user', 'S1'), m('assistant', 'a2'), m('user', 'u3'), m('assistant', 'a3')]);
  });
});
