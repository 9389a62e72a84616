import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { SkillCatalog } from '../../../src/core/skills/catalog';
import { newToolSession, type ToolSession } from '../../../src/core/tools/tool';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { skillMd, skillWorld, type SkillWorld } from './fixture';

describe('skills: catalog', () => {
  let w: SkillWorld;
  let log: MemoryLogger;
  let session: ToolSession;
  let checked: string[];
  const catalog = (over: Partial<ConstructorParameters<typeof SkillCatalog>[0]> = {}) =>
    new SkillCatalog({ fs: new NodeFileSystem(), places: () => w.places, log, ...over });
  beforeEach(() => {
    w = skillWorld();
    log = new MemoryLogger();
    session = newToolSession(path.join(w.base, 'session'));
    checked = [];
  });
  afterEach(() => w.dispose());
  const ok = { content: 'ok' };

  it('load injects the body once; a second load points at the first and does not repeat it', async () => {
    w.put('outer/repo/.reverie/skills/deploy/SKILL.md', skillMd('deploy', 'Deploys', '', 'Deploy $ARGUMENTS with ${SKILL_DIR}/go.sh.'));
    const c = catalog();
    await c.scan();
    const first = await c.load(c.find('deploy')!, 'staging', session);
    assert.equal(first.alreadyLoaded, false);
    assert.match(first.text, /Deploy staging with .*\/deploy\/go\.sh\./);
    assert.equal(session.loadedSkills.get('deploy'), first.text);
    const second = await c.load(c.find('deploy')!, 'prod', session);
    assert.equal(second.alreadyLoaded, true);
    assert.doesNotMatch(second.text, /go\.sh/);
    assert.match(second.text, /already loaded .* above/);
  });

  it('reads SKILL.md fresh at load time', async () => {
    const file = w.put('outer/repo/.reverie/skills/fresh/SKILL.md', skillMd('fresh', 'd', '', 'old body'));
    const c = catalog();
    await c.scan();
    w.put(file, skillMd('fresh', 'd', '', 'new body'));
    assert.match((await c.load(c.find('fresh')!, '', session)).text, /new body/);
  });

  it("allowed-tools become this turn's rules (Claude Code names translated), problems logged", async () => {
    w.put('outer/repo/.reverie/skills/commit/SKILL.md', skillMd('commit', 'Commits', 'allowed-tools: Read, Bash(git add:*), Bash(git commit:*), WebSearch\n'));
    const c = catalog();
    await c.scan();
    await c.load(c.find('commit')!, '', session);
    assert.deepEqual(session.turnRules, ['read_file', 'run_command(git add:*)', 'run_command(git commit:*)']);
    assert.ok(log.lines.some((l) => l.startsWith('warn') && /WebSearch/.test(l)));
  });

  it('onDidChange fires when the set changes, not on an identical rescan', async () => {
    const c = catalog();
    let fired = 0;
    const sub = c.onDidChange(() => fired++);
    await c.scan();
    const afterFirst = fired;
    await c.scan();
    assert.equal(fired, afterFirst);
    w.put('outer/repo/.reverie/skills/n/SKILL.md', skillMd('n', 'new'));
    await c.scan();
    assert.equal(fired, afterFirst + 1);
    sub.dispose();
    w.put('outer/repo/.reverie/skills/m/SKILL.md', skillMd('m', 'new'));
    await c.scan();
    assert.equal(fired, afterFirst + 1);
    assert.deepEqual(c.current.skills.map((s) => s.name), ['m', 'n']);
  });

  it('startReminder lists skills without paths; nextReminder lists only new ones', async () => {
    w.put('outer/repo/.reverie/skills/a/SKILL.md', skillMd('a', 'Skill A', 'when_to_use: for A things\n', 'BODY-A'));
    w.put('outer/repo/.reverie/skills/scoped/SKILL.md', skillMd('scoped', 'Only for api files', 'paths: api/**\n'));
    w.put('outer/repo/.reverie/skills/hidden/SKILL.md', skillMd('hidden', 'user only', 'disable-model-invocation: true\n'));
    const c = catalog();
    const start = (await c.hooks.startReminder!(session))!;
    assert.match(start, /- a: Skill A - for A things/);
    assert.doesNotMatch(start, /BODY-A|scoped|hidden/);
    assert.deepEqual([...session.listedSkills], ['a']);
    assert.equal(await c.hooks.nextReminder!(session), undefined);
    w.put('outer/repo/.reverie/skills/b/SKILL.md', skillMd('b', 'Skill B'));
    const next = (await c.hooks.nextReminder!(session))!;
    assert.match(next, /New skills are available/);
    assert.match(next, /- b: Skill B/);
    assert.doesNotMatch(next, /- a:/);
    assert.equal(await c.hooks.nextReminder!(session), undefined);
  });

  it('afterTool: a nested skills folder is announced when the agent first touches a file there, once', async () => {
    w.put('outer/repo/pkg/web/.reverie/skills/web-style/SKILL.md', skillMd('web-style', 'Web style rules'));
    const c = catalog();
    await c.hooks.startReminder!(session);
    assert.equal(c.find('web-style'), undefined);
    const text = await c.hooks.afterTool!('read_file', { path: 'web/src/page.tsx' }, ok, session);
    assert.match(text!, /New skills are available/);
    assert.match(text!, /- web-style: Web style rules/);
    assert.ok(c.find('web-style'), 'the nested skill can now be invoked');
    assert.equal(await c.hooks.afterTool!('read_file', { path: 'web/src/other.tsx' }, ok, session), undefined);
    await c.scan(); // a rescan keeps nested skills
    assert.ok(c.find('web-style'));
    assert.equal(await c.hooks.afterTool!('read_file', { path: 'web/x.ts' }, { content: 'no', isError: true }, session), undefined);
  });

  it('afterTool: a skill whose paths match the touched file is announced, once; others are not', async () => {
    w.put('outer/repo/.reverie/skills/api-rules/SKILL.md', skillMd('api-rules', 'API conventions', 'paths:\n  - "pkg/api/**/*.ts"\n'));
    w.put('home/.reverie/skills/sql/SKILL.md', skillMd('sql', 'SQL style', 'paths: "**/*.sql"\n'));
    const c = catalog();
    await c.hooks.startReminder!(session);
    assert.equal(await c.hooks.afterTool!('read_file', { path: 'web/page.ts' }, ok, session), undefined);
    // Project skill: relative to the folder holding .reverie (the repo root), not cwd.
    const api = await c.hooks.afterTool!('edit_file', { path: path.join(w.cwd, 'api', 'users.ts') }, ok, session);
    assert.match(api!, /- api-rules: API conventions/);
    assert.match(api!, /They apply to files like api\/users\.ts/);
    assert.equal(await c.hooks.afterTool!('read_file', { path: 'api/orders.ts' }, ok, session), undefined);
    // User skill: relative to cwd.
    assert.match((await c.hooks.afterTool!('grep', { pattern: 'x', path: 'db/schema.sql' }, ok, session))!, /- sql: SQL style/);
    assert.deepEqual([...session.listedSkills].sort(), ['api-rules', 'sql']);
    assert.equal(await c.hooks.afterTool!('run_command', { command: 'cat db/schema.sql' }, ok, session), undefined);
  });

  it('afterTool: after writing a SKILL.md, appends the checker\'s problems (or none) and picks the skill up', async () => {
    const c = catalog({ checkSkillFile: (text) => (checked.push(text), text.includes('Bad') ? ['line 2: name must be lower-case'] : []) });
    await c.hooks.startReminder!(session);
    const bad = w.put('outer/repo/pkg/.reverie/skills/new-one/SKILL.md', '---\nname: Bad\ndescription: d\n---\n');
    const first = await c.hooks.afterTool!('write_file', { path: bad }, ok, session);
    assert.match(first!, /SKILL\.md checked: 1 problem to fix:\n- line 2: name must be lower-case/);
    w.put(bad, skillMd('new-one', 'A new skill'));
    const second = await c.hooks.afterTool!('edit_file', { path: '.reverie/skills/new-one/SKILL.md' }, ok, session);
    assert.match(second!, /SKILL\.md checked: no problems\./);
    assert.match(second!, /- new-one: A new skill/);
    assert.equal(checked.length, 2);
    assert.ok(c.find('new-one'));
    // Without an injected checker, core's own parse reports the problem.
    const plain = catalog();
    const broken = w.put('outer/repo/pkg/.reverie/skills/broken/SKILL.md', '---\nname: broken\n---\n');
    assert.match((await plain.hooks.afterTool!('write_file', { path: broken }, ok, session))!, /1 problem to fix:\n- description is required/);
  });

  describe('expandCommand (/name args in the chat)', () => {
    beforeEach(() => {
      w.put('outer/repo/.reverie/skills/fix-issue/SKILL.md', skillMd('fix-issue', 'Fixes an issue', 'allowed-tools: run_command(gh issue view:*)\n', 'Fix issue $0 carefully.'));
      w.put('outer/repo/.reverie/skills/deploy/SKILL.md', skillMd('deploy', 'Deploys', 'disable-model-invocation: true\n', 'Deploy now.'));
      w.put('outer/repo/.reverie/skills/model-only/SKILL.md', skillMd('model-only', 'x', 'user-invocable: false\n'));
      w.put('outer/repo/.reverie/skills/off/SKILL.md', skillMd('off', 'x'));
    });

    it('ignores text that is not a skill command', async () => {
      const c = catalog();
      for (const text of ['fix the bug', '/Fix-Issue 1', '/ fix', '/path/to/file', 'say /fix-issue']) {
        assert.equal(await c.expandCommand(text, session), undefined, text);
      }
    });

    it('expands to the skill text plus what the user invoked; user-only skills work too', async () => {
      const c = catalog();
      const out = await c.expandCommand('/fix-issue 123 now', session);
      assert.ok(out && 'prompt' in out);
      assert.equal(out.skill.name, 'fix-issue');
      assert.match(out.prompt, /Fix issue 123 carefully\./);
      assert.match(out.prompt, /The user invoked the skill \/fix-issue with the arguments: 123 now\./);
      assert.ok(session.loadedSkills.has('fix-issue'));
      const deploy = await c.expandCommand('/deploy', session);
      assert.ok(deploy && 'prompt' in deploy && /Deploy now\.[\s\S]*\(no arguments\)/.test(deploy.prompt));
    });

    it("its allowed-tools apply to the turn that sends it, even though send() clears the turn's rules first", async () => {
      const c = catalog();
      await c.expandCommand('/fix-issue 1', session);
      session.turnRules = []; // what Conversation.send does
      await c.hooks.startReminder!(session);
      assert.deepEqual(session.turnRules, ['run_command(gh issue view:*)']);
      session.turnRules = [];
      await c.hooks.nextReminder!(session);
      assert.deepEqual(session.turnRules, [], 'only for that one turn');
    });

    it('explains unknown, turned-off and model-only skills', async () => {
      w.places = { ...w.places, disabled: ['off'] };
      const c = catalog();
      const unknown = await c.expandCommand('/fix-isue 1', session);
      assert.deepEqual(unknown, { error: 'No skill named "fix-isue". Did you mean /fix-issue?' });
      const none = await c.expandCommand('/zzzzzzzz', session);
      assert.ok(none && 'error' in none && /Skills you can run: \/deploy, \/fix-issue\./.test(none.error), JSON.stringify(none));
      assert.ok(/turned off/.test((await c.expandCommand('/off', session) as { error: string }).error));
      assert.ok(/only for the model/.test((await c.expandCommand('/model-only', session) as { error: string }).error));
    });
  });
});
