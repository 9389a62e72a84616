/**
 * Bad input 1: a corpus of malformed frontmatter for memory topic files, SKILL.md and agent
 * definitions. Each broken file gets a clear, specific problem (in the topic list the memory tree
 * shows, the skill catalog's problems, the agent set's problems, and a language-server error), the
 * good file beside it still loads, and no file is ever rewritten.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { discoverAgents } from '../../../src/core/agents/discovery';
import { listTopics } from '../../../src/core/memory/topics';
import { SkillCatalog } from '../../../src/core/skills/catalog';
import { analyzeSkill, analyzeTopic } from '../../../src/lsp/analyze';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { countCase, latin1, snapshot, temp, timed, utf16le } from './support';

type Kind = 'topic' | 'skill' | 'agent';
type Expect = RegExp | 'ok';
interface Variant {
  name: string;
  text(kind: Kind): string | Uint8Array;
  expect: Expect | Record<Kind, Expect>;
}

const KEYS: Record<Kind, string> = {
  topic: 'name: Bad\ndescription: a broken one\ntype: project',
  skill: 'name: bad\ndescription: a broken one',
  agent: 'name: bad\ndescription: a broken one',
};
const doc = (fm: string, body = 'Body text.\n') => `---\n${fm}\n---\n${body}`;
const swap = (kind: Kind, key: string, line: string) => KEYS[kind].replace(new RegExp(`^${key}:.*$`, 'm'), line);
const huge = 'x'.repeat(2_000_000);
const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);

const VARIANTS: Variant[] = [
  { name: 'unclosed ---', text: (k) => `---\n${KEYS[k]}\nBody text.\n`, expect: /not closed/ },
  { name: 'tab indentation', text: (k) => doc(`${KEYS[k]}\nextra:\n\t- one`), expect: /malformed YAML/ },
  { name: 'invalid YAML (open bracket)', text: (k) => doc(`${KEYS[k]}\nbroken: [unclosed`), expect: /malformed YAML/ },
  { name: 'name is a number', text: (k) => doc(swap(k, 'name', 'name: 42')), expect: /name: must be a string, not a number/ },
  { name: 'name is a list', text: (k) => doc(swap(k, 'name', 'name: [a, b]')), expect: /name: must be a string, not an array/ },
  { name: 'description is a mapping', text: (k) => doc(swap(k, 'description', 'description: {a: 1}')), expect: /description: must be a string, not an object/ },
  {
    name: 'value outside its set',
    text: (k) => doc(k === 'topic' ? swap(k, 'type', 'type: banana') : k === 'skill' ? `${KEYS[k]}\ncontext: banana` : `${KEYS[k]}\nmax-turns: -3`),
    expect: { topic: /type must be one of user, feedback, project, reference/, skill: /context/, agent: /max-turns: a positive whole number/ },
  },
  {
    name: 'boolean of the wrong type',
    text: (k) => doc(k === 'topic' ? swap(k, 'description', 'description: true') : k === 'skill' ? `${KEYS[k]}\ndisable-model-invocation: "yes"` : `${KEYS[k]}\nread-only: "yes"`),
    expect: { topic: /description: must be a string, not a boolean/, skill: /disable-model-invocation: must be a boolean, not a string/, agent: /read-only: true or false/ },
  },
  { name: 'huge description (2 MB)', text: (k) => doc(swap(k, 'description', `description: ${huge}`)), expect: /description: at most 1024 characters/ },
  {
    name: 'huge name (100 KB)', text: (k) => doc(swap(k, 'name', `name: ${'a'.repeat(100_000)}`)),
    expect: { topic: /name: at most 200 characters/, skill: /name: lower-case letters/, agent: /name: lower-case letters/ },
  },
  { name: 'UTF-8 BOM (valid)', text: (k) => `\uFEFF${doc(KEYS[k])}`, expect: 'ok' },
  { name: 'CRLF line endings (valid)', text: (k) => doc(KEYS[k]).replace(/\n/g, '\r\n'), expect: 'ok' },
  { name: 'BOM and CRLF (valid)', text: (k) => `\uFEFF${doc(KEYS[k]).replace(/\n/g, '\r\n')}`, expect: 'ok' },
  { name: 'closed with ... (valid)', text: (k) => `---\n${KEYS[k]}\n...\nBody text.\n`, expect: 'ok' },
  { name: 'duplicate keys', text: (k) => doc(`${KEYS[k]}\nname: again`), expect: /malformed YAML: Map keys must be unique/ },
  { name: 'empty file', text: () => '', expect: /no frontmatter/ },
  { name: 'only frontmatter, no body', text: (k) => `---\n${KEYS[k]}\n---\n`, expect: { topic: 'ok', skill: 'ok', agent: /body .*is empty/ } },
  { name: 'empty frontmatter block', text: () => '---\n---\nBody text.\n', expect: { topic: /name is required/, skill: /description is required/, agent: /description is required/ } },
  { name: 'frontmatter is a list', text: () => doc('- a\n- b'), expect: /must be a mapping of keys/ },
  { name: 'frontmatter is a scalar', text: () => doc('just some words'), expect: /must be a mapping of keys/ },
  { name: 'blank line before ---', text: (k) => `\n${doc(KEYS[k])}`, expect: /no frontmatter/ },
  { name: 'missing description', text: (k) => doc(KEYS[k].replace(/^description:.*\n?/m, '')), expect: /description is required/ },
  { name: 'multi-line description', text: (k) => doc(swap(k, 'description', 'description: |\n  first\n  second')), expect: { topic: /description must be one line/, skill: 'ok', agent: 'ok' } },
  { name: 'name: null', text: (k) => doc(swap(k, 'name', 'name: null')), expect: { topic: /name: must be a string, not null/, skill: 'ok', agent: 'ok' } },
  { name: 'alias bomb (billion laughs)', text: (k) => doc(`${KEYS[k]}\n${bomb.join('\n')}`), expect: /malformed YAML: .*alias/i },
  { name: 'NUL bytes (binary)', text: (k) => Buffer.concat([Buffer.from(doc(KEYS[k])), Buffer.from([0, 1, 2, 0])]), expect: /binary file/ },
  { name: 'Latin-1 bytes', text: (k) => latin1(doc(`${KEYS[k]}\nnote: café`)), expect: /not valid UTF-8 \(byte 0xE9 at offset \d+/ },
  { name: 'UTF-16 with BOM', text: (k) => utf16le(doc(KEYS[k])), expect: /UTF-16/ },
];

const isText = (t: string | Uint8Array): t is string => typeof t === 'string';

describe('bad input: malformed frontmatter (topics, SKILL.md, agents)', function () {
  this.timeout(30_000);
  const fs = new NodeFileSystem();

  for (const v of VARIANTS) {
    it(v.name, async () => {
      const t = temp();
      try {
        const home = path.join(t.root, 'home');
        const ws = path.join(t.root, 'ws');
        t.put(path.join(ws, '.git', 'HEAD'), 'ref: refs/heads/main\n');
        const memory = path.join(ws, '.reverie', 'memory');
        const files = {
          topic: t.put(path.join(memory, 'bad.md'), v.text('topic')),
          skill: t.put(path.join(ws, '.reverie', 'skills', 'bad', 'SKILL.md'), v.text('skill')),
          agent: t.put(path.join(ws, '.reverie', 'agents', 'bad.md'), v.text('agent')),
        };
        t.put(path.join(memory, 'MEMORY.md'), '- [Good](good.md) — fine\n');
        t.put(path.join(memory, 'good.md'), doc('name: Good\ndescription: fine\ntype: user'));
        t.put(path.join(ws, '.reverie', 'skills', 'good', 'SKILL.md'), doc('name: good\ndescription: fine'));
        t.put(path.join(ws, '.reverie', 'agents', 'good.md'), doc('name: good\ndescription: fine', 'You are good.\n'));
        const snap = snapshot(Object.values(files));
        const log = new MemoryLogger();

        const { value: results, ms } = await timed(`frontmatter: ${v.name}`, async () => {
          const topics = await listTopics(fs, memory);
          const skills = await new SkillCatalog({ fs, log, places: () => ({ cwd: ws, roots: [ws], home, includeClaudeCode: false, disabled: [] }) }).scan();
          const agents = await discoverAgents(fs, { cwd: ws, roots: [ws], home }, log);
          return { topics, skills, agents };
        });
        assert.ok(ms < 5_000, `took ${ms} ms`);

        // The good ones always load.
        assert.ok(results.topics.find((x) => x.file === 'good.md')?.frontmatter, 'good topic');
        assert.ok(results.skills.skills.some((s) => s.name === 'good'), 'good skill');
        assert.ok(results.agents.agents.some((a) => a.name === 'good'), 'good agent');

        const problem: Record<Kind, string | undefined> = {
          topic: (() => {
            const bad = results.topics.find((x) => x.file === 'bad.md');
            assert.ok(bad, 'the broken topic is still listed (the tree shows it with its problem)');
            return bad.frontmatter ? undefined : bad.issues.map((i) => `${i.message} (line ${i.line})`).join('; ');
          })(),
          skill: results.skills.problems.find((p) => p.file === files.skill)?.message,
          agent: results.agents.problems.find((p) => p.file === files.agent)?.message,
        };
        for (const kind of ['topic', 'skill', 'agent'] as const) {
          const want = v.expect instanceof RegExp || v.expect === 'ok' ? v.expect : v.expect[kind];
          if (want === 'ok') {
            assert.equal(problem[kind], undefined, `${kind}: expected to load, got: ${problem[kind]}`);
            if (kind === 'skill') assert.ok(results.skills.skills.some((s) => s.name === 'bad' && s.description === 'a broken one' || s.name === 'bad'));
            if (kind === 'agent') assert.ok(results.agents.agents.some((a) => a.name === 'bad'));
          } else {
            assert.ok(problem[kind], `${kind}: no problem reported`);
            assert.match(problem[kind]!, want, `${kind}: unclear problem`);
            assert.ok(problem[kind]!.length < 400, `${kind}: problem too long (${problem[kind]!.length} chars)`);
          }
          countCase('1 malformed frontmatter');
        }
        // The skill and agent problems name the file in the log (the user sees where).
        if (problem.skill) assert.ok(log.lines.some((l) => l.includes(files.skill) && l.includes(problem.skill!)), 'skill log names the file');
        if (problem.agent) assert.ok(log.lines.some((l) => l.includes(files.agent)), 'agent log names the file');

        // The language server marks the text (the editor has decoded it) with an error too.
        for (const kind of ['topic', 'skill'] as const) {
          const text = v.text(kind);
          if (!isText(text)) continue;
          const want = v.expect instanceof RegExp || v.expect === 'ok' ? v.expect : v.expect[kind];
          const errors = (kind === 'topic' ? analyzeTopic(text) : analyzeSkill(text)).filter((d) => d.severity === 'error');
          if (want === 'ok') assert.deepEqual(errors.map((e) => e.message), [], `LSP ${kind}`);
          else {
            assert.ok(errors.length > 0, `LSP ${kind}: no error for ${v.name}`);
            assert.ok(errors.every((e) => e.message.length > 10 && e.message.length < 400), `LSP ${kind}: ${errors.map((e) => e.message).join(' | ')}`);
          }
        }
        snap.assertUnchanged();
        if (process.env.BAD_INPUT_VERBOSE) console.log(`        ${v.name}:`, problem);
      } finally {
        t.dispose();
      }
    });
  }
});
