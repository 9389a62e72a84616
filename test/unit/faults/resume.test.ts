/**
 * The in-process half of the SIGKILL fixes (sigkill.test.ts shows them through the CLI): the answer
 * that asks for tools is on disk before the tools run; a resume answers calls whose results never
 * reached the transcript, wherever they are; appending after a torn last line loses nothing.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { Conversation } from '../../../src/core/session/conversation';
import { UNFINISHED_RESULT, messageRecord, parseTranscript, resumeMessages, transcriptRecorder } from '../../../src/core/session/transcript';
import { defineTool } from '../../../src/core/tools/tool';
import { NodeTranscriptStore } from '../../../src/node/nodeTranscripts';
import { MockAnthropicServer, historyProblem, reply, toolCall } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess } from '../fakes';

describe('fault suite: what a killed session leaves for --resume (issue 10)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-resume-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the answer asking for a tool is in the transcript while the tool runs', async () => {
    const mock = await MockAnthropicServer.start();
    try {
      const store = new NodeTranscriptStore(dir);
      let seenWhileRunning: string[] = [];
      const peek = defineTool({
        name: 'peek', description: 'reads the transcript', input: z.object({}), readOnly: true,
        async run() {
          seenWhileRunning = parseTranscript(fs.readFileSync(path.join(dir, `${convo.id}.jsonl`), 'utf8')).messages.map((r) => r.message.role);
          return { content: 'ok' };
        },
      });
      const convo: Conversation = new Conversation({
        access: fakeAccess(mock.url), log: new MemoryLogger(), tools: [peek], sessionDir: () => dir,
        record: transcriptRecorder(store, { cwd: dir, model: () => 'claude-test' }),
        toolContext: (signal, progress, session) => ({ signal, progress, session, cwd: dir, roots: [dir] } as never),
      });
      mock.enqueue(toolCall('peek', {}, { id: 'toolu_p' }), reply('done'));
      assert.equal((await convo.send('look', new AbortController().signal)).state, 'completed');
      assert.deepEqual(seenWhileRunning, ['user', 'assistant']);
    } finally {
      await mock.close();
    }
  });

  it('resume answers unfinished calls at the end and mid-conversation, the same way each time', () => {
    const call = (id: string) => ({ role: 'assistant' as const, content: [{ type: 'tool_use' as const, id, name: 'run_command', input: {} }] });
    const lines = (msgs: any[]) => msgs.map((m) => JSON.stringify(messageRecord(m))).join('\n');
    const killed = [{ role: 'user' as const, content: 'go' }, call('toolu_1')];
    const first = resumeMessages(parseTranscript(lines(killed)));
    assert.deepEqual(first[2], { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: UNFINISHED_RESULT, is_error: true }] });
    // After the resumed prompt was saved (the added result was not), the next resume gives the same prefix.
    const later = resumeMessages(parseTranscript(lines([...killed, { role: 'user', content: 'go on' }, { role: 'assistant', content: 'ok' }])));
    assert.deepEqual(later.slice(0, 3), first);
    assert.deepEqual(later.slice(3).map((m) => m.content), ['go on', 'ok']);
    assert.equal(historyProblem(later), undefined);
  });

  it('appending after a torn last line starts a new line, so the appended record survives', async () => {
    const store = new NodeTranscriptStore(dir);
    const file = path.join(dir, 'sess-torn.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(messageRecord({ role: 'user', content: 'a' }))}\n{"type":"message","mess`);
    await store.writer('sess-torn').append([messageRecord({ role: 'user', content: 'b' })]);
    await store.writer('sess-torn').append([messageRecord({ role: 'assistant', content: 'c' })]);
    const parsed = parseTranscript(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(parsed.messages.map((r) => r.message.content), ['a', 'b', 'c']);
    assert.equal(parsed.skippedLines, 1);
  });
});
