/**
 * Issue 10's fault suite: 240 seeded sessions, each several prompts of real tool work against a
 * mock API over HTTP, with 1–3 faults (429 with retry-after, 529, 500, a dropped stream, a stalled
 * stream, "prompt is too long", an answer cut at max_tokens, a tool that throws, a command that
 * hangs) at random points. Every session must end in the named state its faults call for, with a
 * valid transcript and history and no completed prompt lost (checks.ts). Prints the figures.
 *   FAULT_SESSIONS=N, FAULT_SEED=S (the first seed), FAULT_ONLY=S (one session) to reproduce.
 */
import * as assert from 'node:assert/strict';
import { FAULT_KINDS, planSession, type FaultKind } from './scenario';
import { problemsOf } from './checks';
import { cleanup, runSession, type SessionRun } from './world';

const SESSIONS = Number(process.env.FAULT_SESSIONS ?? 240);
const FIRST_SEED = Number(process.env.FAULT_SEED ?? 10_000);
const PARALLEL = 8;

async function pool<T>(items: number[], work: (n: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  }));
  return out;
}

describe('fault suite: scripted sessions with injected faults (issue 10)', function () {
  this.timeout(180_000);

  it('the generator injects every kind of fault, terminal and recoverable, 1–3 per session', () => {
    const plans = Array.from({ length: SESSIONS }, (_, i) => planSession(FIRST_SEED + i));
    const kinds = new Set(plans.flatMap((p) => p.faults.map((f) => f.kind)));
    assert.deepEqual([...kinds].sort(), [...FAULT_KINDS].sort());
    for (const p of plans) assert.ok(p.faults.length >= 1 && p.faults.length <= 3, `seed ${p.seed}: ${p.faults.length} faults`);
    const states = new Set(plans.map((p) => p.expectedState));
    for (const s of ['completed', 'model_error', 'prompt_too_long', 'max_tokens', 'aborted_tools']) assert.ok(states.has(s as never), `no session expected to end ${s}`);
    // The same seed gives the same session.
    assert.deepEqual(JSON.stringify(planSession(FIRST_SEED)), JSON.stringify(planSession(FIRST_SEED)));
  });

  it(`${SESSIONS} sessions end in the named state, with a valid transcript and no completed turn lost`, async () => {
    const seeds = process.env.FAULT_ONLY ? [Number(process.env.FAULT_ONLY)] : Array.from({ length: SESSIONS }, (_, i) => FIRST_SEED + i);
    const t0 = Date.now();
    const failures: string[] = [];
    const runs = await pool(seeds, async (seed) => {
      const plan = planSession(seed);
      let run: SessionRun | undefined;
      try {
        run = await runSession(plan);
        const problems = problemsOf(run);
        if (problems.length) {
          const faults = plan.faults.map((f) => `${f.kind} (${f.variant}) in prompt ${f.prompt + 1}`).join('; ');
          failures.push(`seed ${seed} [${faults}]:\n    ${problems.join('\n    ')}`);
        }
        return { plan, states: run.turns.map((t) => t.outcome.state), requests: run.loopRequests.length + run.summaryRequests.length + (run.resume?.request ? 1 : 0) };
      } catch (err) {
        failures.push(`seed ${seed}: threw ${err instanceof Error ? err.stack : String(err)}`);
        return { plan, states: [] as string[], requests: 0 };
      } finally {
        if (run && !failures.some((f) => f.startsWith(`seed ${seed} `))) cleanup(run);
      }
    });
    const ms = Date.now() - t0;

    const perKind = new Map<FaultKind, number>(FAULT_KINDS.map((k) => [k, 0]));
    for (const r of runs) for (const f of r.plan.faults) perKind.set(f.kind, perKind.get(f.kind)! + 1);
    const ends = new Map<string, number>();
    for (const r of runs) {
      const end = r.states.at(-1) ?? 'threw';
      ends.set(end, (ends.get(end) ?? 0) + 1);
    }
    const faults = runs.reduce((n, r) => n + r.plan.faults.length, 0);
    const prompts = runs.reduce((n, r) => n + r.states.length, 0);
    const requests = runs.reduce((n, r) => n + r.requests, 0);
    console.log([
      `    FAULT SUITE: ${runs.length} sessions, ${prompts} prompts, ${faults} faults injected, ${requests} requests, ${(ms / 1000).toFixed(1)} s, ${failures.length} failing`,
      `      faults per kind: ${[...perKind].map(([k, n]) => `${k} ${n}`).join(', ')}`,
      `      sessions ended:  ${[...ends].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    ].join('\n'));
    assert.equal(failures.length, 0, `${failures.length} of ${runs.length} sessions misbehaved:\n${failures.slice(0, 15).join('\n')}`);
  });
});
