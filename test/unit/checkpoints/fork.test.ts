import * as assert from 'node:assert/strict';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { forkHistory } from '../../../src/core/checkpoints/fork';
import { messageRecord, parseTranscript, resumeMessages, serializeRecord, type CompactionRecord } from '../../../src/core/session/transcript';

const user = (text: string): MessageParam => ({ role: 'user', content: text });
const answer = (text: string): MessageParam => ({ role: 'assistant', content: [{ type: 'text', text }] });

describe('forkHistory', () => {
  const m1 = user('first');
  const a1 = answer('one');
  const m2 = user('second');
  const a2 = answer('two');
  const summary = user('Summary of the conversation so far');
  const compaction: CompactionRecord = {
    type: 'compaction', time: new Date().toISOString(), trigger: 'manual', summarisedMessages: 4, tokensBefore: 100, tokensAfter: 10,
    head: [summary], kept: 0, appended: [],
  };
  const m3 = user('third');
  const a3 = answer('three');
  // The file as the recorder writes it: m1 a1 m2 a2, a compaction, then m3 a3.
  const transcript = parseTranscript([m1, a1, m2, a2].map((m) => serializeRecord(messageRecord(m))).join('') + serializeRecord(compaction) + [m3, a3].map((m) => serializeRecord(messageRecord(m))).join(''));

  it('from before a compaction boundary, the transcript gives the full earlier history back', () => {
    const live = resumeMessages(transcript);
    assert.deepEqual(live, [summary, m3, a3], 'the live history only has the summary');
    const fork = forkHistory({ sessionId: 's1', historyIndex: 2, message: m2, laterDuplicates: 0 }, { id: 's1', messages: live }, transcript)!;
    assert.deepEqual(fork.messages, [m1, a1]);
    assert.equal(fork.fromTranscript, true);
    assert.deepEqual(fork.records, [{ messages: [m1, a1] }]);
  });

  it('from after a compaction, the fork keeps the compaction (the model saw the summary) and its transcript records it', () => {
    const fork = forkHistory({ sessionId: 's1', historyIndex: 1, message: m3, laterDuplicates: 0 }, { id: 's1', messages: [] }, transcript)!;
    assert.deepEqual(fork.messages, [summary]);
    assert.equal(fork.records.length, 2);
    assert.deepEqual(fork.records[0], { messages: [m1, a1, m2, a2] });
    assert.equal(fork.records[1].event?.type, 'compaction');
    // Replaying the new transcript gives the same history.
    const replay = parseTranscript(fork.records.flatMap((r) => [...(r.event ? [serializeRecord({ ...r.event, time: 't' } as CompactionRecord)] : []), ...r.messages.map((m) => serializeRecord(messageRecord(m)))]).join(''));
    assert.deepEqual(resumeMessages(replay), fork.messages);
  });

  it('picks the right one of two equal messages by counting from the end', () => {
    const again = user('run the tests');
    const t = parseTranscript([again, answer('ok'), again, answer('ok again')].map((m) => serializeRecord(messageRecord(m))).join(''));
    const earlier = forkHistory({ sessionId: 's', historyIndex: 0, message: again, laterDuplicates: 1 }, { id: 's', messages: [] }, t)!;
    const later = forkHistory({ sessionId: 's', historyIndex: 2, message: again, laterDuplicates: 0 }, { id: 's', messages: [] }, t)!;
    assert.equal(earlier.messages.length, 0);
    assert.equal(later.messages.length, 2);
  });

  it('without a transcript, the live history serves while the message is still where it was sent', () => {
    const live = [m1, a1, m2, a2];
    const fork = forkHistory({ sessionId: 's1', historyIndex: 2, message: m2, laterDuplicates: 0 }, { id: 's1', messages: live })!;
    assert.deepEqual(fork.messages, [m1, a1]);
    assert.equal(fork.fromTranscript, false);
    // Compacted away (another object at that index) or another session: no fork rather than a wrong one.
    assert.equal(forkHistory({ sessionId: 's1', historyIndex: 0, message: m1, laterDuplicates: 0 }, { id: 's1', messages: [summary, m3] }), undefined);
    assert.equal(forkHistory({ sessionId: 'other', historyIndex: 2, message: m2, laterDuplicates: 0 }, { id: 's1', messages: live }), undefined);
  });
});
