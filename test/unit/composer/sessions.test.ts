import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { INTERRUPTED_RESULT } from '../../../src/core/agent/toolRunner';
import { messageRecord, parseTranscript, serializeRecord, sessionHeader, type CompactionRecord } from '../../../src/core/session/transcript';
import { NodeTranscriptStore } from '../../../src/node/nodeTranscripts';
import { entriesFromTranscript, typedText } from '../../../src/host/sessions/sessionEntries';
import { SessionService, TITLES_FILE } from '../../../src/host/sessions/sessionService';

const user = (content: MessageParam['content']): MessageParam => ({ role: 'user', content });
const assistant = (content: MessageParam['content']): MessageParam => ({ role: 'assistant', content });

function transcript(messages: MessageParam[], compactionAt?: number): string {
  let text = serializeRecord(sessionHeader('sess-00000001', '/w'));
  messages.forEach((m, i) => {
    if (i === compactionAt) {
      const c: CompactionRecord = { type: 'compaction', time: new Date().toISOString(), trigger: 'manual', summarisedMessages: 2, tokensBefore: 5000, tokensAfter: 900, head: [user('## Summary\nWe fixed the parser.')], kept: 0, appended: [] };
      text += serializeRecord(c);
    }
    text += serializeRecord(messageRecord(m));
  });
  return text;
}

describe('sessions: rebuilding the panel from a transcript', () => {
  it('shows what the user typed, the answers, and a tool card per call with the result of its tool_result', () => {
    const parsed = parseTranscript(transcript([
      user([{ type: 'text', text: '<system-reminder>\nMEMORY.md: ...\n</system-reminder>' }, { type: 'text', text: 'Fix @math.js please\n\n[@math.js] Contents of math.js:\n```js\nx\n```' }]),
      assistant([{ type: 'text', text: 'Reading it.' }, { type: 'tool_use', id: 'toolu_1', name: 'read_file', input: { path: 'math.js' } }, { type: 'tool_use', id: 'toolu_2', name: 'run_command', input: { command: 'node test.js\nmore' } }]),
      user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'function add() {}' }, { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'FAIL' }], is_error: true }]),
      assistant([{ type: 'tool_use', id: 'toolu_3', name: 'edit_file', input: { path: 'math.js' } }]),
      user([{ type: 'tool_result', tool_use_id: 'toolu_3', content: INTERRUPTED_RESULT, is_error: true }]),
      assistant('Fixed.'),
      assistant([{ type: 'tool_use', id: 'toolu_4', name: 'grep', input: { pattern: 'add' } }]),
    ]));
    let n = 0;
    const entries = entriesFromTranscript(parsed, () => `r${++n}`);
    assert.deepEqual(entries.map((e) => [e.role, e.role === 'tool' ? `${e.name}:${e.status}:${e.summary}` : 'text' in e ? e.text : '']), [
      ['user', 'Fix @math.js please'],
      ['assistant', 'Reading it.'],
      ['tool', 'read_file:done:math.js'],
      ['tool', 'run_command:error:node test.js'],
      ['tool', 'edit_file:interrupted:math.js'],
      ['assistant', 'Fixed.'],
      ['tool', 'grep:interrupted:add'],
    ]);
    const read = entries[2];
    assert.ok(read.role === 'tool' && read.output === 'function add() {}' && read.id === 'toolu_1');
    assert.equal(new Set(entries.map((e) => e.id)).size, entries.length, 'ids are unique');
  });

  it('puts a compaction divider where the conversation was compacted, with its summary', () => {
    const parsed = parseTranscript(transcript([user('one'), assistant('two'), user('three'), assistant('four')], 2));
    const entries = entriesFromTranscript(parsed, (() => { let n = 0; return () => `r${++n}`; })());
    assert.deepEqual(entries.map((e) => e.role), ['user', 'assistant', 'compaction', 'user', 'assistant']);
    const divider = entries[2];
    assert.ok(divider.role === 'compaction' && divider.trigger === 'manual' && /We fixed the parser/.test(divider.summary) && divider.tokensAfter === 900);
  });

  it('takes reminders off the front and only attachments of mentions in the text off the end', () => {
    assert.equal(typedText('<system-reminder>a</system-reminder>\nhello'), 'hello');
    assert.equal(typedText('look at @a.js\n\n[@a.js] Contents of a.js:\n```\n1\n```'), 'look at @a.js');
    assert.equal(typedText('a literal\n\n[@b.js] that was typed'), 'a literal\n\n[@b.js] that was typed', 'no @b.js before it: kept');
  });
});

describe('sessions: list, search, rename, delete', () => {
  let dir: string;
  let service: SessionService;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-sessions-'));
    service = new SessionService({ dir: () => dir });
    const store = new NodeTranscriptStore(dir);
    const add = async (id: string, day: number, messages: MessageParam[]) => {
      const at = new Date(Date.UTC(2026, 0, day));
      await store.writer(id).append([sessionHeader(id, '/w', 'm', at), ...messages.map((m) => messageRecord(m, at))]);
    };
    await add('older-000001', 1, [user([{ type: 'text', text: '<system-reminder>memory</system-reminder>' }, { type: 'text', text: 'fix the parser' }]), assistant('The tokenizer was wrong.')]);
    await add('newer-000001', 2, [user('add a test'), assistant('Added test/parse.test.ts.')]);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists newest first, titled by the first typed message (not the reminder), with date and size', async () => {
    const list = await service.list('', 'newer-000001');
    assert.deepEqual(list.map((s) => [s.id, s.title, s.current]), [['newer-000001', 'add a test', true], ['older-000001', 'fix the parser', false]]);
    assert.equal(list[1].startedAt, '2026-01-01T00:00:00.000Z');
    assert.equal(list[1].sizeBytes, fs.statSync(path.join(dir, 'older-000001.jsonl')).size);
  });

  it('searches the messages (with a snippet) and the titles', async () => {
    const hits = await service.list('tokenizer');
    assert.deepEqual(hits.map((s) => s.id), ['older-000001']);
    assert.match(hits[0].snippet!, /tokenizer was wrong/);
    await service.rename('newer-000001', 'Release checklist');
    assert.deepEqual((await service.list('checklist')).map((s) => s.id), ['newer-000001'], 'a title match counts');
    assert.deepEqual(await service.list('nothing-like-this'), []);
  });

  it('renames into a versioned sidecar (the transcript is untouched); an empty title goes back to the first message', async () => {
    const before = fs.readFileSync(path.join(dir, 'older-000001.jsonl'), 'utf8');
    await Promise.all([service.rename('older-000001', '  Parser   bug '), service.rename('newer-000001', 'Tests')]);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, TITLES_FILE), 'utf8')), { version: 1, titles: { 'older-000001': 'Parser bug', 'newer-000001': 'Tests' } });
    assert.equal(fs.readFileSync(path.join(dir, 'older-000001.jsonl'), 'utf8'), before);
    assert.deepEqual((await service.list('')).map((s) => s.title), ['Tests', 'Parser bug']);
    await service.rename('older-000001', '');
    assert.deepEqual((await service.list('')).map((s) => s.title), ['Tests', 'fix the parser']);
    await assert.rejects(service.rename('../../etc/passwd', 'x'), /invalid session id/);
  });

  it('deletes the transcript and its title; a corrupt titles file is ignored', async () => {
    await service.rename('older-000001', 'Parser bug');
    assert.equal(await service.delete('older-000001'), true);
    assert.ok(!fs.existsSync(path.join(dir, 'older-000001.jsonl')));
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, TITLES_FILE), 'utf8')).titles, {});
    assert.equal(await service.delete('older-000001'), false);
    fs.writeFileSync(path.join(dir, TITLES_FILE), '{not json');
    assert.deepEqual((await service.list('')).map((s) => s.title), ['add a test']);
  });
});
