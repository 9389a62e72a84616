import * as assert from 'node:assert/strict';
import { analyzeIndex, analyzeSkill, analyzeTopic, documentKind, toolEntries, type MemoryDiagnostic } from '../../../src/lsp/analyze';

const codes = (ds: MemoryDiagnostic[]) => ds.map((d) => d.code);
const only = (ds: MemoryDiagnostic[], code: string) => ds.filter((d) => d.code === code);

describe('lsp analyze: MEMORY.md', () => {
  it('is quiet for a small index whose links all resolve', () => {
    const text = '# Memory\n- [Build](build.md) — how to build\n- [Docs](https://example.com/x.md)\n';
    assert.deepEqual(analyzeIndex(text, ['MEMORY.md', 'build.md']), []);
  });

  it('warns past 200 lines and fades every line the loader drops', () => {
    const text = Array.from({ length: 205 }, (_, i) => `- entry ${i + 1}`).join('\n') + '\n';
    const ds = analyzeIndex(text, ['MEMORY.md']);
    const warning = only(ds, 'index-over-lines');
    assert.equal(warning.length, 1);
    assert.equal(warning[0].severity, 'warning');
    assert.match(warning[0].message, /205 lines; only the first 200/);
    const dropped = only(ds, 'index-not-loaded');
    assert.deepEqual(dropped.map((d) => d.line), [200, 201, 202, 203, 204]);
    assert.ok(dropped.every((d) => d.severity === 'hint' && d.unnecessary && d.message === 'not loaded: past the 200-line cap'));
    assert.equal(dropped[0].endChar, '- entry 201'.length);
  });

  it('counts exactly 200 lines with a final newline as within the cap', () => {
    const text = Array.from({ length: 200 }, () => '- x').join('\n') + '\n';
    assert.deepEqual(analyzeIndex(text, ['MEMORY.md']), []);
  });

  it('warns past 25,000 bytes and marks the lines after the last line break before the cap', () => {
    const line = '- ' + 'é'.repeat(99); // 2 + 198 = 200 bytes, 101 characters
    const text = Array.from({ length: 130 }, () => line).join('\n'); // 130 * 201 - 1 bytes
    const ds = analyzeIndex(text, ['MEMORY.md']);
    assert.deepEqual(codes(ds).filter((c) => c.startsWith('index-over')), ['index-over-bytes']);
    // line i ends at byte 201*i + 200; the last one ending before 25,000 is i = 123
    const dropped = only(ds, 'index-not-loaded');
    assert.equal(dropped[0].line, 124);
    assert.equal(dropped.length, 130 - 124);
    assert.equal(dropped[0].message, 'not loaded: past the 25,000-byte cap');
    assert.match(only(ds, 'index-over-bytes')[0].message, /first 124 lines/);
  });

  it('warns on lines over 200 characters, from character 200', () => {
    const ds = analyzeIndex(`- short\n- ${'a'.repeat(250)}\n`, ['MEMORY.md']);
    const long = only(ds, 'index-line-too-long');
    assert.equal(long.length, 1);
    assert.deepEqual([long[0].line, long[0].startChar, long[0].endChar, long[0].severity], [1, 200, 252, 'warning']);
  });

  it('flags links to topic files that do not exist, at the link target', () => {
    const text = '- [Build](build.md) — ok\n- [Gone](./gone.md#part) — missing\n- `[code](nope.md)` and [ref]: <also%20gone.md>\n[def]: missing-ref.md\n';
    const ds = only(analyzeIndex(text, ['MEMORY.md', 'build.md']), 'index-broken-link');
    assert.deepEqual(ds.map((d) => [d.line, d.startChar, d.endChar]), [[1, 9, 23], [3, 7, 21]]);
    assert.match(ds[0].message, /no topic file "gone.md"/);
  });

  it('lists topic files the index does not mention, on the first line', () => {
    const ds = analyzeIndex('- [A](a.md)\n', ['MEMORY.md', 'a.md', 'b.md', 'c.md', 'notes.txt', 'SKILL.md']);
    const info = only(ds, 'index-missing-topic');
    assert.equal(info.length, 1);
    assert.equal(info[0].line, 0);
    assert.equal(info[0].severity, 'information');
    assert.match(info[0].message, /not in the index: b\.md, c\.md/);
  });
});

describe('lsp analyze: topic files', () => {
  const good = '---\nname: Build\ndescription: how to build the project\ntype: project\n---\nbody\n';

  it('accepts a complete frontmatter', () => {
    assert.deepEqual(analyzeTopic(good), []);
  });

  it('reports a missing description on the opening line', () => {
    const ds = analyzeTopic('---\nname: Build\ntype: project\n---\n');
    assert.deepEqual(ds.map((d) => [d.code, d.line, d.severity]), [['frontmatter-missing-key', 0, 'error']]);
    assert.match(ds[0].message, /missing "description"/);
  });

  it('reports an unknown type at its value', () => {
    const ds = analyzeTopic('---\nname: Build\ndescription: d\ntype: projet\n---\n');
    assert.equal(ds.length, 1);
    assert.deepEqual([ds[0].line, ds[0].startChar, ds[0].endChar], [3, 6, 12]);
    assert.match(ds[0].message, /type must be one of user, feedback, project, reference/);
  });

  it('reports a multi-line description', () => {
    const ds = analyzeTopic('---\nname: n\ndescription: |\n  one\n  two\ntype: user\n---\n');
    assert.deepEqual(ds.map((d) => d.message), ['description must be one line']);
    assert.equal(ds[0].line, 2);
  });

  it('reports malformed YAML on the right line instead of throwing', () => {
    const ds = analyzeTopic('---\nname: Build\ndescription: "unclosed\ntype: project\n---\n');
    assert.ok(ds.length >= 1);
    assert.equal(ds[0].code, 'yaml-error');
    assert.deepEqual([ds[0].line, ds[0].startChar], [2, 13]);
    const dup = analyzeTopic('---\nname: a\nname: b\ndescription: d\ntype: user\n---\n');
    assert.deepEqual(dup.map((d) => [d.code, d.line]), [['yaml-error', 2]]);
    const bad = analyzeTopic('---\n: : :\n\t- [\n---\n');
    assert.ok(bad.length >= 1 && bad.every((d) => d.severity === 'error'));
  });

  it('reports a missing or unclosed frontmatter and a non-mapping one', () => {
    assert.deepEqual(codes(analyzeTopic('# just text\n')), ['frontmatter-missing']);
    assert.deepEqual(codes(analyzeTopic('---\nname: x\n')), ['frontmatter-unclosed']);
    assert.deepEqual(codes(analyzeTopic('---\n- a\n- b\n---\n')), ['yaml-not-mapping']);
  });
});

describe('lsp analyze: SKILL.md', () => {
  it('accepts a valid skill with known tools and patterns', () => {
    const text = '---\nname: run-tests\ndescription: Runs the tests\nallowed-tools: read_file, run_command(npm test:*)\nuser-invocable: false\ncontext: fork\n---\nDo it.\n';
    assert.deepEqual(analyzeSkill(text), []);
  });

  it('checks the name format and requires a description', () => {
    const ds = analyzeSkill('---\nname: Run Tests\n---\n');
    assert.deepEqual(ds.map((d) => [d.code, d.line]), [['frontmatter-invalid', 1], ['frontmatter-missing-key', 0]]);
    assert.match(ds[0].message, /lower-case letters, digits and hyphens/);
    assert.match(ds[1].message, /missing "description"/);
  });

  it('rejects a description over 1024 characters', () => {
    const ds = analyzeSkill(`---\nname: x\ndescription: ${'d'.repeat(1025)}\n---\n`);
    assert.equal(ds.length, 1);
    assert.match(ds[0].message, /at most 1024 characters/);
  });

  it('rejects a wrongly typed boolean and an unknown context', () => {
    const ds = analyzeSkill('---\nname: x\ndescription: y\ndisable-model-invocation: yes please\ncontext: spoon\n---\n');
    assert.deepEqual(ds.map((d) => d.line), [3, 4]);
  });

  it('warns on unknown tool names, at the name, in strings and lists', () => {
    const ds = analyzeSkill('---\nname: x\ndescription: y\nallowed-tools: "read_file, Bash(git:*) fly"\n---\n');
    assert.deepEqual(ds.map((d) => [d.code, d.severity, d.line, d.startChar, d.endChar]), [
      ['skill-claude-code-tool', 'information', 3, 27, 31], ['skill-unknown-tool', 'warning', 3, 39, 42],
    ]);
    assert.equal(ds[0].message, "Claude Code's name for run_command; Reverie maps it");
    assert.match(ds[1].message, /unknown tool "fly"; known tools: read_file/);
    const list = analyzeSkill('---\nname: x\ndescription: y\nallowed-tools:\n  - grep\n  - teleport(now)\n---\n');
    assert.deepEqual(list.map((d) => [d.line, d.startChar, d.endChar]), [[5, 4, 12]]);
  });

  it('accepts a skill copied from Claude Code with only information notes, no warnings', () => {
    const ds = analyzeSkill('---\nname: commit\ndescription: Commits staged work\nallowed-tools: Read, Grep, Bash(git add:*), Bash(git commit:*)\n---\nBody\n');
    assert.deepEqual(ds.map((d) => d.severity), ['information', 'information', 'information', 'information']);
    assert.deepEqual(ds.map((d) => d.message.split(';')[0]), [
      "Claude Code's name for read_file", "Claude Code's name for grep", "Claude Code's name for run_command", "Claude Code's name for run_command",
    ]);
  });

  it('splits allowed-tools on commas and spaces outside parentheses', () => {
    assert.deepEqual(toolEntries('a, run_command(npm test:*)  b'), [
      { text: 'a', start: 0 }, { text: 'run_command(npm test:*)', start: 3 }, { text: 'b', start: 28 },
    ]);
  });
});

describe('lsp analyze: documentKind', () => {
  it('tells the index, skills and topic files apart', () => {
    assert.equal(documentKind('MEMORY.md', []), 'index');
    assert.equal(documentKind('SKILL.md', []), 'skill');
    assert.equal(documentKind('build.md', ['MEMORY.md', 'build.md']), 'topic');
    assert.equal(documentKind('README.md', ['README.md']), undefined);
  });
});

describe('known tool names', () => {
  it('every tool the agent has is known to the SKILL.md checker', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ALL_TOOLS } = require('../../../src/core/tools') as typeof import('../../../src/core/tools');
    const { KNOWN_TOOLS } = require('../../../src/lsp/analyze') as typeof import('../../../src/lsp/analyze');
    const known = new Set<string>(KNOWN_TOOLS as Iterable<string>);
    const missing = [...ALL_TOOLS.map((t) => t.name), 'search_history'].filter((n) => !known.has(n));
    assert.deepEqual(missing, []);
  });
});
