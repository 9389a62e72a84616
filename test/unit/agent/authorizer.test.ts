import * as assert from 'node:assert/strict';
import { createAuthorizer } from '../../../src/core/agent/authorizer';
import { silentLogger, type AccessRequest, type Approvals } from '../../../src/core/ports';
import type { PermissionContext } from '../../../src/core/permissions/types';
import { ctx, edit, run, ROOT } from '../permissions/helpers';

/** A skill's `allowed-tools` become turn rules: they pre-approve, but never past deny, protection or trust. */
describe('authorizer: turn rules (a skill\'s allowed-tools)', () => {
  const asked: AccessRequest[] = [];
  const approvals: Approvals = { ask: async (request) => (asked.push(request), { approved: false, reason: 'no' }) };
  const signal = new AbortController().signal;
  const authorizer = (permissions: PermissionContext, turnRules: string[]) =>
    createAuthorizer({ permissions: () => permissions, approvals, sessionRules: [], turnRules: () => turnRules, log: silentLogger });

  beforeEach(() => (asked.length = 0));

  it('pre-approves a matching command for the turn, without asking', async () => {
    const answer = await authorizer(ctx(), ['run_command(npm test:*)'])(run('npm test -- --grep x'), signal);
    assert.deepEqual(answer, { granted: true });
    assert.equal(asked.length, 0);
  });

  it('covers nothing else: another command still asks', async () => {
    const answer = await authorizer(ctx(), ['run_command(npm test:*)'])(run('npm publish'), signal);
    assert.equal(answer.granted, false);
    assert.equal(asked.length, 1);
  });

  it('is read fresh: an emptied list (the next user message) approves nothing', async () => {
    const rules = ['run_command(npm test:*)'];
    const authorize = authorizer(ctx(), rules);
    rules.length = 0;
    assert.equal((await authorize(run('npm test'), signal)).granted, false);
    assert.equal(asked.length, 1);
  });

  it('loses to a deny rule', async () => {
    const answer = await authorizer(ctx({}, { deny: ['run_command(rm:*)'] }), ['run_command'])(run('rm -rf build'), signal);
    assert.equal(answer.granted, false);
    assert.match(answer.granted ? '' : answer.reason, /denied/i);
    assert.equal(asked.length, 0);
  });

  it('counts for nothing in an untrusted workspace', async () => {
    const answer = await authorizer(ctx({ trusted: false }), ['run_command'])(run('npm test'), signal);
    assert.equal(answer.granted, false);
  });

  it('does not open protected paths: an edit under .git still asks', async () => {
    const answer = await authorizer(ctx(), ['edit_file'])(edit(`${ROOT}/.git/config`), signal);
    assert.equal(answer.granted, false);
    assert.equal(asked.length, 1);
  });
});
