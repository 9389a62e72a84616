import * as assert from 'node:assert/strict';
import { validateRules } from '../../../src/core/permissions';
import { HOME, ROOT, behavior, ctx, edit, read, run } from './helpers';

describe('permissions: rule syntax', () => {
  it('read_file(...) covers every read tool, edit_file(...) every edit tool', () => {
    const c = ctx({}, { deny: ['read_file(secrets/**)'], allow: ['edit_file(src/**)'] });
    for (const tool of ['read_file', 'grep', 'glob', 'list_files']) {
      assert.equal(behavior(read(`${ROOT}/secrets/k`, tool), c), 'deny', tool);
    }
    assert.equal(behavior(edit(`${ROOT}/src/a.ts`, 'write_file'), c), 'allow');
    assert.equal(behavior(edit(`${ROOT}/secrets/k`), c), 'ask', 'a read rule says nothing about edits');
  });

  it('a rule naming the exact tool covers only that tool', () => {
    const c = ctx({}, { allow: ['write_file(docs/**)'], deny: ['grep'] });
    assert.equal(behavior(edit(`${ROOT}/docs/a.md`, 'write_file'), c), 'allow');
    assert.equal(behavior(edit(`${ROOT}/docs/a.md`, 'edit_file'), c), 'ask');
    assert.equal(behavior(read(`${ROOT}/a.ts`, 'grep'), c), 'deny');
    assert.equal(behavior(read(`${ROOT}/a.ts`, 'read_file'), c), 'allow');
  });

  it('relative patterns are relative to every root; ./ and inner slashes anchor them', () => {
    const c = ctx({ roots: [ROOT, '/ws/lib'] }, { deny: ['read_file(./secrets/**)', 'read_file(config/*.key)'] });
    assert.equal(behavior(read(`${ROOT}/secrets/a`), c), 'deny');
    assert.equal(behavior(read('/ws/lib/secrets/a'), c), 'deny');
    assert.equal(behavior(read(`${ROOT}/pkg/secrets/a`), c), 'allow');
    assert.equal(behavior(read(`${ROOT}/config/a.key`), c), 'deny');
    assert.equal(behavior(read(`${ROOT}/pkg/config/a.key`), c), 'allow');
  });

  it('a pattern without a slash matches at any depth, dot files included', () => {
    const c = ctx({}, { deny: ['read_file(.env)', 'read_file(*.pem)'] });
    assert.equal(behavior(read(`${ROOT}/.env`), c), 'deny');
    assert.equal(behavior(read(`${ROOT}/a/b/.env`), c), 'deny');
    assert.equal(behavior(read(`${ROOT}/a/b/.env.example`), c), 'allow');
    assert.equal(behavior(read(`${ROOT}/certs/.hidden.pem`), c), 'deny');
  });

  it('a pattern that names a folder covers what is inside; a trailing slash means folders only', () => {
    const c = ctx({ mode: 'acceptEdits' }, { deny: ['edit_file(vendor)', 'edit_file(build/)'] });
    assert.equal(behavior(edit(`${ROOT}/vendor/a/b.js`), c), 'deny');
    assert.equal(behavior(edit(`${ROOT}/build/out.js`), c), 'deny');
    assert.equal(behavior(edit(`${ROOT}/tools/build`), c), 'allow', 'a file named build is not the folder');
  });

  it('absolute and ~/ patterns', () => {
    const c = ctx({}, { deny: ['read_file(/ws/app/private/**)', 'read_file(~/.ssh/**)'] });
    assert.equal(behavior(read(`${ROOT}/private/x`), c), 'deny');
    assert.equal(behavior(read(`${HOME}/.ssh/id_ed25519`), c), 'deny');
  });

  it('tolerates spaces around the rule and inside command patterns', () => {
    const c = ctx({}, { allow: ['  run_command( npm   test:* ) ', 'edit_file (src/**)'] });
    assert.equal(behavior(run('npm test'), c), 'allow');
    assert.equal(behavior(edit(`${ROOT}/src/a.ts`), c), 'allow');
  });

  it('ignores malformed rules (they never widen or narrow anything) and reports each one by name', () => {
    const rules = {
      allow: ['edit_file(src/**', 'run_command()', 'edit file(x)', '', 'read_file(!secrets/**)', 'run_command(npm:*test)', 'run_command(ls:*)'],
      ask: ['read_file(../other/**)'],
      deny: ['edit_file(~other/x)', 'run_command(rm\n-rf:*)'],
    };
    assert.equal(behavior(edit(`${ROOT}/src/a.ts`), ctx({}, rules)), 'ask');
    assert.equal(behavior(run('ls'), ctx({}, rules)), 'allow');
    assert.deepEqual(validateRules(rules), [
      'ignored allow rule "edit_file(src/**": missing closing ")"',
      'ignored allow rule "run_command()": empty pattern; write the bare tool name to match everything',
      'ignored allow rule "edit file(x)": "edit file" is not a tool name',
      'ignored allow rule "": empty rule',
      'ignored allow rule "read_file(!secrets/**)": negated patterns are not supported; use a deny or ask rule',
      'ignored allow rule "run_command(npm:*test)": ":*" is only allowed at the end of a command pattern',
      'ignored ask rule "read_file(../other/**)": ".." cannot leave the workspace; use an absolute path',
      'ignored deny rule "edit_file(~other/x)": only "~/" (your home) is supported',
      'ignored deny rule "run_command(rm\\n-rf:*)": a command pattern must be one line',
    ]);
  });

  it('validateRules accepts a flat list and is silent about good rules', () => {
    assert.deepEqual(validateRules(['run_command', 'run_command(npm test:*)', 'mcp__db__query', 'grep(src/**)']), []);
    assert.deepEqual(validateRules(['run_command(']), ['ignored rule "run_command(": missing closing ")"']);
  });
});
