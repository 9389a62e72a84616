import * as assert from 'node:assert/strict';
import { z } from 'zod';
import { ChatController, rememberRequest, slashCommands, type ChatEnvironment } from '../../src/host/chatController';
import { SUMMARY_SYSTEM } from '../../src/core/compaction/summary';
import { defineTool } from '../../src/core/tools/tool';
import { COMPACTION_LIMITS, hostToWebview, SLASH_LIMITS, type HostToWebview, type TranscriptEntry } from '../../src/shared/protocol';
import { MockAnthropicServer, type MockStep, apiError, dropAfter, overloaded, reply, stallAfter, toolCall, plainMessages } from '../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from './fakes';
import { runTurnView } from './turnViewRun';

const fakeWrite = defineTool({
  name: 'write_file', description: 'pretend write', readOnly: false, input: z.object({ path: z.string(), content: z.string() }),
  run: async (i) => ({ content: `wrote ${i.path}` }),
});

const echoTool = defineTool({
  name: 'echo_back', description: 'echoes', readOnly: true, input: z.object({ path: z.string() }),
  run: async (i, ctx) => {
    ctx.progress?.('working...');
    return { content: `contents of ${i.path}` };
  },
});

describe('ChatController (host <-> core, no VS Code needed)', () => {
  let mock: MockAnthropicServer;
  let posted: HostToWebview[];
  let log: MemoryLogger;
  let access: ReturnType<typeof fakeAccess>;
  let actions: string[];
  let chat: ChatController;
  let env: ChatEnvironment;

  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());
  beforeEach(() => {
    mock.reset();
    posted = [];
    actions = [];
    log = new MemoryLogger();
    access = fakeAccess(mock.url);
    env = {
      hasApiKey: async () => (await access.apiKey()) !== undefined,
      model: () => 'claude-test',
      setApiKey: async () => void actions.push('setApiKey'),
      openSettings: async () => void actions.push('openSettings'),
      busyChanged: (busy) => void actions.push(busy ? 'busy' : 'idle'),
    };
    env.isMemoryTopic = (p) => p.startsWith('memory/') && !p.endsWith('MEMORY.md');
    chat = new ChatController(testConversation(access, log, [echoTool, fakeWrite]), env, log);
    chat.onDidPost((m) => {
      assert.ok(hostToWebview.safeParse(m).success, `host posted an invalid message: ${JSON.stringify(m)}`);
      posted.push(m);
    });
  });
  const types = () => posted.map((m) => m.type);
  const streamed = () => posted.filter((m) => m.type === 'textDelta');

  it('streams an answer as ordered deltas between turnStarted and turnEnded', async () => {
    mock.enqueue(reply('A streamed answer in many small pieces.', { chunkSize: 3, delayMs: 20 }));
    await chat.submit('question');
    assert.equal(types()[0], 'turnStarted');
    assert.equal(types().at(-1), 'turnEnded');
    const deltas = streamed();
    assert.ok(deltas.length >= 2, `expected the answer in several deltas, got ${deltas.length}`);
    assert.deepEqual(deltas.map((d) => d.seq), deltas.map((_, i) => i));
    assert.equal(deltas.map((d) => d.text).join(''), 'A streamed answer in many small pieces.');
    assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'assistant']);
    assert.deepEqual(actions, ['busy', 'idle']);
  });

  it('coalesces fast deltas instead of posting one message per token', async () => {
    mock.enqueue(reply('x'.repeat(3000), { chunkSize: 1 }));
    await chat.submit('q');
    assert.ok(streamed().length < 300, `3000 one-character deltas became ${streamed().length} messages`);
  });

  it('Stop ends a stalled stream as aborted and keeps what arrived', async () => {
    mock.enqueue(stallAfter(4, 'Partial text before the stall'));
    const turn = chat.submit('q');
    while (streamed().length === 0) await new Promise((r) => setTimeout(r, 5));
    chat.receive({ type: 'stop' });
    const outcome = await turn;
    assert.equal(outcome?.state, 'aborted_streaming');
    const ended = posted.find((m) => m.type === 'turnEnded');
    assert.equal(ended?.type === 'turnEnded' && ended.state, 'aborted_streaming');
    const answer = chat.transcript[1];
    assert.ok(answer.role === 'assistant' && answer.status === 'stopped' && answer.text.length > 0);
  });

  it('a second submit while busy gets a clear error, not a second stream', async () => {
    mock.enqueue(stallAfter(4));
    const turn = chat.submit('first');
    while (streamed().length === 0) await new Promise((r) => setTimeout(r, 5));
    const second = await chat.submit('second');
    assert.equal(second, undefined);
    assert.ok(posted.some((m) => m.type === 'error' && m.reason === 'busy'));
    chat.stop();
    await turn;
    assert.deepEqual(mock.requests.map((r) => plainMessages(r.body.messages).at(-1).content), ['first']);
  });

  it('no key: the panel is told so, with a Set API Key action that reaches the editor', async () => {
    access.key = '';
    await chat.submit('hi');
    const err = posted.find((m) => m.type === 'error');
    assert.ok(err?.type === 'error' && err.reason === 'no_api_key' && err.action === 'setApiKey');
    chat.receive({ type: 'action', action: 'setApiKey' });
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(actions.filter((a) => a === 'setApiKey'), ['setApiKey']);
  });

  it('an overloaded API shows retry progress, then an error with a Retry action; Retry answers the same question once', async () => {
    mock.enqueue(...Array.from({ length: 11 }, () => overloaded()), reply('fine now'));
    await chat.submit('q');
    assert.ok(posted.some((m) => m.type === 'status' && /overloaded; retrying in 1 s \(attempt 1 of 10\)/.test(m.text)));
    assert.ok(posted.some((m) => m.type === 'error' && m.reason === 'overloaded' && m.action === 'retry'));
    await chat.retry();
    assert.equal(mock.requests.length, 12);
    assert.deepEqual(plainMessages(mock.requests[11].body.messages), [{ role: 'user', content: 'q' }]);
    assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'error', 'assistant']);
  });

  it('new conversation during a stream stops it, then clears both transcript and history', async () => {
    mock.enqueue(stallAfter(4), reply('fresh'));
    const turn = chat.submit('old');
    while (streamed().length === 0) await new Promise((r) => setTimeout(r, 5));
    await chat.newConversation();
    await turn;
    assert.equal(types().at(-1), 'cleared');
    assert.equal(chat.transcript.length, 0);
    await chat.submit('new');
    assert.deepEqual(plainMessages(mock.requests[1].body.messages), [{ role: 'user', content: 'new' }]);
  });

  it('answers ready with a snapshot that says whether a key exists but never contains it', async () => {
    mock.enqueue(reply('hello'));
    await chat.submit('hi');
    chat.receive({ type: 'ready' });
    await new Promise((r) => setTimeout(r, 10));
    const snap = posted.find((m) => m.type === 'snapshot');
    assert.ok(snap?.type === 'snapshot');
    assert.equal(snap.hasApiKey, true);
    assert.equal(snap.entries.length, 2);
    assert.ok(!JSON.stringify(posted).includes('test-key'));
  });

  it('shows a tool call as a card that goes pending -> running -> done, and later text as a new entry', async () => {
    mock.enqueue(toolCall('echo_back', { path: 'README.md' }, { text: 'Reading.', id: 'toolu_r' }), reply('It is a readme.'));
    await chat.submit('what is it?');
    const cards = posted.filter((m) => m.type === 'toolUpdate').map((m) => (m.type === 'toolUpdate' ? m.entry : undefined)!);
    assert.deepEqual(cards.map((c) => c.status), ['pending', 'running', 'running', 'done']);
    assert.equal(cards.at(-1)!.summary, 'README.md');
    assert.equal(cards.at(-1)!.output, 'contents of README.md');
    assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'assistant', 'tool', 'assistant']);
    const entryIds = new Set(streamed().map((d) => (d.type === 'textDelta' ? d.entryId : '')));
    assert.equal(entryIds.size, 2, 'text before and after the tool call are separate entries');
  });

  it('text from an attempt that failed part way is removed from the panel before the retry', async () => {
    mock.enqueue({ ...dropAfter(6, 'Half an answer that will be replaced'), delayMs: 20 } as MockStep, reply('The whole answer.'));
    await chat.submit('q');
    const removed = posted.find((m) => m.type === 'entriesRemoved');
    assert.ok(removed?.type === 'entriesRemoved' && removed.ids.length === 1);
    const answers = chat.transcript.filter((e) => e.role === 'assistant');
    assert.deepEqual(answers.map((a) => (a.role === 'assistant' ? a.text : '')), ['The whole answer.']);
  });

  it('"#..." asks the agent to save a memory, and the panel says "Saved 1 memory"', async () => {
    mock.enqueue(
      toolCall('write_file', { path: 'memory/prefers-tabs.md', content: '---\nname: Tabs\n---\nUses tabs.' }, { id: 'toolu_t' }),
      toolCall('write_file', { path: 'memory/MEMORY.md', content: '- [Tabs](prefers-tabs.md) — indentation' }, { id: 'toolu_i' }),
      reply('Saved.'),
    );
    await chat.submit('# I prefer tabs over spaces');
    const first = mock.requests[0].body.messages[0].content;
    assert.match(typeof first === 'string' ? first : first.at(-1).text, /^Remember this: I prefer tabs over spaces/);
    assert.equal(chat.transcript[0].role === 'user' && chat.transcript[0].text, '# I prefer tabs over spaces', 'the panel shows what was typed');
    const notice = posted.find((m) => m.type === 'notice');
    assert.equal(notice?.type === 'notice' && notice.text, 'Saved 1 memory');
  });

  it('after a completed turn that saved nothing, the background pass runs and its saves are announced', async () => {
    const turns: number[] = [];
    env.extractMemories = async (turn) => {
      turns.push(turn.length);
      return 2;
    };
    mock.enqueue(reply('We release on Fridays, noted.'));
    await chat.submit('We release on Fridays.');
    await chat.extraction;
    assert.deepEqual(turns, [2], 'it got the user message and the answer');
    const notice = posted.find((m) => m.type === 'notice');
    assert.equal(notice?.type === 'notice' && notice.text, 'Saved 2 memories');
  });

  it('the background pass does not run when the turn saved a memory itself, or failed', async () => {
    let calls = 0;
    env.extractMemories = async () => {
      calls++;
      return 1;
    };
    mock.enqueue(toolCall('write_file', { path: 'memory/x.md', content: 'x' }), reply('Saved.'));
    await chat.submit('# remember x');
    access.key = '';
    await chat.submit('this one fails');
    await chat.extraction;
    assert.equal(calls, 0);
  });

  it('recognises "#" and "/remember" but not headings or other text', () => {
    assert.match(rememberRequest('#use pnpm')!, /^Remember this: use pnpm/);
    assert.match(rememberRequest('/remember  the API is v2')!, /^Remember this: the API is v2/);
    assert.equal(rememberRequest('## a heading'), undefined);
    assert.equal(rememberRequest('#'), undefined);
    assert.equal(rememberRequest('what is #1?'), undefined);
    assert.equal(rememberRequest('/remembering'), undefined);
  });

  it('ignores and logs malformed panel messages', () => {
    chat.receive({ type: 'submit', text: 5 });
    chat.receive({ type: 'runCommand', command: 'workbench.action.terminal.sendSequence' });
    assert.equal(posted.length, 0);
    assert.equal(log.lines.filter((l) => l.startsWith('warn ignored an invalid message')).length, 2);
  });
  describe('slash commands', () => {
    const expanded: string[] = [];
    const skills = [
      { name: 'explain', description: 'Explain a file in plain words', argumentHint: '<path>', source: 'project' },
      { name: 'release-notes', description: 'Draft release notes', source: 'user' },
    ];
    let changed: (() => void) | undefined;
    beforeEach(() => {
      expanded.length = 0;
      changed = undefined;
      env.expandSkill = async (text) => {
        expanded.push(text);
        const m = /^\/([\w-]+)(?:\s+([\s\S]*))?$/.exec(text);
        if (!m) return undefined;
        if (m[1] === 'explain') return { prompt: `<skill name="explain">Explain ${m[2]} to a newcomer.</skill>` };
        if (/^[a-z-]+$/.test(m[1])) return { error: `No skill named "${m[1]}".` };
        return undefined;
      };
      env.userSkills = () => skills;
      env.onSkillsChanged = (listener) => {
        changed = listener;
        return { dispose: () => (changed = undefined) };
      };
      chat = new ChatController(testConversation(access, log, [echoTool, fakeWrite]), env, log);
      chat.onDidPost((m) => {
        assert.ok(hostToWebview.safeParse(m).success, `host posted an invalid message: ${JSON.stringify(m)}`);
        posted.push(m);
      });
    });
    const commandLists = () => posted.flatMap((m) => (m.type === 'commands' ? [m.commands.map((c) => c.name)] : []));
    const firstContent = (i: number) => {
      const content = mock.requests[i].body.messages[0].content;
      return typeof content === 'string' ? content : content.at(-1).text;
    };

    it('a skill run as "/name args" sends the skill prompt, while the panel shows what was typed', async () => {
      mock.enqueue(reply('It adds two numbers.'));
      await chat.submit('/explain math.js');
      assert.deepEqual(expanded, ['/explain math.js']);
      assert.equal(mock.requests.length, 1);
      assert.match(firstContent(0), /<skill name="explain">Explain math\.js to a newcomer\.<\/skill>$/);
      assert.doesNotMatch(firstContent(0), /^\/explain/);
      const started = posted.find((m) => m.type === 'turnStarted');
      assert.equal(started?.type === 'turnStarted' && started.text, '/explain math.js');
      assert.deepEqual(chat.transcript.map((e) => [e.role, e.role === 'user' ? e.text : '']), [['user', '/explain math.js'], ['assistant', '']]);
    });

    it('an unknown skill shows the typed line and an error, and sends nothing to the model', async () => {
      await chat.submit('/explian math.js');
      assert.equal(mock.requests.length, 0);
      assert.deepEqual(types(), ['entry', 'error']);
      const entry = posted[0];
      assert.deepEqual(entry.type === 'entry' && entry.entry, { role: 'user', id: chat.transcript[0].id, text: '/explian math.js' });
      const err = posted[1];
      assert.ok(err.type === 'error' && err.reason === 'bad_command' && err.message === 'No skill named "explian".', JSON.stringify(err));
      assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'error']);
      assert.deepEqual(actions, [], 'no turn was started');
    });

    it('text that only starts with a slash, like a path, is sent as typed', async () => {
      mock.enqueue(reply('It prints the environment.'));
      await chat.submit('/usr/bin/env prints what?');
      assert.deepEqual(expanded, ['/usr/bin/env prints what?']);
      assert.equal(firstContent(0), '/usr/bin/env prints what?');
    });

    it('a skill that fails to load is an internal error in the panel, logged, and nothing is sent', async () => {
      env.expandSkill = async () => {
        throw new Error('EACCES: SKILL.md');
      };
      await chat.submit('/explain x');
      assert.equal(mock.requests.length, 0);
      assert.ok(posted.some((m) => m.type === 'error' && m.reason === 'internal'));
      assert.ok(log.lines.some((l) => l.startsWith('error could not expand /explain') && l.includes('EACCES')));
    });

    it('"/new" starts a new conversation: the panel is cleared and the model is not asked', async () => {
      mock.enqueue(reply('first answer'), reply('fresh'));
      await chat.submit('hello');
      await chat.submit('  /new ');
      assert.equal(types().at(-1), 'cleared');
      assert.equal(chat.transcript.length, 0);
      assert.deepEqual(expanded, []);
      await chat.submit('again');
      assert.equal(mock.requests.length, 2);
      assert.deepEqual(plainMessages(mock.requests[1].body.messages), [{ role: 'user', content: 'again' }], 'the history was cleared');
    });

    it('"/remember" alone asks for the text instead of sending or looking for a skill', async () => {
      await chat.submit('/remember');
      assert.equal(mock.requests.length, 0);
      assert.deepEqual(expanded, []);
      assert.ok(posted.some((m) => m.type === 'error' && m.reason === 'bad_command' && /\/remember/.test(m.message)));
    });

    it('the panel gets the built-ins and the skills after its snapshot, and again when skills change', async () => {
      chat.receive({ type: 'ready' });
      await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(types(), ['snapshot', 'commands']);
      assert.deepEqual(commandLists(), [['new', 'remember', 'compact', 'dream', 'skills', 'explain', 'release-notes']]);
      const explain = posted[1].type === 'commands' ? posted[1].commands[5] : undefined;
      assert.deepEqual(explain, { name: 'explain', description: 'Explain a file in plain words', argumentHint: '<path>', source: 'project' });
      skills.push({ name: 'deploy', description: 'Ship it', source: 'user' });
      changed!();
      assert.deepEqual(commandLists().at(-1), ['new', 'remember', 'compact', 'dream', 'skills', 'explain', 'release-notes', 'deploy']);
      skills.pop();
      chat.dispose();
      assert.equal(changed, undefined, 'dispose stops listening');
    });
  });

  it('the command list is bounded: long descriptions are clipped, untypeable names and built-in names are dropped', () => {
    const list = slashCommands([
      { name: 'long', description: 'word '.repeat(500), argumentHint: 'x'.repeat(500), source: 'project' },
      { name: 'has space', description: 'no', source: 'project' },
      { name: 'new', description: 'a skill hiding behind the built-in', source: 'project' },
      { name: 'n'.repeat(65), description: 'too long a name', source: 'project' },
      ...Array.from({ length: 300 }, (_, i) => ({ name: `s${i}`, description: `skill ${i}`, source: 'user' })),
    ]);
    assert.ok(hostToWebview.safeParse({ type: 'commands', commands: list }).success);
    assert.equal(list.length, SLASH_LIMITS.count);
    assert.deepEqual(list.slice(0, 7).map((c) => c.name), ['new', 'remember', 'compact', 'dream', 'skills', 'long', 's0']);
    assert.equal(list[0].source, 'built-in');
    assert.equal(list[2].argumentHint, '[what to focus on]');
    assert.equal(list[5].description.length, SLASH_LIMITS.description);
    assert.ok(list[5].description.endsWith('…'));
    assert.equal(list[5].argumentHint!.length, SLASH_LIMITS.argumentHint);
  });

  describe('compaction and the context meter', () => {
    const isSummaryRequest = (body: any) => !body.tools && JSON.stringify(body.system ?? '').includes(SUMMARY_SYSTEM.slice(0, 40));
    const summaryReply = (text: string) => reply(`<analysis>scratch work</analysis>\n<summary>\n${text}\n</summary>`);
    const twoExchanges = async () => {
      mock.enqueue(reply('The parser lives in src/parse.ts.'), reply('Its tests are in test/parse.test.ts.'));
      await chat.submit('where is the parser?');
      await chat.submit('and its tests?');
    };
    const compactions = () => chat.transcript.filter((e): e is Extract<TranscriptEntry, { role: 'compaction' }> => e.role === 'compaction');

    it('"/compact focus" summarises with a tool-less request and shows a divider with its figures', async () => {
      await twoExchanges();
      posted.length = 0;
      actions.length = 0;
      mock.enqueue(summaryReply('## Primary request\nFind the **parser** and its tests.'));
      await chat.submit('/compact the parser tests');

      assert.equal(mock.requests.length, 3);
      const body = mock.requests[2].body;
      assert.ok(isSummaryRequest(body), 'the third request is the summary call, without tools');
      assert.match(JSON.stringify(body.messages), /focus on: the parser tests/);
      assert.deepEqual(actions, ['busy', 'idle']);
      const started = posted[0];
      assert.ok(started.type === 'turnStarted' && started.text === '/compact the parser tests' && !started.retry);
      assert.ok(posted.some((m) => m.type === 'status' && m.text === 'Compacting the conversation…'));
      const divider = posted.find((m) => m.type === 'entry' && m.entry.role === 'compaction');
      assert.ok(divider?.type === 'entry' && divider.entry.role === 'compaction');
      const entry = divider.entry;
      assert.equal(entry.trigger, 'manual');
      assert.equal(entry.fromNotes, false);
      assert.ok(entry.summarisedMessages >= 1 && entry.summarisedMessages + entry.keptMessages === 4, JSON.stringify(entry));
      assert.ok(entry.tokensBefore > 0 && entry.tokensAfter > 0);
      assert.equal(entry.summary.trim(), '## Primary request\nFind the **parser** and its tests.', 'the analysis scratchpad is stripped');
      const ended = posted.at(-1);
      assert.ok(ended?.type === 'turnEnded' && ended.state === 'completed');
      assert.ok(posted.findIndex((m) => m.type === 'status' && m.text === '') > posted.indexOf(divider), 'the status line is cleared');
      assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'assistant', 'user', 'assistant', 'user', 'compaction']);
      assert.equal(chat.transcript[4].role === 'user' && chat.transcript[4].text, '/compact the parser tests');
      assert.ok(!posted.some((m) => m.type === 'error'));

      // The next message goes out on the summary, and a reload still shows the divider.
      mock.enqueue(reply('Run npm test.'));
      await chat.submit('how do I run them?');
      assert.match(JSON.stringify(mock.requests[3].body.messages), /Find the \*\*parser\*\* and its tests/);
      chat.receive({ type: 'ready' });
      await new Promise((r) => setTimeout(r, 10));
      const snap = posted.find((m) => m.type === 'snapshot');
      assert.ok(snap?.type === 'snapshot' && snap.entries.some((e) => e.role === 'compaction'));
    });

    it('the Compact Conversation command shows "/compact" as the user line', async () => {
      await twoExchanges();
      mock.enqueue(summaryReply('short'));
      assert.equal(await chat.compact(), true);
      const typed = chat.transcript.at(-2);
      assert.equal(typed?.role === 'user' && typed.text, '/compact');
      assert.equal(compactions().length, 1);
    });

    it('nothing to compact: an error entry says so, and no request is made', async () => {
      await chat.submit('/compact');
      assert.equal(mock.requests.length, 0);
      const err = posted.find((m) => m.type === 'error');
      assert.ok(err?.type === 'error' && err.reason === 'compaction_failed' && err.message === 'There is nothing to compact yet.', JSON.stringify(err));
      assert.deepEqual(chat.transcript.map((e) => e.role), ['user', 'error']);
      assert.ok(posted.some((m) => m.type === 'turnEnded'), 'the panel is not left busy');
      assert.deepEqual(actions, ['busy', 'idle']);
    });

    it('a failed summary call shows the reason without a stack trace and keeps the history', async () => {
      await twoExchanges();
      mock.enqueue(apiError(400, 'invalid_request_error', 'summary refused'));
      assert.equal(await chat.compact('x'), false);
      const err = posted.find((m) => m.type === 'error');
      assert.ok(err?.type === 'error' && err.reason === 'compaction_failed', JSON.stringify(err));
      assert.match(err.message, /^Could not compact: /);
      assert.doesNotMatch(err.message, /\n\s+at /);
      assert.equal(compactions().length, 0);
      mock.enqueue(reply('still here'));
      await chat.submit('next');
      assert.equal(plainMessages(mock.requests.at(-1)!.body.messages).length, 5, 'the whole history went out');
    });

    it('Stop cancels a compaction: the summary request is aborted and the history is unchanged', async () => {
      await twoExchanges();
      mock.enqueue(stallAfter(3, '<analysis>'));
      const running = chat.submit('/compact');
      while (!posted.some((m) => m.type === 'status' && m.text === 'Compacting the conversation…')) await new Promise((r) => setTimeout(r, 5));
      while (mock.requests.length < 3) await new Promise((r) => setTimeout(r, 5));
      assert.equal(chat.busy, true);
      chat.receive({ type: 'stop' });
      await running;
      assert.equal(chat.busy, false);
      const err = posted.find((m) => m.type === 'error');
      assert.ok(err?.type === 'error' && err.reason === 'aborted', JSON.stringify(err));
      assert.equal(compactions().length, 0);
      mock.enqueue(reply('ok'));
      await chat.submit('go on');
      assert.equal(plainMessages(mock.requests.at(-1)!.body.messages).length, 5);
    });

    it('"/compact" while a turn runs is refused as busy, and no summary is requested', async () => {
      mock.enqueue(stallAfter(4));
      const turn = chat.submit('first');
      while (streamed().length === 0) await new Promise((r) => setTimeout(r, 5));
      await chat.submit('/compact');
      assert.ok(posted.some((m) => m.type === 'error' && m.reason === 'busy'));
      assert.equal(await chat.compact(), false);
      chat.stop();
      await turn;
      assert.equal(mock.requests.length, 1);
      assert.ok(!chat.transcript.some((e) => e.role === 'user' && e.text === '/compact'), 'the refused command is not shown as sent');
    });

    it('after each response the panel gets the meter; a reload keeps it; a new conversation clears it', async () => {
      mock.enqueue(reply('first', { usage: { input_tokens: 60_000, output_tokens: 8_000 } }));
      await chat.submit('q');
      const meters = posted.filter((m) => m.type === 'context');
      assert.equal(meters.length, 1);
      const m = meters[0].type === 'context' ? meters[0].meter : undefined;
      assert.equal(m?.contextTokens, 68_000);
      assert.equal(m?.windowTokens, 200_000);
      assert.equal(m?.percent, 34);
      assert.ok(m!.tokensToAutoCompact > 0 && m!.tokensToAutoCompact < 200_000 - 68_000);
      assert.match(m!.hoverText, /68,000 of 200,000 tokens/);
      assert.ok(posted.indexOf(meters[0]) < posted.findIndex((x) => x.type === 'turnEnded'));

      chat.receive({ type: 'ready' });
      await new Promise((r) => setTimeout(r, 10));
      const snap = posted.filter((x) => x.type === 'snapshot').at(-1);
      assert.deepEqual(snap?.type === 'snapshot' && snap.meter, m);

      await chat.newConversation();
      chat.receive({ type: 'ready' });
      await new Promise((r) => setTimeout(r, 10));
      const fresh = posted.filter((x) => x.type === 'snapshot').at(-1);
      assert.ok(fresh?.type === 'snapshot' && fresh.meter === undefined);
    });

    describe('TurnView: what the core reports during a run', () => {
      const run = runTurnView;

      it('a core notice becomes an info notice entry', () => {
        const { entries, out } = run([{ type: 'notice', text: 'Auto-compaction failed 3 times in a row; it is off for this conversation.' }]);
        assert.deepEqual(entries, [{ role: 'notice', id: 'e1', text: 'Auto-compaction failed 3 times in a row; it is off for this conversation.', tone: 'info' }]);
        assert.ok(out.some((m) => m.type === 'notice' && m.tone === 'info' && m.entryId === 'e1'));
      });

      it('micro-compaction is one short line with the count and the tokens saved', () => {
        const { out } = run([{ type: 'micro_compaction', reason: 'pressure', cleared: 6, tokensSaved: 24_300, clearedIds: ['toolu_1', 'toolu_2', 'toolu_3', 'toolu_4', 'toolu_5', 'toolu_6'] }]);
        const notice = out.find((m) => m.type === 'notice');
        assert.equal(notice?.type === 'notice' && notice.text, 'Cleared 6 old tool results from the context (about 24k tokens); the transcript keeps them');
      });

      it('an auto-compaction divider and a notice survive a retried request', () => {
        const { entries } = run([
          { type: 'request_start', turn: 1, attempt: 0, maxTokens: 8_000 },
          { type: 'compaction_start', trigger: 'auto' },
          { type: 'compaction', trigger: 'auto', summarisedMessages: 142, keptMessages: 6, tokensBefore: 168_000, tokensAfter: 31_000, fromNotes: true, summary: 'notes' },
          { type: 'text', text: 'half an answer' },
          { type: 'discard_text' },
        ]);
        assert.deepEqual(entries.map((e) => e.role), ['compaction']);
      });

      it('a summary longer than the protocol allows is cut with a note, so the divider still arrives', () => {
        const { out } = run([{ type: 'compaction', trigger: 'reactive', summarisedMessages: 3, keptMessages: 1, tokensBefore: 9, tokensAfter: 5, fromNotes: false, summary: 'word '.repeat(10_000) }]);
        const entry = out.find((m) => m.type === 'entry');
        assert.ok(entry?.type === 'entry' && entry.entry.role === 'compaction');
        assert.equal(entry.entry.summary.length, COMPACTION_LIMITS.summary);
        assert.match(entry.entry.summary, /the model has the whole summary/);
      });
    });
  });
});
