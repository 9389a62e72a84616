import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { messageRecord, parseTranscript, serializeRecord, sessionHeader } from '../../../src/core/session/transcript';
import { createSearchHistoryTool } from '../../../src/core/tools/searchHistory';
import { NodeTranscriptStore, searchHistory, type NodeHistorySearchOptions } from '../../../src/node/nodeTranscripts';
import { RG_PATH } from '../tools/files/harness';

const RG = RG_PATH;
const user = (content: MessageParam['content']): MessageParam => ({ role: 'user', content });
const assistant = (text: string): MessageParam => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('transcripts', () => {
  let root: string;
  let store: NodeTranscriptStore;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-transcripts-'));
    store = new NodeTranscriptStore(root);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** A session whose file was last changed `minutesAgo`, so search order is controlled. */
  async function session(id: string, minutesAgo: number, messages: MessageParam[]) {
    const at = new Date(Date.UTC(2026, 10, 21, 12) - minutesAgo * 60_000);
    await store.writer(id).append([sessionHeader(id, '/w', 'claude-x', at), ...messages.map((m, i) => messageRecord(m, new Date(at.getTime() + i * 1000)))]);
    fs.utimesSync(path.join(root, `${id}.jsonl`), at, at);
  }
  const search = (query: string, o: Partial<NodeHistorySearchOptions> = {}) => searchHistory({ root, query, signal: new AbortController().signal, ...o });

  describe('format', () => {
    it('keeps every line before a torn last line and skips a garbage line in the middle', () => {
      const text = serializeRecord(sessionHeader('sess-0001', '/w')) + serializeRecord(messageRecord(user('one'))) + 'not json{\n' +
        serializeRecord(messageRecord(assistant('two'))) + '{"type":"future","x":1}\n' + serializeRecord(messageRecord(user('three'))).slice(0, 30);
      const t = parseTranscript(text);
      assert.equal(t.header?.id, 'sess-0001');
      assert.deepEqual(t.messages.map((m) => m.message.content), ['one', [{ type: 'text', text: 'two' }]]);
      assert.equal(t.skippedLines, 2); // the garbage line and the torn one; the unknown record type is not an error
    });

    it('appends as it happens: each append is readable at once, in call order', async () => {
      const w = store.writer('sess-0001');
      await w.append([sessionHeader('sess-0001', '/w')]);
      await w.append([messageRecord(user('first'))]);
      assert.equal((await store.read('sess-0001'))?.messages.length, 1);
      await Promise.all([w.append([messageRecord(user('a'))]), w.append([messageRecord(user('b'))]), w.append([messageRecord(user('c'))])]);
      assert.deepEqual((await store.read('sess-0001'))?.messages.map((m) => m.message.content), ['first', 'a', 'b', 'c']);
      assert.equal(fs.statSync(path.join(root, 'sess-0001.jsonl')).mode & 0o777, 0o600);
    });
  });

  describe('store', () => {
    it('lists newest first with size and first user text, and deletes', async () => {
      await session('older-0001', 60, [user('fix the parser'), assistant('ok')]);
      await session('newer-0001', 5, [user([{ type: 'text', text: 'add   a\ntest' }])]);
      const list = await store.list();
      assert.deepEqual(list.map((s) => [s.id, s.firstUserText]), [['newer-0001', 'add a test'], ['older-0001', 'fix the parser']]);
      assert.equal(list[1].sizeBytes, fs.statSync(path.join(root, 'older-0001.jsonl')).size);
      assert.equal(await store.delete('older-0001'), true);
      assert.equal(await store.delete('older-0001'), false);
      assert.deepEqual((await store.list()).map((s) => s.id), ['newer-0001']);
    });

    it('refuses ids that could name a path', async () => {
      fs.writeFileSync(path.join(root, '..', 'outside.jsonl'), '{}\n');
      for (const bad of ['../outside', 'a/b/c/d/e', 'short', '..%2Fx123']) {
        assert.throws(() => store.writer(bad), /invalid session id/);
        assert.equal(await store.read(bad), undefined);
        assert.equal(await store.delete(bad), false);
      }
      fs.writeFileSync(path.join(root, 'not a session.jsonl'), '{}\n');
      assert.deepEqual(await store.list(), []);
      fs.rmSync(path.join(root, '..', 'outside.jsonl'));
    });
  });

  for (const rgPath of [undefined, fs.existsSync(RG) ? RG : undefined]) {
    describe(`search (${rgPath ? 'ripgrep' : 'JavaScript'})`, () => {
      const s = (query: string, o: Partial<NodeHistorySearchOptions> = {}) => search(query, { rgPath, ...o });
      beforeEach(async () => {
        await session('old-session', 120, [user('The deploy script uses rsync'), assistant('I will check the deploy config')]);
        await session('mid-session', 60, [user('why does the parser fail?'),
          user([{ type: 'tool_result', tool_use_id: 't1', content: 'Error: Parser failed at line 12 "quoted"' }]), assistant('type text')]);
        await session('new-session', 1, [user('please deploy to staging with rsync --delete')]);
      });

      it('needs all keywords in one message, newest session first, ignoring case by default', async () => {
        const hits = await s('RSYNC deploy');
        assert.deepEqual(hits.map((h) => [h.sessionId, h.role]), [['new-session', 'user'], ['old-session', 'user']]);
        assert.match(hits[1].time, /^2026-11-21T10:00:00/);
        assert.deepEqual(await s('deploy parser'), []);
      });

      it('searches message text and tool results, not the JSON around them', async () => {
        assert.deepEqual(await s('tool_use_id'), []);
        assert.deepEqual((await s('type')).map((h) => h.snippet), ['type text']);
        const hits = await s('"quoted"');
        assert.deepEqual(hits.map((h) => [h.sessionId, h.role]), [['mid-session', 'tool']]);
      });

      it('honours case when asked', async () => {
        assert.equal((await s('parser', { caseSensitive: true })).length, 1);
        assert.equal((await s('Parser', { caseSensitive: true })).length, 1);
        assert.equal((await s('parser')).length, 2);
      });

      it('takes a regular expression', async () => {
        const hits = await s('line \\d+ "', { regex: true });
        assert.deepEqual(hits.map((h) => h.sessionId), ['mid-session']);
        assert.deepEqual((await s('^why does', { regex: true })).map((h) => h.sessionId), ['mid-session']);
        await assert.rejects(s('(unclosed', { regex: true }), SyntaxError);
      });

      it('cuts snippets to the context asked for, and stops at the limit', async () => {
        const [hit] = await s('staging', { contextChars: 5 });
        assert.equal(hit.snippet, '…y to staging with…');
        assert.deepEqual((await s('deploy', { limit: 1 })).map((h) => h.sessionId), ['new-session']);
      });

      it('stops when aborted', async () => {
        const ac = new AbortController();
        ac.abort();
        await assert.rejects(s('deploy', { signal: ac.signal }), /abort/i);
      });
    });
  }

  it('search_history formats hits and turns a bad regex into an error result', async () => {
    await session('abc-session', 1, [user('remember the flamingo')]);
    const tool = createSearchHistoryTool((o) => searchHistory({ root, ...o }));
    const ctx = { signal: new AbortController().signal } as any;
    const ok = await tool.run({ query: 'flamingo' }, ctx);
    assert.equal(ok.content, 'session abc-session (2026-11-21 11:59) user: remember the flamingo');
    assert.equal((await tool.run({ query: 'nothing-here' }, ctx)).content, 'No past session matches "nothing-here".');
    const bad = await tool.run({ query: '(x', regex: true }, ctx);
    assert.equal(bad.isError, true);
    assert.match(bad.content, /Invalid regular expression/);
  });
});
