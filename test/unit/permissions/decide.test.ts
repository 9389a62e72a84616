import * as assert from 'node:assert/strict';
import { decide } from '../../../src/core/permissions';
import type { PermissionMode } from '../../../src/core/permissions/types';
import { HOME, MEMORY, ROOT, behavior, ctx, edit, read, run } from './helpers';

const MODES: PermissionMode[] = ['ask', 'acceptEdits', 'plan', 'bypass'];

describe('permissions: decide() for each mode and kind', () => {
  // [request, expected in ask, acceptEdits, plan, bypass]
  const trustedMatrix: Array<[string, ReturnType<typeof read>, string[]]> = [
    ['read inside the workspace', read(`${ROOT}/src/a.ts`), ['allow', 'allow', 'allow', 'allow']],
    ['grep inside the workspace', read(`${ROOT}/src`, 'grep'), ['allow', 'allow', 'allow', 'allow']],
    ['read outside the workspace', read('/etc/hosts'), ['ask', 'ask', 'ask', 'ask']],
    ['edit inside the workspace', edit(`${ROOT}/src/a.ts`), ['ask', 'allow', 'deny', 'allow']],
    ['write_file inside the workspace', edit(`${ROOT}/new.ts`, 'write_file'), ['ask', 'allow', 'deny', 'allow']],
    ['edit outside the workspace', edit('/tmp/x.txt'), ['ask', 'ask', 'deny', 'ask']],
    ['a command', run('npm test'), ['ask', 'ask', 'deny', 'allow']],
    ['a read-only command', run('ls -la src'), ['ask', 'ask', 'ask', 'allow']],
  ];
  for (const [what, request, expected] of trustedMatrix) {
    MODES.forEach((mode, i) => {
      it(`trusted, ${mode} mode: ${what} -> ${expected[i]}`, () => {
        assert.equal(behavior(request, ctx({ mode })), expected[i]);
      });
    });
  }

  const untrustedMatrix: Array<[string, ReturnType<typeof read>, string[]]> = [
    ['read inside the workspace', read(`${ROOT}/src/a.ts`), ['allow', 'allow', 'allow', 'allow']],
    ['read outside the workspace', read('/etc/hosts'), ['ask', 'ask', 'ask', 'ask']],
    ['edit inside the workspace', edit(`${ROOT}/src/a.ts`), ['ask', 'ask', 'deny', 'ask']],
    ['a command', run('ls'), ['deny', 'deny', 'deny', 'deny']],
  ];
  for (const [what, request, expected] of untrustedMatrix) {
    MODES.forEach((mode, i) => {
      it(`untrusted, ${mode} mode: ${what} -> ${expected[i]}`, () => {
        assert.equal(behavior(request, ctx({ mode, trusted: false })), expected[i]);
      });
    });
  }

  it('gives reasons a person can read', () => {
    assert.deepEqual(decide(edit(`${ROOT}/a.ts`), ctx()), { behavior: 'ask', reason: 'edits ask in "ask" mode' });
    assert.deepEqual(decide(edit(`${ROOT}/a.ts`), ctx({ mode: 'plan' })), { behavior: 'deny', reason: 'plan mode is read-only' });
    assert.deepEqual(decide(read('/etc/hosts'), ctx()), { behavior: 'ask', reason: 'outside the workspace' });
    assert.deepEqual(decide(run('ls'), ctx({ trusted: false })), { behavior: 'deny', reason: 'this workspace is not trusted' });
    assert.equal(decide(edit(`${ROOT}/.git/config`), ctx({ mode: 'bypass' })).reason, '.git is protected');
  });

  it('an allow rule allows what the mode would ask about', () => {
    const c = ctx({}, { allow: ['edit_file(src/**)', 'run_command(npm test:*)'] });
    assert.deepEqual(decide(edit(`${ROOT}/src/a.ts`), c), { behavior: 'allow', reason: 'allowed by rule edit_file(src/**)', rule: 'edit_file(src/**)' });
    assert.equal(behavior(edit(`${ROOT}/docs/a.md`), c), 'ask');
    assert.equal(behavior(run('npm test'), c), 'allow');
  });

  it('plan mode denies edits even with an allow rule, and allows read-only commands an allow rule covers', () => {
    const c = ctx({ mode: 'plan' }, { allow: ['edit_file', 'run_command(ls:*)', 'run_command(rm:*)'] });
    assert.equal(behavior(edit(`${ROOT}/a.ts`), c), 'deny');
    assert.equal(behavior(run('ls -la'), c), 'allow');
    assert.equal(behavior(run('rm x'), c), 'deny');
  });

  it('never allows a path that is not absolute, and normalises ".." before checking', () => {
    assert.equal(behavior(read('src/a.ts'), ctx({ mode: 'bypass' })), 'ask');
    assert.equal(behavior(read(`${ROOT}/../other/secret`), ctx({ mode: 'bypass' })), 'ask');
    assert.equal(behavior(read(`${ROOT}-evil/x`), ctx()), 'ask', 'a sibling folder sharing the prefix is outside');
  });
});

describe('permissions: precedence (deny > ask > allow)', () => {
  it('deny beats allow and ask, whatever order the lists are in', () => {
    const c = ctx({ mode: 'bypass' }, { allow: ['edit_file(src/**)'], ask: ['edit_file(src/**)'], deny: ['edit_file(src/secret/**)'] });
    assert.deepEqual(decide(edit(`${ROOT}/src/secret/k.ts`), c), {
      behavior: 'deny', reason: 'denied by rule edit_file(src/secret/**)', rule: 'edit_file(src/secret/**)',
    });
  });

  it('ask beats allow and the mode', () => {
    const c = ctx({ mode: 'acceptEdits' }, { allow: ['edit_file'], ask: ['edit_file(*.lock)'] });
    assert.equal(behavior(edit(`${ROOT}/package.lock`), c), 'ask');
    assert.equal(decide(edit(`${ROOT}/package.lock`), c).rule, 'edit_file(*.lock)');
    assert.equal(behavior(edit(`${ROOT}/a.ts`), c), 'allow');
  });

  it('deny rules on reads apply in every mode, bypass included', () => {
    for (const mode of MODES) {
      assert.equal(behavior(read(`${ROOT}/.env`), ctx({ mode }, { deny: ['read_file(.env)'] })), 'deny', mode);
    }
  });

  it('an ask rule asks even in bypass mode', () => {
    assert.equal(behavior(run('git push'), ctx({ mode: 'bypass' }, { ask: ['run_command(git push:*)'] })), 'ask');
    assert.equal(behavior(read(`${ROOT}/a.ts`), ctx({ mode: 'bypass' }, { ask: ['read_file'] })), 'ask');
  });

  it('for commands, one denied part denies the line even if the rest is allowed', () => {
    const c = ctx({}, { allow: ['run_command'], deny: ['run_command(git push:*)'] });
    assert.equal(decide(run('npm test && git push --force'), c).reason, 'denied by rule run_command(git push:*) (part "git push --force")');
  });
});

describe('permissions: protected paths always ask', () => {
  const protectedPaths: Array<[string, string]> = [
    [`${ROOT}/.git/config`, '.git is protected'],
    [`${ROOT}/.git/hooks/pre-commit`, '.git is protected'],
    [`${ROOT}/sub/module/.git`, '.git is protected'],
    [`${ROOT}/.GIT/hooks/x`, '.git is protected'],
    [`${ROOT}/.vscode/settings.json`, '.vscode is protected'],
    [`${ROOT}/.vscode/tasks.json`, '.vscode is protected'],
    [`${ROOT}/.reverie/settings.json`, 'Reverie settings are protected'],
    [`${ROOT}/pkg/.reverie/settings.local.json`, 'Reverie settings are protected'],
    [`${HOME}/.reverie/settings.json`, 'Reverie settings are protected'],
    [`${HOME}/.reverie/rules.md`, '~/.reverie is protected'],
    [`${HOME}/.bashrc`, 'shell startup file .bashrc is protected'],
    [`${HOME}/.zshenv`, 'shell startup file .zshenv is protected'],
    [`${ROOT}/.profile`, 'shell startup file .profile is protected'],
    [`${ROOT}/dotfiles/.bash_profile`, 'shell startup file .bash_profile is protected'],
    [`${ROOT}/dotfiles/.zprofile`, 'shell startup file .zprofile is protected'],
    [`${ROOT}/dotfiles/.bash_login`, 'shell startup file .bash_login is protected'],
    [`${ROOT}/dotfiles/.zlogin`, 'shell startup file .zlogin is protected'],
    [`${ROOT}/dotfiles/.zshrc`, 'shell startup file .zshrc is protected'],
    [`${ROOT}/dotfiles/.inputrc`, 'shell startup file .inputrc is protected'],
    [`${HOME}/.config/fish/config.fish`, 'shell startup file config.fish is protected'],
  ];
  const everything = { allow: ['edit_file', 'read_file', 'edit_file(**)', 'edit_file(/**)', 'read_file(/**)', 'edit_file(~/**)'] };
  for (const [target, reason] of protectedPaths) {
    it(`${target.replace(HOME, '~')}: edits and reads ask in bypass mode with allow rules`, () => {
      const c = ctx({ mode: 'bypass', roots: [ROOT, HOME], autoApprovedDirectories: [MEMORY] }, everything);
      assert.deepEqual(decide(edit(target), c), { behavior: 'ask', reason });
      assert.equal(behavior(read(target), c), 'ask');
      assert.equal(behavior(edit(target), ctx({ mode: 'acceptEdits', roots: [ROOT, HOME] })), 'ask');
    });
  }

  it('a deny rule still denies a protected path', () => {
    assert.equal(behavior(edit(`${ROOT}/.git/config`), ctx({ mode: 'bypass' }, { deny: ['edit_file(.git/**)'] })), 'deny');
  });

  it('files that merely look similar are not protected', () => {
    const c = ctx({ mode: 'acceptEdits' });
    for (const p of ['.gitignore', '.github/workflows/ci.yml', '.reverie/notes.md', 'docs/bashrc.md', 'src/.vscodeignore', 'config.fish']) {
      assert.equal(behavior(edit(`${ROOT}/${p}`), c), 'allow', p);
    }
  });

  it('outside the workspace asks even in bypass mode and with a broad allow rule', () => {
    const c = ctx({ mode: 'bypass' }, { allow: ['read_file', 'read_file(**)', 'edit_file'] });
    assert.deepEqual(decide(read('/etc/hosts'), c), { behavior: 'ask', reason: 'outside the workspace' });
    assert.equal(behavior(edit('/tmp/x'), c), 'ask');
  });

  it('an absolute allow rule ("Always allow" for an outside folder) opens that folder, and only it', () => {
    const c = ctx({}, { allow: ['read_file(/opt/lib/**)', 'edit_file(~/notes/**)'] });
    assert.equal(behavior(read('/opt/lib/x/y.h'), c), 'allow');
    assert.equal(behavior(read('/opt/other.h'), c), 'ask');
    assert.equal(behavior(edit(`${HOME}/notes/today.md`), c), 'allow');
    assert.equal(behavior(edit(`${HOME}/notes/.zshrc`), c), 'ask', 'protected files stay protected');
    assert.equal(behavior(read('/opt/lib/x'), ctx({ trusted: false }, { allow: ['read_file(/opt/lib/**)'] })), 'ask');
  });

  it('additional directories count as the workspace when trusted', () => {
    const c = ctx({ mode: 'acceptEdits', additionalDirectories: ['/ws/shared'] });
    assert.equal(behavior(read('/ws/shared/a.ts'), c), 'allow');
    assert.equal(behavior(edit('/ws/shared/a.ts'), c), 'allow');
    assert.equal(behavior(read('/ws/shared/a.ts'), { ...c, trusted: false }), 'ask');
    assert.equal(behavior(edit('/ws/shared/.git/HEAD'), c), 'ask');
  });
});

describe('permissions: auto-approved folders', () => {
  const memory = (mode: PermissionMode, extra: Partial<Parameters<typeof ctx>[0]> = {}, rules = {}) =>
    ctx({ mode, autoApprovedDirectories: [MEMORY], ...extra }, rules);

  it('edits there are allowed in every mode but plan, although they are under ~/.reverie and outside the roots', () => {
    assert.equal(behavior(edit(`${MEMORY}/notes.md`), memory('ask')), 'allow');
    assert.equal(behavior(edit(`${MEMORY}/notes.md`), memory('acceptEdits')), 'allow');
    assert.equal(behavior(edit(`${MEMORY}/notes.md`), memory('bypass')), 'allow');
    assert.equal(behavior(edit(`${MEMORY}/notes.md`), memory('plan')), 'deny');
    assert.equal(behavior(read(`${MEMORY}/notes.md`), memory('plan')), 'allow');
  });

  it('a deny or ask rule still applies there, and so do protected names', () => {
    assert.equal(behavior(edit(`${MEMORY}/a.md`), memory('ask', {}, { deny: [`edit_file(${MEMORY}/**)`] })), 'deny');
    assert.equal(behavior(edit(`${MEMORY}/a.md`), memory('ask', {}, { ask: ['edit_file(~/.reverie/**)'] })), 'ask');
    assert.equal(behavior(edit(`${MEMORY}/.git/config`), memory('ask')), 'ask');
  });

  it('the rest of ~/.reverie stays protected', () => {
    assert.equal(behavior(edit(`${HOME}/.reverie/memory-other/a.md`), memory('bypass')), 'ask');
  });

  it('is not auto-approved in an untrusted workspace', () => {
    assert.equal(behavior(edit(`${MEMORY}/notes.md`), memory('ask', { trusted: false })), 'ask');
  });
});

describe('permissions: Workspace Trust', () => {
  const untrusted = (mode: PermissionMode, rules = {}) => ctx({ mode, trusted: false }, rules);

  it('denies every command, even with an allow rule, in bypass mode', () => {
    assert.deepEqual(decide(run('ls'), untrusted('bypass', { allow: ['run_command'] })), {
      behavior: 'deny', reason: 'this workspace is not trusted',
    });
  });

  it('ignores allow rules and auto-approving modes', () => {
    assert.equal(behavior(edit(`${ROOT}/a.ts`), untrusted('ask', { allow: ['edit_file'] })), 'ask');
    assert.equal(behavior(edit(`${ROOT}/a.ts`), untrusted('acceptEdits')), 'ask');
    assert.equal(decide(edit(`${ROOT}/a.ts`), untrusted('bypass')).reason, 'edits ask in an untrusted workspace');
  });

  it('still runs reads inside the roots and still applies deny and ask rules', () => {
    assert.equal(behavior(read(`${ROOT}/a.ts`), untrusted('ask')), 'allow');
    assert.equal(behavior(read(`${ROOT}/.env`), untrusted('ask', { deny: ['read_file(.env)'] })), 'deny');
    assert.equal(behavior(read(`${ROOT}/a.ts`), untrusted('ask', { ask: ['read_file(*.ts)'] })), 'ask');
  });
});
