import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverNested, discoverSkills, projectLevels, skillFolders } from '../../../src/core/skills/discovery';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { skillMd, skillWorld, type SkillWorld } from './fixture';

const nodeFs = new NodeFileSystem();

describe('skills: discovery', () => {
  let w: SkillWorld;
  beforeEach(() => (w = skillWorld()));
  afterEach(() => w.dispose());

  const find = async (log = new MemoryLogger(), places = w.places) => discoverSkills(nodeFs, places, log);

  it('finds skills in every folder, sorted by name, each with its source and folder', async () => {
    w.put('home/.reverie/skills/mine/SKILL.md', skillMd('mine', 'user skill'));
    w.put('home/.claude/skills/cc-user/SKILL.md', skillMd('cc-user', 'claude user skill'));
    w.put('outer/repo/pkg/.reverie/skills/near/SKILL.md', skillMd('near', 'cwd skill'));
    w.put('outer/repo/.reverie/skills/far/SKILL.md', skillMd('far', 'repo root skill'));
    w.put('outer/repo/.claude/skills/cc-proj/SKILL.md', skillMd('cc-proj', 'claude project skill'));
    w.put('bundled/builtin/SKILL.md', skillMd('builtin', 'shipped'));
    const set = await find(new MemoryLogger(), { ...w.places, bundledDir: path.join(w.base, 'bundled') });
    assert.deepEqual(set.skills.map((s) => [s.name, s.source]), [
      ['builtin', 'bundled'], ['cc-proj', 'claude-project'], ['cc-user', 'claude-user'], ['far', 'project'], ['mine', 'user'], ['near', 'project'],
    ]);
    const near = set.skills.find((s) => s.name === 'near')!;
    assert.equal(near.dir, path.join(w.cwd, '.reverie', 'skills', 'near'));
    assert.equal(near.file, path.join(near.dir, 'SKILL.md'));
    assert.deepEqual(set.problems, []);
  });

  it('precedence: user over project, .reverie over .claude, nearest over parent, bundled lowest', async () => {
    w.put('home/.reverie/skills/a/SKILL.md', skillMd('a', 'from user'));
    w.put('outer/repo/pkg/.reverie/skills/a/SKILL.md', skillMd('a', 'from project'));
    w.put('outer/repo/pkg/.claude/skills/b/SKILL.md', skillMd('b', 'from claude project'));
    w.put('outer/repo/pkg/.reverie/skills/b/SKILL.md', skillMd('b', 'from reverie project'));
    w.put('outer/repo/.reverie/skills/c/SKILL.md', skillMd('c', 'from repo root'));
    w.put('outer/repo/pkg/.reverie/skills/c/SKILL.md', skillMd('c', 'from cwd'));
    w.put('bundled/d/SKILL.md', skillMd('d', 'from bundled'));
    w.put('outer/repo/.claude/skills/d/SKILL.md', skillMd('d', 'from claude project'));
    w.put('home/.claude/skills/e/SKILL.md', skillMd('e', 'from claude user'));
    w.put('outer/repo/pkg/.reverie/skills/e/SKILL.md', skillMd('e', 'from project'));
    const set = await find(new MemoryLogger(), { ...w.places, bundledDir: path.join(w.base, 'bundled') });
    assert.deepEqual(set.skills.map((s) => [s.name, s.description]), [
      ['a', 'from user'], ['b', 'from reverie project'], ['c', 'from cwd'], ['d', 'from claude project'], ['e', 'from claude user'],
    ]);
    assert.deepEqual(set.shadowed.map((x) => [x.skill.name, x.skill.description, x.by.description]).sort(), [
      ['a', 'from project', 'from user'],
      ['b', 'from claude project', 'from reverie project'],
      ['c', 'from repo root', 'from cwd'],
      ['d', 'from bundled', 'from claude project'],
      ['e', 'from project', 'from claude user'],
    ]);
  });

  it('ignores the .claude folders when includeClaudeCode is off', async () => {
    w.put('home/.claude/skills/x/SKILL.md', skillMd('x', 'claude user'));
    w.put('outer/repo/.claude/skills/y/SKILL.md', skillMd('y', 'claude project'));
    w.put('outer/repo/.reverie/skills/z/SKILL.md', skillMd('z', 'reverie'));
    const set = await find(new MemoryLogger(), { ...w.places, includeClaudeCode: false });
    assert.deepEqual(set.skills.map((s) => s.name), ['z']);
    const folders = await skillFolders(nodeFs, { ...w.places, includeClaudeCode: false });
    assert.ok(folders.every((f) => !f.dir.includes('.claude')), folders.map((f) => f.dir).join('\n'));
  });

  it('walks up to the repository root (the first folder with .git) and no further', async () => {
    w.put('outer/.reverie/skills/above/SKILL.md', skillMd('above', 'outside the repository'));
    w.put('outer/repo/.reverie/skills/root/SKILL.md', skillMd('root', 'at the root'));
    const noRoots = { ...w.places, roots: [] };
    assert.deepEqual((await find(new MemoryLogger(), noRoots)).skills.map((s) => s.name), ['root']);
    assert.deepEqual(await projectLevels(nodeFs, noRoots), [w.cwd, w.repo]);
    // A workspace root stops the walk too, even without .git.
    fs.rmSync(path.join(w.repo, '.git'), { recursive: true });
    assert.deepEqual(await projectLevels(nodeFs, { ...w.places, roots: [w.cwd] }), [w.cwd]);
  });

  it('never treats home or anything above it as a project folder', async () => {
    const cwd = path.join(w.home, 'code', 'app');
    fs.mkdirSync(cwd, { recursive: true });
    w.put('home/.reverie/skills/u/SKILL.md', skillMd('u', 'user'));
    const places = { ...w.places, cwd, roots: [] };
    assert.deepEqual(await projectLevels(nodeFs, places), [cwd, path.join(w.home, 'code')]);
    const set = await find(new MemoryLogger(), places);
    assert.deepEqual(set.skills.map((s) => [s.name, s.source]), [['u', 'user']]); // once, as a user skill
  });

  it('skips a malformed SKILL.md with a problem and a warning, and still finds the rest', async () => {
    const bad = [
      w.put('outer/repo/.reverie/skills/yaml/SKILL.md', '---\nname: yaml\ndescription: "unclosed\n---\nbody\n'),
      w.put('outer/repo/.reverie/skills/nodesc/SKILL.md', '---\nname: nodesc\n---\nbody\n'),
      w.put('outer/repo/.reverie/skills/badname/SKILL.md', '---\nname: Bad Name\ndescription: d\n---\n'),
      w.put('outer/repo/.reverie/skills/nofm/SKILL.md', '# just a heading\n'),
      w.put('outer/repo/.reverie/skills/list/SKILL.md', '---\n- a\n- b\n---\n'),
    ];
    w.put('outer/repo/.reverie/skills/good/SKILL.md', skillMd('good', 'works'));
    w.put('outer/repo/.reverie/skills/empty-folder/notes.md', 'no SKILL.md here');
    const log = new MemoryLogger();
    const set = await find(log);
    assert.deepEqual(set.skills.map((s) => s.name), ['good']);
    const byFile = new Map(set.problems.map((p) => [p.file, p.message]));
    assert.deepEqual([...byFile.keys()].sort(), [...bad].sort());
    assert.match(byFile.get(bad[0])!, /malformed YAML/);
    assert.match(byFile.get(bad[1])!, /description is required/);
    assert.match(byFile.get(bad[2])!, /lower-case letters, digits and hyphens.*"Bad Name"/);
    assert.match(byFile.get(bad[3])!, /no frontmatter/);
    assert.match(byFile.get(bad[4])!, /must be a mapping/);
    for (const file of bad) assert.ok(log.lines.some((l) => l.startsWith('warn ') && l.includes(file)), `no warning for ${file}`);
  });

  it('keeps unknown keys, uses the folder name when there is none, and the frontmatter name when they differ', async () => {
    w.put('outer/repo/.reverie/skills/deploy/SKILL.md', skillMd(undefined, 'deploys', 'x-team: platform\nversion: 3\n'));
    w.put('outer/repo/.reverie/skills/folder-name/SKILL.md', skillMd('other-name', 'renamed'));
    w.put('outer/repo/.reverie/skills/full/SKILL.md', skillMd('full', 'everything', [
      'when_to_use: when needed', 'allowed-tools: "read_file, Bash(git add:*)"', 'argument-hint: "<file>"',
      'disable-model-invocation: true', 'user-invocable: false', 'model: claude-haiku', 'paths: "src/**, test/**"', 'context: fork', '',
    ].join('\n')));
    const set = await find();
    assert.deepEqual(set.skills.map((s) => s.name), ['deploy', 'full', 'other-name']);
    const deploy = set.skills[0];
    assert.deepEqual(deploy.frontmatter, { name: 'deploy', description: 'deploys', 'x-team': 'platform', version: 3 });
    const full = set.skills[1];
    assert.deepEqual(
      [full.whenToUse, full.allowedTools, full.argumentHint, full.disableModelInvocation, full.userInvocable, full.model, full.paths, full.context],
      ['when needed', ['read_file', 'Bash(git add:*)'], '<file>', true, false, 'claude-haiku', ['src/**', 'test/**'], 'fork'],
    );
    assert.equal(set.skills[2].dir, path.join(w.repo, '.reverie', 'skills', 'folder-name'));
  });

  it('marks skills the user turned off as disabled, and still returns them', async () => {
    w.put('outer/repo/.reverie/skills/off/SKILL.md', skillMd('off', 'turned off'));
    w.put('outer/repo/.reverie/skills/on/SKILL.md', skillMd('on', 'on'));
    const set = await find(new MemoryLogger(), { ...w.places, disabled: ['off'] });
    assert.deepEqual(set.skills.map((s) => [s.name, s.disabled]), [['off', true], ['on', false]]);
  });

  it('discoverNested: the skills folders between a touched file and cwd, nearest first', async () => {
    w.put('outer/repo/pkg/.reverie/skills/top/SKILL.md', skillMd('top', 'cwd level, already scanned'));
    w.put('outer/repo/pkg/lib/.reverie/skills/shared/SKILL.md', skillMd('shared', 'from lib'));
    w.put('outer/repo/pkg/lib/deep/.reverie/skills/shared/SKILL.md', skillMd('shared', 'from lib/deep'));
    w.put('outer/repo/pkg/lib/deep/.claude/skills/cc/SKILL.md', skillMd('cc', 'claude nested'));
    const file = w.put('outer/repo/pkg/lib/deep/file.ts', 'x');
    const nested = await discoverNested(nodeFs, file, w.places);
    assert.deepEqual(nested.skills.map((s) => [s.name, s.description, s.source]), [
      ['cc', 'claude nested', 'claude-project'], ['shared', 'from lib/deep', 'project'],
    ]);
    assert.deepEqual(nested.folders.map((f) => path.relative(w.cwd, f.dir)), [
      'lib/deep/.reverie/skills', 'lib/.reverie/skills', 'lib/deep/.claude/skills', 'lib/.claude/skills',
    ]);
    assert.deepEqual((await discoverNested(nodeFs, path.join(w.repo, 'README.md'), w.places)).folders, [], 'outside cwd');
    assert.deepEqual((await discoverNested(nodeFs, w.cwd, w.places)).folders, [], 'cwd itself');
    assert.equal((await discoverNested(nodeFs, file, { ...w.places, includeClaudeCode: false })).skills.length, 1);
  });
});
