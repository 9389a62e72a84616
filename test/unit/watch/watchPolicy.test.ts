import * as assert from 'node:assert/strict';
import type { DiagnosticKey } from '../../../src/host/fixThis/verification';
import { budgetSpentText, offerText, testFailurePrompt, WatchPolicy, type Trigger } from '../../../src/host/watch/watchPolicy';

const missing: DiagnosticKey = { message: "Cannot find name 'totl'.", severity: 'error', source: 'ts', code: 2304 };
const unused: DiagnosticKey = { message: "'x' is declared but never used.", severity: 'hint', source: 'ts', code: 6133 };
const typeError: DiagnosticKey = { message: "Type 'string' is not assignable to type 'number'.", severity: 'error', source: 'ts', code: 2322 };

const errors = (file: string, before: DiagnosticKey[], after: DiagnosticKey[]): Trigger => ({ kind: 'errors', file, before, after });

function clock(start = 1_000_000) {
  const c = { t: start, now: () => c.t, advance: (ms: number) => void (c.t += ms) };
  return c;
}

describe('Watch policy: when to offer help', () => {
  it('offers for an error the save brought in, naming only the new one', () => {
    const policy = new WatchPolicy(clock().now);
    const d = policy.decide(errors('src/a.ts', [missing, unused], [missing, unused, typeError]), false);
    assert.deepEqual(d, { offer: true, errors: [typeError] });
  });

  it('errors that were there before the save, or new warnings, are no reason to offer', () => {
    const policy = new WatchPolicy(clock().now);
    assert.deepEqual(policy.decide(errors('src/a.ts', [missing], [missing]), false), { offer: false, why: 'no_new_errors' });
    assert.deepEqual(policy.decide(errors('src/a.ts', [], [unused, { ...typeError, severity: 'warning' }]), false), { offer: false, why: 'no_new_errors' });
    // ...and they do not use up the file's offer for the minute
    assert.equal(policy.decide(errors('src/a.ts', [], [typeError]), false).offer, true);
  });

  it('a second identical error is new (counted, not just matched by message)', () => {
    const policy = new WatchPolicy(clock().now);
    assert.deepEqual(policy.decide(errors('src/a.ts', [missing], [missing, missing]), false), { offer: true, errors: [missing] });
  });

  it('at most one offer per file per minute; other files are not held back', () => {
    const c = clock();
    const policy = new WatchPolicy(c.now);
    assert.equal(policy.decide(errors('src/a.ts', [], [missing]), false).offer, true);
    c.advance(59_999);
    assert.deepEqual(policy.decide(errors('src/a.ts', [], [typeError]), false), { offer: false, why: 'rate_limited' });
    assert.equal(policy.decide(errors('src/b.ts', [], [typeError]), false).offer, true);
    c.advance(1);
    assert.equal(policy.decide(errors('src/a.ts', [], [typeError]), false).offer, true);
  });

  it('no offer while a turn is running, and a skipped offer does not start the minute', () => {
    const c = clock();
    const policy = new WatchPolicy(c.now);
    assert.deepEqual(policy.decide(errors('src/a.ts', [], [missing]), true), { offer: false, why: 'busy' });
    c.advance(1_000);
    assert.equal(policy.decide(errors('src/a.ts', [], [missing]), false).offer, true);
  });

  it('failing tests are offered on their own key, rate-limited the same way', () => {
    const c = clock();
    const policy = new WatchPolicy(c.now);
    const tests: Trigger = { kind: 'tests', file: 'tests:npm test', command: 'npm test', exitCode: 1, output: 'FAIL' };
    assert.deepEqual(policy.decide(tests, false), { offer: true, errors: [] });
    c.advance(30_000);
    assert.deepEqual(policy.decide(tests, false), { offer: false, why: 'rate_limited' });
  });
});

describe('Watch policy: the hourly token budget', () => {
  it('allows until the hour\'s spending reaches the limit, then says when it frees up', () => {
    const c = clock();
    const policy = new WatchPolicy(c.now, () => 50_000);
    assert.deepEqual(policy.budget(), { ok: true, used: 0, limit: 50_000 });
    policy.spend(30_000);
    c.advance(10 * 60_000);
    policy.spend(25_000);
    const spent = policy.budget();
    assert.equal(spent.ok, false);
    assert.equal(spent.used, 55_000);
    // The first 30,000 leave the window 50 minutes from now; then 25,000 < 50,000.
    assert.equal(!spent.ok && spent.freeInMs, 50 * 60_000);
    c.advance(50 * 60_000 - 1);
    assert.equal(policy.budget().ok, false);
    c.advance(1);
    assert.deepEqual(policy.budget(), { ok: true, used: 25_000, limit: 50_000 });
  });

  it('reads the limit each time (a settings change applies at once); 0 turns watch fixes off', () => {
    let limit = 50_000;
    const policy = new WatchPolicy(clock().now, () => limit);
    policy.spend(20_000);
    assert.equal(policy.budget().ok, true);
    limit = 10_000;
    assert.equal(policy.budget().ok, false);
    limit = 0;
    const fresh = new WatchPolicy(clock().now, () => limit);
    assert.equal(fresh.budget().ok, false);
  });

  it('offers themselves spend nothing', () => {
    const policy = new WatchPolicy(clock().now, () => 1);
    for (let i = 0; i < 5; i++) policy.decide(errors(`f${i}.ts`, [], [missing]), false);
    assert.equal(policy.budget().ok, true);
  });

  it('the spent message gives the figures and the setting', () => {
    const text = budgetSpentText({ ok: false, used: 55_000, limit: 50_000, freeInMs: 90_000 });
    assert.equal(text, "Reverie: the watch's token budget for this hour is spent (55,000 of 50,000 tokens); it frees up in about 2 min. Raise `reverie.watch.tokensPerHour`, or ask in the chat panel.");
  });
});

describe('Watch policy: what an offer says', () => {
  it('names the file, the count and the first new error on one line', () => {
    const t = errors('src/a.ts', [], [typeError, missing]);
    assert.equal(offerText(t, [typeError, missing]), `Reverie: 2 new errors in src/a.ts after the save ("Type 'string' is not assignable to type 'number'.").`);
    assert.equal(offerText(t, [{ ...missing, message: 'line one\n  line two' }]), 'Reverie: 1 new error in src/a.ts after the save ("line one line two").');
  });

  it('a failing test run: the command, the file and the exit code; the prompt carries only the output\'s tail in a fence it cannot close', () => {
    const t = { kind: 'tests', file: 'src/a.ts', command: 'npm test', exitCode: 1, output: 'x'.repeat(10_000) + '```\nFAIL add' } as const;
    assert.equal(offerText(t, []), 'Reverie: `npm test` failed after you saved src/a.ts (exit code 1).');
    const { display, prompt } = testFailurePrompt(t);
    assert.equal(display, 'Fix the failing tests (`npm test`)');
    assert.match(prompt, /FAIL add\n````\n/);
    assert.ok(prompt.length < 3_500, 'only the tail of the output');
  });
});
