import * as assert from 'node:assert/strict';
import { SYSTEM_PROMPT } from '../../src/core/context/systemPrompt';
import { MockAnthropicServer, reply, stallAfter, unauthorized, plainMessages, systemText } from '../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess, testConversation } from './fakes';

describe('Conversation (core/session)', () => {
  let mock: MockAnthropicServer;
  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());
  beforeEach(() => mock.reset());
  const signal = () => new AbortController().signal;

  it('keeps the history and sends all of it, with the fixed system prompt, on the next turn', async () => {
    const convo = testConversation(fakeAccess(mock.url), new MemoryLogger());
    mock.enqueue(reply('first answer'), reply('second answer'));
    const a = await convo.send('first question', signal());
    const b = await convo.send('second question', signal());
    assert.equal(a.state, 'completed');
    assert.equal(b.finalText, 'second answer');
    assert.deepEqual(plainMessages(mock.requests[1].body.messages), [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: [{ type: 'text', text: 'first answer' }] },
      { role: 'user', content: 'second question' },
    ]);
    assert.equal(systemText(mock.requests[1].body), SYSTEM_PROMPT);
    assert.equal(mock.requests[1].body.model, 'claude-test');
  });

  it('without a key, ends in model_error "no_api_key" and sends nothing', async () => {
    const convo = testConversation(fakeAccess(mock.url, ''), new MemoryLogger());
    const out = await convo.send('hello', signal());
    assert.equal(out.state, 'model_error');
    assert.equal(out.error?.reason, 'no_api_key');
    assert.equal(out.error?.action, 'setApiKey');
    assert.equal(mock.requests.length, 0);
  });

  it('a stop keeps the partial answer, and the conversation carries on from it', async () => {
    const convo = testConversation(fakeAccess(mock.url), new MemoryLogger());
    mock.enqueue(stallAfter(5, 'The partial answer goes on and on'), reply('continued'));
    const abort = new AbortController();
    const out = await convo.send('long question', abort.signal, (e) => e.type === 'text' && abort.abort());
    assert.equal(out.state, 'aborted_streaming');
    await convo.send('go on', signal());
    const sent = mock.requests[1].body.messages;
    assert.deepEqual(sent.map((m: { role: string }) => m.role), ['user', 'assistant', 'user']);
    assert.ok(sent[1].content[0].text.length > 0);
  });

  it('after a failure, retry() asks again without repeating the user message', async () => {
    const log = new MemoryLogger();
    const convo = testConversation(fakeAccess(mock.url), log);
    mock.enqueue(unauthorized(), reply('recovered'));
    const failed = await convo.send('question', signal());
    assert.equal(failed.state, 'model_error');
    assert.equal(failed.error?.reason, 'auth');
    assert.ok(convo.awaitingAnswer);
    const ok = await convo.retry(signal());
    assert.equal(ok.finalText, 'recovered');
    assert.deepEqual(plainMessages(mock.requests[1].body.messages), [{ role: 'user', content: 'question' }]);
    assert.ok(log.lines.some((l) => l.startsWith('warn run ended: model_error')), log.lines.join('\n'));
  });

  it('restore() continues a saved conversation', async () => {
    const convo = testConversation(fakeAccess(mock.url), new MemoryLogger());
    convo.restore([{ role: 'user', content: 'earlier' }, { role: 'assistant', content: 'before' }]);
    mock.enqueue(reply('now'));
    await convo.send('later', signal());
    assert.equal(mock.requests[0].body.messages.length, 3);
  });

  it('never writes the API key to the log', async () => {
    const log = new MemoryLogger();
    const convo = testConversation(fakeAccess(mock.url, 'sk-ant-secret-123'), log);
    await convo.send('hi', signal()); // rejected: the mock expects test-key
    assert.ok(log.lines.length > 0);
    assert.ok(!log.lines.some((l) => l.includes('sk-ant-secret-123')), log.lines.join('\n'));
  });
});
