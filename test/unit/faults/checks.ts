/**
 * What every fault session must show (faultSessions.test.ts runs them): the named end state the
 * injected faults call for; a transcript on disk that parses, with every tool_use answered; an
 * in-memory history the API would accept; every prompt that completed still there (verbatim in
 * the history unless a compaction summarised it, always in the transcript); the exact requests,
 * waits and escalations the faults call for; no half-streamed answer kept; the files the completed
 * tool calls wrote; and a resume from the transcript that sends the same conversation again.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONTINUE_NUDGE, ESCALATED_MAX_TOKENS } from '../../../src/core/agent/loop';
import { groupByRound, unpairedToolIds } from '../../../src/core/compaction/groups';
import { parseTranscript, resumeMessages } from '../../../src/core/session/transcript';
import { historyProblem, plainMessages } from '../../fixtures/mockAnthropic';
import type { SessionRun } from './world';

const text = (m: MessageParam): string => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Messages as sent, without cache markers; a lone text block reads as a string (the API treats both alike). */
function wire(messages: any[]): any[] {
  return plainMessages(messages).map((m) => (Array.isArray(m.content) && m.content.length === 1 && m.content[0].type === 'text' && Object.keys(m.content[0]).length === 2 ? { ...m, content: m.content[0].text } : m));
}

/** Every problem found in one session; empty when it behaved. */
export function problemsOf(run: SessionRun): string[] {
  const out: string[] = [];
  const fail = (m: string) => out.push(m);
  const { plan } = run;

  // 1. The named end state of each prompt, as the faults call for.
  const states = run.turns.map((t) => t.outcome.state);
  const expected = plan.turns.map((t) => t.expectedState);
  if (!same(states, expected)) fail(`end states ${states.join(',')} but expected ${expected.join(',')}`);

  // 2. Exactly the scripted responses were used, and summaries only for reactive compactions.
  if (run.exhausted) fail('the loop made more requests than the script had steps for');
  if (run.servedCount !== plan.served.length) fail(`served ${run.servedCount} of ${plan.served.length} scripted steps`);
  if (run.summaryRequests.length !== plan.summaries) fail(`${run.summaryRequests.length} summary requests, expected ${plan.summaries}`);
  if (run.compacted !== plan.summaries > 0) fail(`compacted=${run.compacted} with ${plan.summaries} expected compactions`);
  plan.served.forEach((s, i) => {
    const q = run.loopRequests[i];
    if (s.escalatedRequest && q && q.body.max_tokens !== ESCALATED_MAX_TOKENS) fail(`request ${i} after a max_tokens cut asked for ${q.body.max_tokens} tokens, not ${ESCALATED_MAX_TOKENS}`);
  });
  for (const q of run.loopRequests) {
    const bad = historyProblem(q.body.messages);
    if (bad) fail(`a request was invalid: ${bad}`);
  }
  // A reactive compaction keeps the round the model was answering verbatim (the older part is summarised).
  plan.served.forEach((s, i) => {
    const retry = run.loopRequests[i + 1];
    if (s.step.kind !== 'error' || !/prompt is too long/.test(s.step.message) || !retry || plan.served[i - 1]?.step === s.step) return;
    const failed = wire(run.loopRequests[i].body.messages);
    const group = groupByRound(failed).at(-1)!.messages;
    const sent = wire(retry.body.messages);
    const last = sent.at(-1)!;
    const kept = group.length === 1 && group[0].role === 'user'
      ? last.role === 'user' && JSON.stringify(last.content).includes(JSON.stringify(typeof group[0].content === 'string' ? group[0].content : group[0].content.at(-1)))
      : same(sent.slice(-group.length), group);
    if (!kept) fail(`after the reactive compaction at request ${i} the latest round was not kept verbatim`);
  });

  // 3. Waits: a server's retry-after exactly; otherwise 500 ms doubling with up to 25% jitter.
  const waits = [...run.waits];
  for (const ms of plan.exactWaits) {
    const i = waits.indexOf(ms);
    if (i < 0) fail(`no wait of ${ms} ms (the server's retry-after) among ${run.waits.join(',')}`);
    else waits.splice(i, 1);
  }
  for (const attempt of plan.backoffAttempts) {
    const base = Math.min(500 * 2 ** (attempt - 1), 32_000);
    const i = waits.findIndex((w) => w >= base && w <= base * 1.25);
    if (i < 0) fail(`no backoff wait for attempt ${attempt} (${base}..${base * 1.25} ms) among ${run.waits.join(',')}`);
    else waits.splice(i, 1);
  }
  if (waits.length) fail(`unexpected waits: ${waits.join(',')}`);

  // 4. The history the next request will send is valid.
  const problem = historyProblem(run.history);
  if (problem) fail(`history invalid: ${problem}`);
  const unpaired = unpairedToolIds(run.history);
  if (unpaired.uses.length || unpaired.results.length) fail(`history has unpaired tool ids: ${JSON.stringify(unpaired)}`);

  // 5. The transcript parses, answers every tool_use, and is the history (after its compactions).
  const parsed = run.transcriptText === undefined ? undefined : parseTranscript(run.transcriptText);
  if (!parsed) return [...out, 'no transcript on disk'];
  if (parsed.skippedLines) fail(`${parsed.skippedLines} transcript lines did not parse`);
  if (parsed.header?.id !== run.sessionId) fail('transcript header missing or for another session');
  const all = parsed.messages.map((r) => r.message);
  const allPairs = unpairedToolIds(all);
  if (allPairs.uses.length || allPairs.results.length) fail(`transcript has unpaired tool ids: ${JSON.stringify(allPairs)}`);
  const resumed = resumeMessages(parsed);
  if (!same(resumed, run.history)) fail('the transcript does not resume to the in-memory history');
  if (!run.compacted && !same(all, run.history)) fail('without a compaction the transcript messages differ from the history');

  // 6. No completed prompt is lost: its messages stay in the transcript, and in the history unless summarised.
  for (const [i, t] of run.turns.entries()) {
    if (t.outcome.state !== 'completed') continue;
    const first = all.findIndex((m) => same(m, t.added[0]));
    if (first < 0 || !same(all.slice(first, first + t.added.length), t.added)) fail(`prompt ${i + 1} (completed) is not in the transcript as it was`);
    const summarised = run.turns.slice(i).some((later) => later.events.some((e) => e.type === 'compaction'));
    if (!summarised && !same(run.history.slice(t.before, t.after), t.added)) fail(`prompt ${i + 1} (completed) is no longer in the history`);
    if (t.added.at(-1)?.role !== 'assistant') fail(`prompt ${i + 1} completed without an answer last`);
  }

  // 7. Every planned tool call has its result, saying what it should; files the calls wrote exist.
  const results = new Map<string, { content: string; isError: boolean }>();
  for (const m of all) {
    if (typeof m.content === 'string') continue;
    for (const b of m.content) if (b.type === 'tool_result') results.set(b.tool_use_id, { content: String(b.content), isError: b.is_error === true });
  }
  for (const call of plan.turns.flatMap((t) => t.calls)) {
    const r = results.get(call.id);
    if (!r) fail(`${call.name} ${call.id} has no result`);
    else if (r.isError !== call.expect.isError || !r.content.includes(call.expect.contains)) {
      fail(`${call.name} ${call.id}: result ${JSON.stringify(r).slice(0, 300)} but expected isError=${call.expect.isError} containing ${JSON.stringify(call.expect.contains)}`);
    } else if (call.leaves) {
      const p = path.join(run.cwd, call.leaves.path);
      if (!fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== call.leaves.content) fail(`${call.id} should have left ${call.leaves.path}`);
    }
  }

  // 8. Half-streamed and discarded answers are never kept; cut answers after the escalation are, with a nudge each.
  const everything = [...all, ...run.history].map(text).join('\n');
  for (const marker of plan.neverKept) if (everything.includes(marker)) fail(`${marker} (an answer that never completed) was kept`);
  for (const marker of plan.kept) if (!all.some((m) => m.role === 'assistant' && text(m).includes(marker))) fail(`${marker} (a cut answer after the escalation) was not kept`);
  const nudges = all.filter((m) => m.role === 'user' && text(m).includes(CONTINUE_NUDGE)).length;
  if (nudges !== plan.kept.length - (plan.expectedState === 'max_tokens' ? 1 : 0)) fail(`${nudges} continue nudges for ${plan.kept.length} kept cut answers`);

  // 9. Resuming from the transcript sends exactly the saved conversation, and the API accepts it.
  if (!run.resume) fail('no resume check ran');
  else {
    const { restored, request, outcome } = run.resume;
    if (!same(restored, run.history)) fail('the restored conversation differs from the history');
    if (!request) fail('the resumed conversation sent no request');
    else if (!same(wire(request.body.messages).slice(0, restored.length), wire(restored))) fail('the resumed request does not start with the restored conversation');
    if (outcome.state !== 'completed') fail(`the resumed conversation ended ${outcome.state}: ${outcome.error?.detail ?? ''}`);
  }
  return out;
}
