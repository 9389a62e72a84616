/**
 * Runs one planned session (scenario.ts) for real: its own mock Messages API over HTTP, the real
 * SDK, a real Conversation with the real file and command tools in a temp workspace, a real JSONL
 * transcript on disk. Retry waits are recorded and skipped; a stalled stream is cut after
 * IDLE_TIMEOUT_MS. Returns what happened, for checks.ts to judge.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { z } from 'zod';
import { createAuthorizer } from '../../../src/core/agent/authorizer';
import type { AgentEvent, AgentOutcome } from '../../../src/core/agent/events';
import { Conversation } from '../../../src/core/session/conversation';
import { resumeMessages, transcriptRecorder } from '../../../src/core/session/transcript';
import { finalizeToolResult } from '../../../src/core/tools';
import { readFileTool } from '../../../src/core/tools/readFile';
import { runCommandTool } from '../../../src/core/tools/runCommand';
import { defineTool, type ToolDefinition } from '../../../src/core/tools/tool';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { NodeCommandRunner } from '../../../src/node/nodeCommandRunner';
import { NodeFileSearch } from '../../../src/node/nodeFileSearch';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { NodeTranscriptStore } from '../../../src/node/nodeTranscripts';
import { MockAnthropicServer, reply, type RecordedRequest } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess } from '../fakes';
import { EXHAUSTED, type SessionPlan } from './scenario';

/** Short, so a stalled stream costs little; long enough that a busy machine never trips it by accident. */
export const IDLE_TIMEOUT_MS = 1000;
export const SUMMARY_TEXT = 'SUMMARY-OF-EARLIER-WORK: files were written and commands were run.';

/** A tool with a bug: it throws (an Error, a TypeError, or not even an Error). */
export const explodeTool: ToolDefinition = defineTool({
  name: 'explode',
  description: 'A test tool that always throws.',
  input: z.object({ how: z.enum(['error', 'type_error', 'string']) }),
  readOnly: false,
  async run({ how }) {
    if (how === 'type_error') return (undefined as unknown as { x: () => never }).x();
    if (how === 'string') throw 'a thrown string'; // eslint-disable-line no-throw-literal
    throw new Error('the explode tool blew up');
  },
});

export interface TurnRun {
  outcome: AgentOutcome;
  /** History length before and after the prompt. */
  before: number;
  after: number;
  /** The messages the prompt added, as handed to the transcript recorder (JSON copies). */
  added: MessageParam[];
  events: AgentEvent[];
}

export interface SessionRun {
  plan: SessionPlan;
  root: string;
  cwd: string;
  transcripts: string;
  sessionId: string;
  turns: TurnRun[];
  history: MessageParam[];
  /** Requests to the mock: the loop's (with tools) and the summaries (without). */
  loopRequests: RecordedRequest[];
  summaryRequests: RecordedRequest[];
  /** How many scripted steps were served, and whether a request came after the script ran out. */
  servedCount: number;
  exhausted: boolean;
  waits: number[];
  compacted: boolean;
  /** The transcript file as the session left it (before the resume check added to it). */
  transcriptText: string | undefined;
  /** The resume check: a new Conversation from the transcript, one more request. */
  resume?: { restored: MessageParam[]; request?: RecordedRequest; outcome: AgentOutcome };
  log: MemoryLogger;
}

const json = <T>(v: T): T => JSON.parse(JSON.stringify(v));

export async function runSession(plan: SessionPlan): Promise<SessionRun> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-fault-')));
  const cwd = path.join(root, 'ws');
  const transcripts = path.join(root, 'transcripts');
  fs.mkdirSync(cwd, { recursive: true });
  for (const [p, text] of Object.entries(plan.seeds)) fs.writeFileSync(path.join(cwd, p), text);

  let served = 0;
  let exhausted = false;
  let resumeReply = false;
  const mock = await MockAnthropicServer.start({
    apiKeys: ['test-key'],
    fallback: (body) => {
      if (!body.tools) return reply(`<summary>${SUMMARY_TEXT}</summary>`); // a compaction's summary request
      if (resumeReply) return reply('Resumed and carrying on.');
      const next = plan.served[served];
      if (!next) {
        exhausted = true;
        return EXHAUSTED;
      }
      served++;
      return next.step;
    },
  });
  const log = new MemoryLogger();
  const commands = new NodeCommandRunner();
  const waits: number[] = [];
  const build = (store: NodeTranscriptStore, resumed?: string) => {
    const files = new NodeFileSystem();
    const search = new NodeFileSearch({ ripgrep: false });
    const permissions = () => ({ mode: 'bypass' as const, rules: { allow: [], ask: [], deny: [] }, roots: [cwd], trusted: true, home: root });
    let convo: Conversation;
    const authorize = createAuthorizer({ permissions, sessionRules: [], log, turnRules: () => convo.session.turnRules });
    convo = new Conversation({
      access: fakeAccess(mock.url),
      log,
      tools: [readFileTool, writeFileTool, runCommandTool, explodeTool],
      record: recording(transcriptRecorder(store, { cwd, model: () => 'claude-test' }, resumed)),
      toolContext: (signal, progress, session) => ({
        cwd, roots: [cwd], signal, fs: files, search, commands, session, log, progress,
        authorize: (request) => authorize(request, signal),
      }),
      finalizeResult: (result, name, session) => finalizeToolResult(result, name, session, files),
      sessionDir: (id) => path.join(transcripts, id),
      compaction: () => ({ sessionNotes: false }),
      options: {
        idleTimeoutMs: IDLE_TIMEOUT_MS,
        sleep: async (ms, signal) => {
          waits.push(ms);
          await new Promise((r) => setImmediate(r));
          return !signal.aborted;
        },
      },
    });
    return convo;
  };

  // What the Conversation hands to its recorder during each prompt (copies), beside the file.
  let recordedNow: MessageParam[] = [];
  const recording = (inner: ReturnType<typeof transcriptRecorder>): ReturnType<typeof transcriptRecorder> => async (id, messages, event) => {
    recordedNow.push(...json(messages));
    await inner(id, messages, event);
  };
  const store = new NodeTranscriptStore(transcripts);
  const convo = build(store);
  const turns: TurnRun[] = [];
  let compacted = false;
  let run: SessionRun | undefined;
  try {
    for (const turn of plan.turns) {
      const abort = new AbortController();
      const events: AgentEvent[] = [];
      const before = convo.messages.length;
      recordedNow = [];
      const outcome = await convo.send(turn.prompt, abort.signal, (e) => {
        events.push(e);
        if (e.type === 'compaction') compacted = true;
        // The user presses Stop once the hanging command has printed that it started.
        if (e.type === 'tool_progress' && e.id === turn.abortOnCall) abort.abort();
      });
      turns.push({ outcome, before, after: convo.messages.length, added: recordedNow, events });
      if (outcome.state !== 'completed') break;
    }
    await convo.settled();
    const history = json([...convo.messages]);
    const loopRequests = mock.requests.filter((q) => q.body.tools);
    const summaryRequests = mock.requests.filter((q) => !q.body.tools);
    const file = path.join(transcripts, `${convo.id}.jsonl`);
    run = {
      plan, root, cwd, transcripts, sessionId: convo.id, turns, history, loopRequests, summaryRequests,
      servedCount: served, exhausted, waits, compacted, log, transcriptText: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined,
    };

    // Resume: a new Conversation restored from the file, as --resume and the sessions view do.
    const parsed = await new NodeTranscriptStore(transcripts).read(convo.id);
    if (parsed) {
      const restored = resumeMessages(parsed);
      recordedNow = []; // the last prompt's record is complete
      const again = build(new NodeTranscriptStore(transcripts), convo.id);
      const last = parsed.messages.at(-1);
      again.restore(restored, convo.id, { lastActivityAt: last ? Date.parse(last.time) : undefined, cleared: parsed.cleared }); // as the CLI does
      resumeReply = true;
      const count = mock.requests.length;
      const ctl = new AbortController().signal;
      const outcome = again.awaitingAnswer ? await again.retry(ctl) : await again.send('Carry on from where we were.', ctl);
      run.resume = { restored: json(restored), request: mock.requests.slice(count).find((q) => q.body.tools), outcome };
    }
    return run;
  } finally {
    commands.dispose();
    await mock.close();
  }
}

export function cleanup(run: SessionRun): void {
  fs.rmSync(run.root, { recursive: true, force: true });
}
