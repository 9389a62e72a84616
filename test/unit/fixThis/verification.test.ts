import * as assert from 'node:assert/strict';
import { newErrors, verdict, type DiagnosticKey, type VerifyInput } from '../../../src/host/fixThis/verification';

const target: DiagnosticKey = { message: "Cannot find name 'totl'.", severity: 'error', source: 'ts', code: 2304 };
const other: DiagnosticKey = { message: "'x' is declared but never used.", severity: 'hint', source: 'ts', code: 6133 };
const base: VerifyInput = { where: 'src/a.ts:12', target, before: [target, other], after: [other], edited: true };

describe('Fix this: did it work?', () => {
  it('the error gone and no test command: fixed', () => {
    assert.deepEqual(verdict(base), { fixed: true, text: 'Fixed: the error at src/a.ts:12 is gone.' });
  });

  it('with a passing test command it says so', () => {
    const v = verdict({ ...base, test: { command: 'npm test', outcome: { status: 'passed' } } });
    assert.equal(v.text, 'Fixed: the error at src/a.ts:12 is gone; npm test passed.');
    assert.equal(v.fixed, true);
  });

  it('a failing test command means not fixed, and the follow-up carries the end of its output', () => {
    const v = verdict({ ...base, test: { command: 'npm test', outcome: { status: 'failed', exitCode: 1, output: 'x'.repeat(5_000) + 'FAIL add' } } });
    assert.equal(v.fixed, false);
    assert.equal(v.text, 'Still failing: the error at src/a.ts:12 is gone, but npm test failed (exit code 1).');
    assert.match(v.followUp!, /FAIL add\n```/);
    assert.ok(v.followUp!.length < 2_500, 'only the tail of the output');
  });

  it('a test command that was not allowed is reported, without hiding that the error is gone', () => {
    const v = verdict({ ...base, test: { command: 'npm test', outcome: { status: 'not_run', why: 'not allowed' } } });
    assert.deepEqual([v.fixed, v.text], [true, 'Fixed: the error at src/a.ts:12 is gone; npm test was not run (not allowed).']);
  });

  it('the same diagnostic still reported (wherever it moved): still there, with a follow-up', () => {
    const v = verdict({ ...base, after: [other, target] });
    assert.equal(v.fixed, false);
    assert.equal(v.text, `Still there: the error at src/a.ts:12 ("Cannot find name 'totl'.") is still reported after the change.`);
    assert.match(v.followUp!, /still reports the error at src\/a\.ts:12/);
  });

  it('two identical errors, one fixed: the count went down, so it is gone', () => {
    assert.equal(verdict({ ...base, before: [target, target], after: [target] }).fixed, true);
  });

  it('a diagnostic with another code or source is not the same one', () => {
    assert.equal(verdict({ ...base, after: [{ ...target, code: 2305, severity: 'warning' }] }).fixed, true);
  });

  it('no change to the file: not fixed, and Continue asks for an edit', () => {
    const v = verdict({ ...base, after: base.before, edited: false });
    assert.equal(v.fixed, false);
    assert.equal(v.text, 'Not fixed: no change to src/a.ts was made, so the error at src/a.ts:12 is still there.');
    assert.match(v.followUp!, /edit_file/);
  });

  it('a fix that brings in a new error is not a fix; the tests are not the point yet', () => {
    const broken: DiagnosticKey = { message: "';' expected.", severity: 'error', source: 'ts', code: 1005 };
    const v = verdict({ ...base, after: [other, broken], test: { command: 'npm test', outcome: { status: 'passed' } } });
    assert.equal(v.fixed, false);
    assert.match(v.text, /is gone, but 1 new error appeared in the file \("';' expected\."\)/);
    assert.match(v.followUp!, /- ';' expected\./);
  });

  it('newErrors counts only errors, and only as many as are new', () => {
    const e: DiagnosticKey = { message: 'E', severity: 'error' };
    assert.deepEqual(newErrors([e], [e, e, other]), [e]);
    assert.deepEqual(newErrors([e, e], [e]), []);
  });
});
