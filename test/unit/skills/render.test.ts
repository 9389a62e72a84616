import * as assert from 'node:assert/strict';
import { renderSkill, splitArguments } from '../../../src/core/skills/render';
import type { Skill } from '../../../src/core/skills/types';

export function fakeSkill(over: Partial<Skill> = {}): Skill {
  const name = over.name ?? 'demo';
  return {
    name, description: `does ${name}`, allowedTools: [], disableModelInvocation: false, userInvocable: true, paths: [],
    source: 'project', dir: `/ws/.reverie/skills/${name}`, file: `/ws/.reverie/skills/${name}/SKILL.md`, frontmatter: {}, disabled: false,
    ...over,
  };
}

const md = (body: string) => `---\nname: demo\ndescription: d\n---\n${body}\n`;
const bodyOf = (text: string) => text.split('\n\n').slice(1).join('\n\n');

describe('skills: rendering a skill body', () => {
  const skill = fakeSkill();

  it('strips the frontmatter and starts with the base folder and a note on supporting files', () => {
    const out = renderSkill(skill, md('Do the thing.'), '');
    assert.equal(out, `Base directory for this skill: /ws/.reverie/skills/demo\nSupporting files there (scripts, references, templates) can be read with read_file or found with glob as needed.\n\nDo the thing.`);
    assert.doesNotMatch(out, /description: d/);
  });

  it('substitutes $ARGUMENTS, ${SKILL_DIR} and ${CLAUDE_SKILL_DIR}', () => {
    const out = renderSkill(skill, md('Fix issue $ARGUMENTS. Run ${SKILL_DIR}/fix.sh and read ${CLAUDE_SKILL_DIR}/ref.md.'), '  42 high  ');
    assert.equal(bodyOf(out), 'Fix issue 42 high. Run /ws/.reverie/skills/demo/fix.sh and read /ws/.reverie/skills/demo/ref.md.');
  });

  it('substitutes $ARGUMENTS[N] and $N, 0-based, with shell-like quotes; missing ones become empty', () => {
    const out = renderSkill(skill, md('Migrate $0 from $ARGUMENTS[1] to $2; extra "$3"; all: $ARGUMENTS'), `"My Button" React 'Vue 3'`);
    assert.equal(bodyOf(out), `Migrate My Button from React to Vue 3; extra ""; all: "My Button" React 'Vue 3'`);
  });

  it('substitutes names declared in Claude Code\'s `arguments` key', () => {
    const named = fakeSkill({ frontmatter: { arguments: ['issue', 'branch'] } });
    assert.equal(bodyOf(renderSkill(named, md('Fix $issue on $branch ($issues stays).'), '42 hotfix')), 'Fix 42 on hotfix ($issues stays).');
  });

  it('appends the arguments when the body has no placeholder, and nothing when there are none', () => {
    assert.equal(bodyOf(renderSkill(skill, md('Review the change.'), 'src/a.ts --strict')), 'Review the change.\n\nARGUMENTS: src/a.ts --strict');
    assert.equal(bodyOf(renderSkill(skill, md('Review the change.'), '   ')), 'Review the change.');
    // A body that only uses the folder placeholder still gets the arguments appended.
    assert.equal(bodyOf(renderSkill(skill, md('Run ${SKILL_DIR}/x.sh'), 'now')), 'Run /ws/.reverie/skills/demo/x.sh\n\nARGUMENTS: now');
  });

  it('never substitutes inside substituted text', () => {
    assert.equal(bodyOf(renderSkill(skill, md('Say $ARGUMENTS'), '$0 ${SKILL_DIR}')), 'Say $0 ${SKILL_DIR}');
  });

  it('splits arguments like a shell', () => {
    assert.deepEqual(splitArguments(`a "b c" 'd "e"' f\\ g "" h"i j"k`), ['a', 'b c', 'd "e"', 'f g', '', 'hi jk']);
    assert.deepEqual(splitArguments('   '), []);
  });
});
