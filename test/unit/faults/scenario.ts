/**
 * The fault suite's script generator: from a seed, one multi-prompt session (tool rounds with real
 * file and command tools, then a final answer per prompt) with 1–3 faults of the 9 kinds placed at
 * random points, and what the agent loop must make of them: the end state of each prompt, the
 * exact scripted steps the mock serves, the retry waits, the partial answers that must never be
 * kept. The expected states follow the loop's documented rules (10 retries, retry-after up to 10
 * minutes, one reactive compaction and one max_tokens escalation per run, 3 "continue" nudges).
 */
import type { EndState } from '../../../src/core/agent/events';
import { apiError, overloaded, promptTooLong, rateLimited, reply, serverError, type MockBlock, type MockStep } from '../../fixtures/mockAnthropic';
import { rng } from '../../../bench/random';

export const FAULT_KINDS = [
  'rate_limit_429', 'overloaded_529', 'server_500', 'dropped_stream', 'stalled_stream',
  'prompt_too_long', 'max_tokens', 'tool_throws', 'command_hangs',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
const TOOL_KINDS: FaultKind[] = ['tool_throws', 'command_hangs'];

export interface PlannedCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  /** What its tool_result must say. */
  expect: { isError: boolean; contains: string };
  /** A file the call leaves in the workspace (path relative to it, content). */
  leaves?: { path: string; content: string };
}

/** One scripted response the mock serves (a fault's error or cut answer, or the real step). */
export interface Served {
  step: MockStep;
  /** The real step of the script, not a fault. */
  real: boolean;
  /** Set on the step right after a first max_tokens cut: its request must ask for 64,000 tokens. */
  escalatedRequest?: boolean;
}

export interface PlannedTurn {
  prompt: string;
  expectedState: EndState;
  /** Tool calls whose results must be in the history, with what they say. */
  calls: PlannedCall[];
  /** Abort the run when this tool call starts (the user presses Stop during a hanging command). */
  abortOnCall?: string;
}

export interface InjectedFault {
  kind: FaultKind;
  variant: string;
  prompt: number;
}

export interface SessionPlan {
  seed: number;
  turns: PlannedTurn[];
  /** Everything the mock serves to the agent loop's requests, in order. */
  served: Served[];
  faults: InjectedFault[];
  /** Retry waits that must have been asked for exactly (a server's retry-after). */
  exactWaits: number[];
  /** Backoff waits: the attempt number of each (500 ms doubling, up to 25% jitter). */
  backoffAttempts: number[];
  /** Summary requests (reactive compaction) the mock must receive. */
  summaries: number;
  /** Text that reached the client in a response that must not be kept in the history. */
  neverKept: string[];
  /** Text of cut answers that must be kept (max_tokens after the escalation). */
  kept: string[];
  /** Seed files in the workspace: path -> content. */
  seeds: Record<string, string>;
  expectedState: EndState;
}

/** A session of 2–4 prompts with 1–3 faults; see the header. */
export function planSession(seed: number): SessionPlan {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const tag = `s${seed}`;
  const seeds: Record<string, string> = {};

  // 1. The script without faults: per prompt, 0–3 tool rounds of 1–2 calls, then an answer.
  let n = 0;
  const call = (): PlannedCall => {
    const id = `toolu_${tag}_${n++}`;
    const which = int(0, 3);
    if (which === 0) {
      const p = `out/${id}.txt`;
      const content = `written by ${id}\n`;
      return { id, name: 'write_file', input: { path: p, content }, expect: { isError: false, contains: '' }, leaves: { path: p, content } };
    }
    if (which === 1) {
      // A file of its own: a second read of an unchanged file is answered "unchanged", by design.
      const p = `seed-${id}.txt`;
      seeds[p] = `${pick(['alpha', 'beta', 'gamma'])} ${id}\n`;
      return { id, name: 'read_file', input: { path: p }, expect: { isError: false, contains: seeds[p].trim() } };
    }
    if (which === 2) return { id, name: 'run_command', input: { command: `echo ran-${id}` }, expect: { isError: false, contains: `ran-${id}` } };
    const p = `cmd/${id}.txt`;
    return {
      id, name: 'run_command', input: { command: `mkdir -p cmd && echo made-${id} > ${p} && cat ${p}` },
      expect: { isError: false, contains: `made-${id}` }, leaves: { path: p, content: `made-${id}\n` },
    };
  };
  interface Step { prompt: number; calls: PlannedCall[]; text: string }
  const prompts = int(2, 4);
  const steps: Step[] = [];
  for (let p = 0; p < prompts; p++) {
    for (let round = int(0, 3); round > 0; round--) steps.push({ prompt: p, calls: Array.from({ length: int(1, 2) }, call), text: '' });
    steps.push({ prompt: p, calls: [], text: `Answer ${p + 1} of ${tag}.` });
  }

  // 2. Faults at distinct points: a request point is a step's request, a tool point one of its calls.
  type Placed = { kind: FaultKind; step: number; call?: number };
  const placed: Placed[] = [];
  const used = new Set<string>();
  for (let i = int(1, 3); i > 0; i--) {
    for (let tries = 0; tries < 20; tries++) {
      let kind = pick(FAULT_KINDS);
      const step = int(0, steps.length - 1);
      if (TOOL_KINDS.includes(kind) && steps[step].calls.length === 0) {
        const withCalls = steps.map((s, j) => (s.calls.length ? j : -1)).filter((j) => j >= 0);
        if (!withCalls.length) kind = pick(FAULT_KINDS.filter((k) => !TOOL_KINDS.includes(k)));
        else {
          const s = pick(withCalls);
          const c = int(0, steps[s].calls.length - 1);
          if (used.has(`${s}.${c}`)) continue;
          used.add(`${s}.${c}`);
          placed.push({ kind, step: s, call: c });
          break;
        }
      }
      if (TOOL_KINDS.includes(kind)) {
        const c = int(0, steps[step].calls.length - 1);
        if (used.has(`${step}.${c}`)) continue;
        used.add(`${step}.${c}`);
        placed.push({ kind, step, call: c });
        break;
      }
      if (used.has(`${step}`)) continue;
      used.add(`${step}`);
      placed.push({ kind, step });
      break;
    }
  }
  placed.sort((a, b) => a.step - b.step || (a.call ?? -1) - (b.call ?? -1));

  // 3. Walk the script as the loop will, serving each fault before (or inside) its step.
  const plan: SessionPlan = {
    seed, turns: [], served: [], faults: [], exactWaits: [], backoffAttempts: [], summaries: 0,
    neverKept: [], kept: [], seeds, expectedState: 'completed',
  };
  const turns: PlannedTurn[] = Array.from({ length: prompts }, (_, p) => ({ prompt: `Task ${p + 1} for ${tag}: do the next part.`, expectedState: 'completed' as EndState, calls: [] }));
  let turnState = { escalated: false, nudges: 0, reactive: false, prompt: -1 };
  let ended: EndState | undefined;
  let grown = false; // has the history more than the first user message?
  const serveError = (step: MockStep, times: number) => {
    for (let i = 0; i < times; i++) plan.served.push({ step, real: false });
  };
  for (let s = 0; s < steps.length && !ended; s++) {
    const step = steps[s];
    if (turnState.prompt !== step.prompt) turnState = { escalated: false, nudges: 0, reactive: false, prompt: step.prompt };
    const here = placed.filter((f) => f.step === s);
    let escalatedNext = false;
    for (const f of here.filter((x) => x.call === undefined)) {
      const fault = (variant: string) => plan.faults.push({ kind: f.kind, variant, prompt: step.prompt });
      switch (f.kind) {
        case 'rate_limit_429': {
          if (r() < 0.15) { // asks for an hour: more than the loop will wait
            fault('retry-after 3600 s');
            serveError(rateLimited(3600), 1);
            ended = 'model_error';
          } else {
            const secs = int(1, 30);
            fault('retry-after');
            serveError(rateLimited(secs), 1);
            plan.exactWaits.push(secs * 1000);
          }
          break;
        }
        case 'overloaded_529':
        case 'server_500': {
          const make = f.kind === 'overloaded_529' ? () => overloaded() : serverError;
          const times = r() < 0.2 ? 11 : int(1, 3);
          fault(times === 11 ? '11 in a row' : `${times} then ok`);
          serveError(make(), times);
          for (let a = 1; a <= Math.min(times, 10); a++) plan.backoffAttempts.push(a);
          if (times === 11) ended = 'model_error';
          break;
        }
        case 'dropped_stream':
        case 'stalled_stream': {
          const marker = `PARTIAL-${f.kind}-${tag}-${s}`;
          const text = `${marker} this answer never finishes arriving, so it must not be kept`;
          const after = int(3, 6); // message_start, ping, block start, then a few deltas
          fault(`after ${after} events`);
          plan.served.push({ step: { kind: f.kind === 'dropped_stream' ? 'drop' : 'stall', afterEvents: after, content: [{ type: 'text', text }], chunkSize: 8 }, real: false });
          plan.neverKept.push(marker);
          plan.backoffAttempts.push(1);
          break;
        }
        case 'prompt_too_long': {
          if (!grown) { // the session's first request: only the user's message, nothing older to summarise
            fault('first request: nothing to compact');
            serveError(promptTooLong(), 1);
            ended = 'prompt_too_long';
            break;
          }
          if (turnState.reactive) { // the one reactive compaction of this run is used up
            fault('again in the same run');
            serveError(promptTooLong(), 1);
            ended = 'prompt_too_long';
            break;
          }
          const twice = r() < 0.3;
          fault(twice ? 'still too long after compacting' : 'once, then compacted');
          serveError(promptTooLong(), twice ? 2 : 1);
          plan.summaries++;
          turnState.reactive = true;
          if (twice) ended = 'prompt_too_long';
          break;
        }
        case 'max_tokens': {
          const cuts = r() < 0.2 ? 5 : int(1, 2);
          fault(cuts === 5 ? 'cut 5 times' : `cut ${cuts}x`);
          for (let c = 0; c < cuts && !ended; c++) {
            const marker = `CUT-${tag}-${s}-${c}`;
            plan.served.push({ step: reply(`${marker} an answer that stops at the limit`, { stopReason: 'max_tokens' }), real: false, escalatedRequest: escalatedNext });
            escalatedNext = false;
            if (!turnState.escalated) {
              turnState.escalated = true;
              escalatedNext = true;
              plan.neverKept.push(marker);
            } else {
              plan.kept.push(marker);
              grown = true;
              if (turnState.nudges >= 3) ended = 'max_tokens';
              else turnState.nudges++;
            }
          }
          break;
        }
        default:
          throw new Error(`not a request fault: ${f.kind}`);
      }
    }
    if (ended) {
      turns[step.prompt].expectedState = ended;
      break;
    }

    // The real step, with its tool faults.
    const turn = turns[step.prompt];
    const calls = step.calls.map((c, i) => {
      const f = here.find((x) => x.call === i);
      if (!f) return c;
      if (f.kind === 'tool_throws') {
        const how = pick(['error', 'type_error', 'string']);
        plan.faults.push({ kind: f.kind, variant: `throws ${how}`, prompt: step.prompt });
        return { id: c.id, name: 'explode', input: { how }, expect: { isError: true, contains: 'failed unexpectedly' } };
      }
      const stop = r() < 0.25 && !turn.abortOnCall;
      plan.faults.push({ kind: f.kind, variant: stop ? 'user stops it' : 'times out', prompt: step.prompt });
      if (stop) turn.abortOnCall = c.id;
      return {
        id: c.id, name: 'run_command', input: { command: `echo started-${c.id}; sleep 30`, timeout_ms: 1000 },
        expect: stop ? { isError: true, contains: 'interrupted' } : { isError: true, contains: 'timed out after 1 s' },
      };
    });
    const content: MockBlock[] = step.calls.length
      ? calls.map((c) => ({ type: 'tool_use' as const, id: c.id, name: c.name, input: c.input }))
      : [{ type: 'text', text: step.text }];
    plan.served.push({ step: { kind: 'message', content }, real: true, escalatedRequest: escalatedNext });
    grown = true;
    if (step.calls.length) turnState.nudges = 0;
    const abortAt = turn.abortOnCall ? calls.findIndex((c) => c.id === turn.abortOnCall) : -1;
    calls.forEach((c, i) => {
      if (abortAt >= 0 && i > abortAt) turn.calls.push({ ...c, expect: { isError: true, contains: 'Interrupted by the user' }, leaves: undefined });
      else turn.calls.push(c);
    });
    if (abortAt >= 0) {
      ended = 'aborted_tools';
      turn.expectedState = ended;
    }
  }
  plan.turns = ended ? turns.slice(0, turns.findIndex((t) => t.expectedState !== 'completed') + 1) : turns;
  plan.expectedState = ended ?? 'completed';
  return plan;
}

/** The error a script exhausted by an unexpected extra request gets (so the test sees it). */
export const EXHAUSTED = apiError(400, 'invalid_request_error', 'FAULT SUITE: the script has no step for this request');
