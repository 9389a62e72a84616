import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverSkills } from '../../../src/core/skills/discovery';
import { renderSkill } from '../../../src/core/skills/render';
import { analyzeSkill } from '../../../src/lsp/analyze';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { skillWorld } from './fixture';

// out/test/unit/skills -> the repository root
const bundledDir = path.resolve(__dirname, '../../../../resources/skills');
const file = path.join(bundledDir, 'skill-creator', 'SKILL.md');

describe('skills: the bundled skill-creator', () => {
  it('passes the SKILL.md checker with no errors or warnings', () => {
    const ds = analyzeSkill(fs.readFileSync(file, 'utf8'));
    assert.deepEqual(ds.filter((d) => d.severity === 'error' || d.severity === 'warning'), []);
  });

  it('is found as a built-in skill, offered to the model and the user', async () => {
    const w = skillWorld({ bundledDir });
    try {
      const set = await discoverSkills(new NodeFileSystem(), w.places, new MemoryLogger());
      const skill = set.skills.find((s) => s.name === 'skill-creator')!;
      assert.equal(skill.source, 'bundled');
      assert.deepEqual([skill.disableModelInvocation, skill.userInvocable], [false, true]);
      assert.match(skill.whenToUse!, /create/);
      // Renders with the user's request in place and the folder's reference file reachable.
      const text = renderSkill(skill, fs.readFileSync(file, 'utf8'), 'a skill that runs our db migrations');
      assert.match(text, /What the user asked for so far \(empty if nothing yet\): a skill that runs our db migrations/);
      assert.match(text, new RegExp(`${path.join(bundledDir, 'skill-creator').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/reference\\.md`));
      assert.ok(fs.existsSync(path.join(skill.dir, 'reference.md')));
      assert.match(text, /write_file/);
      assert.match(text, /SKILL\.md checked/);
    } finally {
      w.dispose();
    }
  });
});
