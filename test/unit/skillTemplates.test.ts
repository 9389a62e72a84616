import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import MarkdownIt from 'markdown-it';
import { parse as parseYaml } from 'yaml';
import { SKILL_NAME, skillFrontmatter } from '../../src/core/memory/schema';
import type { Skill } from '../../src/core/skills/types';
import {
  escapeMarkdownText, skillFolderToDelete, skillNameProblem, skillsDir, skillTemplate, skillTooltipMarkdown, suggestSkillName,
} from '../../src/host/skillTemplates';
import { analyzeSkill } from '../../src/lsp/analyze';

const root = path.resolve('/home/ana/src/app');

function skill(over: Partial<Skill> = {}): Skill {
  const dir = over.dir ?? path.join(root, '.reverie', 'skills', 'release-notes');
  return {
    name: 'release-notes', description: 'Writes release notes', allowedTools: [], disableModelInvocation: false, userInvocable: true,
    paths: [], source: 'project', dir, file: path.join(dir, 'SKILL.md'), frontmatter: {}, disabled: false, ...over,
  };
}

describe('skill template', () => {
  it('passes the language server\'s checks with no error or warning, for short and 64-character names', () => {
    for (const name of ['a', 'release-notes', 'x'.repeat(64)]) {
      assert.deepEqual(analyzeSkill(skillTemplate(name)), [], name);
    }
  });

  it('has the name, a description and when_to_use in its frontmatter, and uses both placeholders in the body', () => {
    const text = skillTemplate('release-notes');
    const [, fm, body] = text.split(/^---$/m);
    const data = skillFrontmatter.parse(parseYaml(fm));
    assert.equal(data.name, 'release-notes');
    assert.ok(data.description.length > 20);
    assert.ok(data.when_to_use && data.when_to_use.length > 20);
    assert.match(body, /\$ARGUMENTS/);
    assert.match(body, /\$\{SKILL_DIR\}/);
    assert.match(body, /\/release-notes/, 'tells how the user invokes it');
  });
});

describe('skill name validation', () => {
  it('accepts names the catalog accepts and rejects the rest with a suggestion', () => {
    assert.equal(skillNameProblem('release-notes'), undefined);
    assert.equal(skillNameProblem('a1'), undefined);
    assert.match(skillNameProblem('') ?? '', /required/);
    assert.match(skillNameProblem('Release Notes') ?? '', /lower-case.*Try "release-notes"/);
    assert.match(skillNameProblem('-x') ?? '', /starting with a letter or digit.*Try "x"/);
    assert.match(skillNameProblem('x'.repeat(65)) ?? '', /At most 64 characters \(this is 65\)/);
    assert.match(skillNameProblem('../etc') ?? '', /lower-case/);
    assert.doesNotMatch(skillNameProblem('---') ?? '', /Try/, 'no empty suggestion');
  });

  it('rejects a name whose folder already exists', () => {
    assert.match(skillNameProblem('deploy', new Set(['deploy', 'other'])) ?? '', /"deploy" already exists/);
    assert.equal(skillNameProblem('deploy-2', new Set(['deploy'])), undefined);
  });

  it('suggests only valid names', () => {
    for (const input of ['Café Menu', '  spaced  out  ', 'UPPER_snake', 'x'.repeat(80), 'a--b']) {
      const s = suggestSkillName(input);
      assert.match(s, SKILL_NAME, `${input} -> ${s}`);
    }
    assert.equal(suggestSkillName('Café Menu'), 'cafe-menu');
  });

  it('puts new skills in .reverie/skills', () => {
    assert.equal(skillsDir(root), path.join(root, '.reverie', 'skills'));
  });
});

describe('which folder deleting a skill removes', () => {
  it('the skill\'s own folder under .reverie/skills or .claude/skills, for project and user skills', () => {
    assert.deepEqual(skillFolderToDelete(skill()), { ok: true, dir: path.join(root, '.reverie', 'skills', 'release-notes') });
    const claude = path.join('/home/ana', '.claude', 'skills', 'pdf');
    assert.deepEqual(skillFolderToDelete(skill({ name: 'pdf', source: 'claude-user', dir: claude, file: path.join(claude, 'SKILL.md') })), { ok: true, dir: claude });
  });

  it('refuses built-in skills', () => {
    const r = skillFolderToDelete(skill({ source: 'bundled' }));
    assert.equal(r.ok, false);
    assert.match((r as { reason: string }).reason, /built in.*disable it instead/);
  });

  it('refuses folders that are not a skill folder directly under a skills directory', () => {
    const refused = (dir: string, file = path.join(dir, 'SKILL.md')) => {
      const r = skillFolderToDelete(skill({ dir, file }));
      assert.equal(r.ok, false, dir);
      return (r as { reason: string }).reason;
    };
    assert.match(refused(path.join(root, '.reverie', 'skills')), /named like a skill|skills folder/); // the skills folder itself
    assert.match(refused(path.join(root, '.reverie')), /named like a skill/);
    assert.match(refused(root), /not directly inside a \.reverie\/skills/); // "app" is a valid name, but not under skills
    assert.match(refused(path.join(root, 'skills', 'x')), /not directly inside/); // skills/ without .reverie
    assert.match(refused(path.join(root, '.reverie', 'skills', 'My Skill')), /named like a skill/);
    assert.match(refused(path.join(root, '.reverie', 'skills', 'a', 'b')), /not directly inside/); // nested deeper
    assert.match(refused(path.join(root, '.reverie', 'skills', 'x'), path.join(root, 'SKILL.md')), /not directly inside it/);
    assert.match(refused('.reverie/skills/x'), /absolute/);
    assert.match(refused(`${root}/.reverie/skills/x/../../../..`, path.join(root, 'SKILL.md')), /normal form|directly inside it/);
    assert.match(refused('/'), /named like a skill|normal form|directly inside it/);
  });
});

describe('skill tooltip', () => {
  const md = new MarkdownIt({ html: true, linkify: true });
  const render = (s: string) => md.render(s);

  it('renders text from SKILL.md literally: no links, images, HTML, command URIs or autolinks', () => {
    const evil = [
      '[click](command:workbench.action.terminal.sendSequence?%5B%22rm%22%5D)',
      '![x](https://evil.example/pixel.png)',
      '<img src=x onerror=alert(1)> <a href="command:x">a</a>',
      'visit https://evil.example/path or www.evil.example or mail me@evil.example',
      '<https://evil.example> [ref]: https://evil.example',
      '$(alert) **bold** `code` # not a heading',
    ].join('\n');
    const s = skill({ description: evil, whenToUse: evil, argumentHint: '[file](command:x)', file: '/tmp/[a](command:y)/SKILL.md' });
    const html = render(skillTooltipMarkdown(s));
    assert.doesNotMatch(html, /<a[\s>]|<img|<strong>bold|<code>|<h1/, html);
    assert.match(html, /\[click\]\(command:workbench/, 'the text is still shown');
    assert.match(html, /https:\/\/evil\.example\/path/);
    assert.match(html, /&lt;img src=x/);
  });

  it('shows description, when to use, arguments, source and the file; says when disabled or shadowed', () => {
    const s = skill({ whenToUse: 'Before a release', argumentHint: '<version>', disabled: true });
    const text = render(skillTooltipMarkdown(s));
    for (const part of ['release-notes', 'project', 'disabled', 'Writes release notes', 'Before a release', '&lt;version&gt;', s.file]) {
      assert.ok(text.includes(part), `${part} in ${text}`);
    }
    const winner = skill({ source: 'user', dir: '/home/ana/.reverie/skills/release-notes', file: '/home/ana/.reverie/skills/release-notes/SKILL.md' });
    const shadowed = render(skillTooltipMarkdown(skill(), winner));
    assert.match(shadowed, /Shadowed by.*user skill \/home\/ana\/\.reverie\/skills\/release-notes\/SKILL\.md/);
    assert.match(shadowed, /not used/);
  });

  it('keeps line breaks of multi-line descriptions as line breaks, not new blocks', () => {
    assert.equal(escapeMarkdownText('one\n  - two'), 'one  \n\\- two');
    assert.doesNotMatch(render(escapeMarkdownText('one\n- two\n> three')), /<li>|<blockquote>/);
  });
});
