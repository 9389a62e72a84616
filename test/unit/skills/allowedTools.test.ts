import * as assert from 'node:assert/strict';
import { CLAUDE_CODE_TOOLS, toolEntries, toPermissionRules } from '../../../src/core/skills/allowedTools';
import { decide } from '../../../src/core/permissions/decide';
import type { PermissionContext } from '../../../src/core/permissions/types';

describe('skills: allowed-tools', () => {
  it('splits entries on commas and spaces outside parentheses', () => {
    assert.deepEqual(toolEntries('Read, Bash(git add:*) grep').map((e) => e.text), ['Read', 'Bash(git add:*)', 'grep']);
  });

  it("translates Claude Code's names and keeps Reverie's", () => {
    const { rules, problems } = toPermissionRules(['Read, Grep', 'Bash(git add:*)', 'Bash(npm test)', 'run_command(make:*)', 'edit_file(src/**)', 'Edit(./docs/**)', 'Read(//etc/hosts)']);
    assert.deepEqual(rules, ['read_file', 'grep', 'run_command(git add:*)', 'run_command(npm test)', 'run_command(make:*)', 'edit_file(src/**)', 'edit_file(docs/**)', 'read_file(/etc/hosts)']);
    assert.deepEqual(problems, []);
    assert.equal(CLAUDE_CODE_TOOLS.MultiEdit, 'edit_file');
  });

  it('drops what the permission layer cannot read, and Claude Code tools Reverie lacks, each with a message', () => {
    const { rules, problems } = toPermissionRules(['Bash(git add:*', 'run_command(a:* b)', 'WebFetch', 'edit_file(../up/**)', 'read_file']);
    assert.deepEqual(rules, ['read_file']);
    assert.equal(problems.length, 4);
    assert.match(problems[0], /"Bash\(git add:\*" ignored: missing closing "\)"/);
    assert.match(problems[1], /":\*" is only allowed at the end/);
    assert.match(problems[2], /no equivalent of Claude Code's WebFetch/);
    assert.match(problems[3], /cannot leave the workspace/);
  });

  it('the translated rules allow what the skill names, and nothing else', () => {
    const { rules } = toPermissionRules(['Bash(git add:*)']);
    const ctx = (allow: string[], trusted = true): PermissionContext => ({ mode: 'ask', rules: { allow, ask: [], deny: [] }, roots: ['/ws'], home: '/home/u', trusted });
    const command = (c: string) => ({ kind: 'command' as const, tool: 'run_command', command: c, cwd: '/ws' });
    assert.equal(decide(command('git add src/a.ts'), ctx([])).behavior, 'ask', 'without the skill it asks');
    assert.equal(decide(command('git add src/a.ts'), ctx(rules)).behavior, 'allow');
    assert.notEqual(decide(command('git push'), ctx(rules)).behavior, 'allow');
    assert.notEqual(decide(command('git add x && rm -rf /'), ctx(rules)).behavior, 'allow');
    assert.notEqual(decide(command('git add src/a.ts'), ctx(rules, false)).behavior, 'allow', 'an untrusted workspace still wins');
  });
});
