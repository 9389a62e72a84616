/**
 * Bad input 5: corrupted transcripts (a torn last line, garbage in the middle, records of the wrong
 * shape, a tool_use without its result, an empty file, non-UTF-8 bytes, no header). The session
 * list still lists every file, a resume restores what is valid and counts what was skipped, the
 * restored history never ends in an unanswered tool_use, history search does not crash, and no
 * file is rewritten.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { resumeMessages } from '../../../src/core/session/transcript';
import { NodeTranscriptStore, searchHistory } from '../../../src/node/nodeTranscripts';
import { countCase, latin1, snapshot, temp, timed } from './support';

const header = (id: string) => JSON.stringify({ type: 'session', version: 1, id, cwd: '/w', startedAt: `2026-01-0${id.length % 9 + 1}T00:00:00.000Z` });
const msg = (role: 'user' | 'assistant', content: unknown) => JSON.stringify({ type: 'message', time: '2026-01-01T00:00:01.000Z', message: { role, content } });
const user = (text: string) => msg('user', text);
const assistant = (text: string) => msg('assistant', [{ type: 'text', text }]);

const CASES: Record<string, { text: string | Buffer; valid: number; skipped: number }> = {
  good: { text: [header('good'), user('hello needle'), assistant('hi')].join('\n') + '\n', valid: 2, skipped: 0 },
  torn: { text: [header('torn'), user('first needle'), assistant('answer'), '{"type":"message","time":"2026-01-01T00:0'].join('\n'), valid: 2, skipped: 1 },
  garbage: { text: [header('garbage'), user('q needle'), 'this is not json at all', '\u0000\u0001binary', assistant('a')].join('\n') + '\n', valid: 2, skipped: 2 },
  shapes: {
    text: [header('shapes'), user('ok needle'), '[1,2,3]', '42', '"str"', 'null', JSON.stringify({ type: 'message', message: { role: 'robot', content: 'x' }, time: 't' }),
      JSON.stringify({ type: 'message', time: 't', message: { role: 'user', content: 42 } }), JSON.stringify({ type: 'compaction', head: 'no' }), assistant('fine')].join('\n') + '\n',
    valid: 2, skipped: 4,
  },
  orphan: {
    text: [header('orphan'), user('run it needle'), msg('assistant', [{ type: 'text', text: 'running' }, { type: 'tool_use', id: 'toolu_1', name: 'run_command', input: { command: 'ls' } }])].join('\n') + '\n',
    valid: 2, skipped: 0,
  },
  empty: { text: '', valid: 0, skipped: 0 },
  latin: { text: Buffer.concat([Buffer.from(header('latin') + '\n'), latin1(user('café needle') + '\n'), Buffer.from(assistant('ok') + '\n')]), valid: 2, skipped: 0 },
  headless: { text: [user('no header needle'), assistant('still here')].join('\n') + '\n', valid: 2, skipped: 0 },
};

describe('bad input: corrupted transcripts', function () {
  this.timeout(20_000);
  const t = temp();
  const root = path.join(t.root, 'sessions');
  const files = Object.entries(CASES).map(([id, c]) => t.put(path.join(root, `${id}-session.jsonl`), c.text));
  const snap = snapshot(files);
  const store = new NodeTranscriptStore(root);
  after(() => {
    snap.assertUnchanged();
    t.dispose();
  });

  it('the session list lists every file, corrupted or not', async () => {
    const { value: list } = await timed('transcripts: list 8 corrupted sessions', () => store.list());
    assert.deepEqual(list.map((i) => i.id).sort(), Object.keys(CASES).map((id) => `${id}-session`).sort());
    assert.equal(list.find((i) => i.id === 'headless-session')?.firstUserText, 'no header needle');
    countCase('5 corrupted transcripts');
  });

  for (const [id, c] of Object.entries(CASES)) {
    it(`${id}: resume restores the valid messages and counts the skipped lines`, async () => {
      const parsed = await store.read(`${id}-session`);
      assert.ok(parsed, `${id} can be read`);
      assert.equal(parsed.messages.length, c.valid);
      assert.equal(parsed.skippedLines, c.skipped);
      const history = resumeMessages(parsed);
      assert.equal(history.length, c.valid + (id === 'orphan' ? 1 : 0));
      // The API rejects a history whose last assistant turn asked for tools nobody answered.
      const last = history.at(-1);
      if (last?.role === 'assistant' && Array.isArray(last.content)) {
        assert.ok(!last.content.some((b) => b.type === 'tool_use'), `${id}: the resumed history ends in an unanswered tool_use`);
      }
      if (id === 'orphan') {
        const answer = history.at(-1)!;
        assert.equal(answer.role, 'user');
        assert.match(JSON.stringify(answer.content), /toolu_1.*(interrupted|no result)/);
      }
      countCase('5 corrupted transcripts');
    });
  }

  it('history search runs over all of them without crashing, and finds the valid hits', async () => {
    for (const caseSensitive of [true, false]) {
      const { value: hits } = await timed(`transcripts: search_history (case ${caseSensitive ? 'sensitive' : 'insensitive'})`, () =>
        searchHistory({ root, query: 'needle', caseSensitive, signal: new AbortController().signal }));
      const sessions = new Set(hits.map((h) => h.sessionId));
      for (const id of ['good', 'torn', 'garbage', 'shapes', 'orphan', 'latin', 'headless'].map((x) => `${x}-session`)) assert.ok(sessions.has(id), `${id} found (${[...sessions]})`);
      countCase('5 corrupted transcripts');
    }
    await assert.rejects(searchHistory({ root, query: '(', regex: true, signal: new AbortController().signal }), SyntaxError);
    countCase('5 corrupted transcripts');
    assert.ok(fs.existsSync(files[0]));
  });
});
