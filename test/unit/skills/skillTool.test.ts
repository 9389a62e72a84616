import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSkill } from '../../../src/lsp/analyze';
import { SkillCatalog } from '../../../src/core/skills/catalog';
import { createSkillTool } from '../../../src/core/tools/skill';
import { newToolSession, type ToolContext, type ToolSession } from '../../../src/core/tools/tool';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { skillMd, skillWorld, type SkillWorld } from './fixture';

describe('skills: the skill tool', () => {
  let w: SkillWorld;
  let session: ToolSession;
  let c: SkillCatalog;
  const run = (input: unknown) => {
    const tool = createSkillTool(c);
    return tool.run(tool.input.parse(input), { session } as ToolContext);
  };
  beforeEach(async () => {
    w = skillWorld();
    session = newToolSession(path.join(w.base, 'session'));
    w.put('outer/repo/.reverie/skills/release-notes/SKILL.md', skillMd('release-notes', 'Writes release notes', '', 'RELEASE BODY for $ARGUMENTS'));
    w.put('outer/repo/.reverie/skills/release-check/SKILL.md', skillMd('release-check', 'Checks a release'));
    w.put('outer/repo/.reverie/skills/deploy/SKILL.md', skillMd('deploy', 'Deploys', 'disable-model-invocation: true\n'));
    w.put('outer/repo/.reverie/skills/forked/SKILL.md', skillMd('forked', 'Runs apart', 'context: fork\n', 'FORK BODY'));
    w.put('outer/repo/.reverie/skills/off/SKILL.md', skillMd('off', 'Turned off'));
    w.places = { ...w.places, disabled: ['off'] };
    c = new SkillCatalog({ fs: new NodeFileSystem(), places: () => w.places, log: new MemoryLogger() });
    await c.scan();
  });
  afterEach(() => w.dispose());

  it('is a read-only tool named skill, with name and optional args', () => {
    const tool = createSkillTool(c);
    assert.equal(tool.name, 'skill');
    assert.equal(tool.readOnly, true);
    assert.match(tool.description, /before doing the task yourself/);
    assert.ok(tool.input.safeParse({ name: 'x' }).success);
    assert.ok(!tool.input.safeParse({ args: 'x' }).success);
  });

  it('returns the body with arguments, once; the second call does not repeat it', async () => {
    const first = await run({ name: 'release-notes', args: 'v2.1' });
    assert.equal(first.isError, undefined);
    assert.match(first.content, /RELEASE BODY for v2\.1/);
    const second = await run({ name: '/release-notes' });
    assert.equal(second.isError, undefined);
    assert.doesNotMatch(second.content, /RELEASE BODY/);
    assert.match(second.content, /already loaded/);
  });

  it('errors: unknown name with the closest ones, turned off, user-only', async () => {
    const unknown = await run({ name: 'release-note' });
    assert.equal(unknown.isError, true);
    assert.match(unknown.content, /No skill named "release-note"\. Closest: release-notes\. Use a name/);
    assert.match((await run({ name: 'release' })).content, /Closest: release-check, release-notes\./);
    assert.doesNotMatch((await run({ name: 'zebra' })).content, /Closest/);
    const off = await run({ name: 'off' });
    assert.deepEqual([off.isError, /turned off/.test(off.content)], [true, true]);
    const deploy = await run({ name: 'deploy' });
    assert.equal(deploy.isError, true);
    assert.match(deploy.content, /only the user can run it with \/deploy/);
    assert.equal(session.loadedSkills.size, 0);
  });

  it('context: fork runs inline when no subagents can be started, and says so', async () => {
    const out = await run({ name: 'forked' });
    assert.match(out.content, /^This skill asks to run in a subagent \(context: fork\); none can be started from here, so run it here, inline/);
    assert.match(out.content, /FORK BODY/);
  });

  it('a SKILL.md deleted since the scan is an error result, not a throw, and can be loaded once restored', async () => {
    const file = path.join(w.repo, '.reverie/skills/release-check/SKILL.md');
    const text = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const out = await run({ name: 'release-check' });
    assert.equal(out.isError, true);
    assert.match(out.content, /could not be loaded/);
    fs.writeFileSync(file, text);
    assert.match((await run({ name: 'release-check' })).content, /Instructions for release-check/);
  });
});

describe('skills: a skill copied from a Claude Code setup works as is', () => {
  let w: SkillWorld;
  afterEach(() => w.dispose());

  it('is discovered, listed, loaded with its placeholders filled, and its Bash rules pre-approve those commands', async () => {
    w = skillWorld();
    const text = [
      '---',
      'name: pr-summary',
      'description: Summarize a pull request and its review comments',
      'allowed-tools: Bash(gh pr view:*), Bash(gh pr diff:*), Read, Grep',
      'argument-hint: "[pr-number]"',
      'model: sonnet',
      'version: 1.2.0',
      '---',
      '## Context',
      'Use the template in ${CLAUDE_SKILL_DIR}/template.md.',
      '',
      'Summarize PR #$ARGUMENTS; start with `gh pr view $0 --comments`.',
      '',
    ].join('\n');
    w.put('home/.claude/skills/pr-summary/SKILL.md', text);
    w.put('home/.claude/skills/pr-summary/template.md', '# Summary');
    const log = new MemoryLogger();
    const c = new SkillCatalog({ fs: new NodeFileSystem(), places: () => w.places, log });
    const session = newToolSession(path.join(w.base, 's'));
    const listing = await c.hooks.startReminder!(session);
    assert.match(listing!, /- pr-summary: Summarize a pull request and its review comments/);
    const skill = c.find('pr-summary')!;
    assert.equal(skill.source, 'claude-user');
    assert.equal(skill.frontmatter.version, '1.2.0');
    const tool = createSkillTool(c);
    const out = await tool.run({ name: 'pr-summary', args: '17' }, { session } as ToolContext);
    const dir = path.join(w.home, '.claude', 'skills', 'pr-summary');
    assert.match(out.content, new RegExp(`Use the template in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/template\\.md\\.`));
    assert.match(out.content, /Summarize PR #17; start with `gh pr view 17 --comments`\./);
    assert.deepEqual(session.turnRules, ['run_command(gh pr view:*)', 'run_command(gh pr diff:*)', 'read_file', 'grep']);
    assert.ok(!log.lines.some((l) => l.startsWith('warn')), log.lines.join('\n'));
    // The editor's checker has no errors or warnings for it, only notes on the mapped names.
    assert.deepEqual([...new Set(analyzeSkill(text).map((d) => d.severity))], ['information']);
  });
});
