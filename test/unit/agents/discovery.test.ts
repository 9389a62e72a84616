/** Custom agent files: discovery, precedence (user > project > built-in), malformed files skipped with a log line. */
import * as assert from 'node:assert/strict';
import { discoverAgents, parseAgentFile } from '../../../src/core/agents/discovery';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { skillWorld, type SkillWorld } from '../skills/fixture';

const agentMd = (front: string, body = 'You review code.') => `---\n${front}---\n${body}\n`;

describe('subagents: custom agent files', () => {
  let w: SkillWorld;
  beforeEach(() => (w = skillWorld()));
  afterEach(() => w.dispose());
  const discover = (log = new MemoryLogger()) => discoverAgents(new NodeFileSystem(), { cwd: w.cwd, roots: [w.repo], home: w.home }, log);

  it('finds project agents up to the repository root and user agents, with the built-ins', async () => {
    w.put('outer/repo/.reverie/agents/reviewer.md', agentMd('description: Reviews diffs\ntools: read_file, grep\nmax-turns: 7\nmax-tokens: 50000\n', 'REVIEWER BODY'));
    w.put('outer/repo/pkg/.reverie/agents/tester.md', agentMd('name: tester\ndescription: Runs tests\ntools: [Read, Bash]\nmodel: claude-haiku-9\n'));
    w.put('home/.reverie/agents/writer.md', agentMd('description: Writes docs\nmodel: inherit\n'));
    w.put('outer/.reverie/agents/above.md', agentMd('description: Above the repository\n'));
    const set = await discover();
    assert.deepEqual(set.agents.map((a) => `${a.name}:${a.source}`), ['explore:built-in', 'general:built-in', 'plan:built-in', 'reviewer:project', 'tester:project', 'writer:user']);
    const reviewer = set.agents.find((a) => a.name === 'reviewer')!;
    assert.deepEqual([reviewer.tools, reviewer.readOnly, reviewer.maxTurns, reviewer.maxTokens, reviewer.prompt], [['read_file', 'grep'], true, 7, 50000, 'REVIEWER BODY']);
    const tester = set.agents.find((a) => a.name === 'tester')!;
    assert.deepEqual([tester.tools, tester.readOnly, tester.model], [['read_file', 'run_command'], false, 'claude-haiku-9'], 'Claude Code names map; a command runner is not read-only');
    const writer = set.agents.find((a) => a.name === 'writer')!;
    assert.deepEqual([writer.tools, writer.readOnly, writer.model], [undefined, false, undefined], 'no tools: the parent\'s; inherit: the parent\'s model');
  });

  it('user beats project beats built-in on a name clash', async () => {
    w.put('outer/repo/.reverie/agents/explore.md', agentMd('description: Project explore\n', 'PROJECT'));
    w.put('outer/repo/.reverie/agents/shared.md', agentMd('description: Project shared\n', 'PROJECT'));
    w.put('home/.reverie/agents/shared.md', agentMd('description: User shared\n', 'USER'));
    const set = await discover();
    assert.equal(set.agents.find((a) => a.name === 'shared')!.prompt, 'USER');
    assert.equal(set.agents.find((a) => a.name === 'explore')!.prompt, 'PROJECT');
    assert.deepEqual(set.shadowed.map((s) => `${s.agent.name}:${s.agent.source}<${s.by.source}`).sort(), ['explore:built-in<project', 'shared:project<user']);
  });

  it('skips malformed files with a log line and keeps the rest', async () => {
    w.put('outer/repo/.reverie/agents/good.md', agentMd('description: Fine\n'));
    w.put('outer/repo/.reverie/agents/nofront.md', 'Just text.\n');
    w.put('outer/repo/.reverie/agents/nodesc.md', agentMd('name: nodesc\n'));
    w.put('outer/repo/.reverie/agents/badyaml.md', agentMd('description: [unclosed\n'));
    w.put('outer/repo/.reverie/agents/badname.md', agentMd('name: Bad Name\ndescription: x\n'));
    w.put('outer/repo/.reverie/agents/badturns.md', agentMd('description: x\nmax-turns: -3\n'));
    w.put('outer/repo/.reverie/agents/empty.md', agentMd('description: x\n', ''));
    w.put('outer/repo/.reverie/agents/notes.txt', 'not an agent');
    const log = new MemoryLogger();
    const set = await discover(log);
    assert.deepEqual(set.agents.filter((a) => a.source !== 'built-in').map((a) => a.name), ['good']);
    const problems = Object.fromEntries(set.problems.map((p) => [p.file.split('/').pop(), p.message]));
    assert.deepEqual(Object.keys(problems).sort(), ['badname.md', 'badturns.md', 'badyaml.md', 'empty.md', 'nodesc.md', 'nofront.md']);
    assert.match(problems['nodesc.md'], /description is required/);
    assert.match(problems['badturns.md'], /max-turns: a positive whole number/);
    assert.match(problems['empty.md'], /body.*empty/);
    assert.equal(log.lines.filter((l) => l.startsWith('warn agents: skipped')).length, 6);
  });

  it('read-only follows the tools unless set', () => {
    const parse = (front: string) => {
      const r = parseAgentFile(agentMd(`description: d\n${front}`), { file: '/x/a.md', source: 'project', fileName: 'a.md' });
      assert.ok('agent' in r);
      return r.agent.readOnly;
    };
    assert.equal(parse('tools: read_file, grep, glob\n'), true);
    assert.equal(parse('tools: read_file, write_file\n'), false);
    assert.equal(parse('tools: read_file, run_command\nread-only: true\n'), true);
    assert.equal(parse('tools: read_file\nread-only: false\n'), false);
    assert.equal(parse(''), false);
  });
});
