/**
 * Bad input 6 and 7: an empty workspace, and one with 100,000 files (1,000 folders of 100, plus an
 * ignored node_modules and .git). On the empty one the tools answer clearly and memory init works;
 * on the big one glob, grep, list_files and skill/memory discovery stay bounded (caps, truncation
 * notices) and fast. The big tree is generated once under the OS temp folder and reused.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listTopics } from '../../../src/core/memory/topics';
import { SkillCatalog } from '../../../src/core/skills/catalog';
import { globTool } from '../../../src/core/tools/glob';
import { grepTool } from '../../../src/core/tools/grep';
import { listFilesTool } from '../../../src/core/tools/listFiles';
import { newToolSession, type ToolContext, type ToolDefinition } from '../../../src/core/tools/tool';
import { createMemory } from '../../../src/host/memoryEdits';
import { NodeFileSearch } from '../../../src/node/nodeFileSearch';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { RG_PATH } from '../tools/files/harness';
import { countCase, temp, timed } from './support';

const BIG = path.join(os.tmpdir(), 'reverie-badinput-100k');
const DIRS = 1000;
const PER_DIR = 100;

/** 100,000 files in BIG (made once; a marker says the tree is complete). */
function bigTree(): void {
  const marker = path.join(BIG, '.complete');
  if (fs.existsSync(marker)) return;
  fs.rmSync(BIG, { recursive: true, force: true });
  for (let d = 0; d < DIRS; d++) {
    const dir = path.join(BIG, 'src', `pkg${String(d).padStart(4, '0')}`);
    fs.mkdirSync(dir, { recursive: true });
    for (let f = 0; f < PER_DIR; f++) fs.writeFileSync(path.join(dir, `file${f}.ts`), f === 7 && d % 10 === 0 ? `export const needle${d} = ${f};\n` : `export const x = ${f};\n`);
  }
  fs.mkdirSync(path.join(BIG, 'node_modules', 'dep'), { recursive: true });
  for (let f = 0; f < 1000; f++) fs.writeFileSync(path.join(BIG, 'node_modules', 'dep', `m${f}.ts`), 'export const needle = 1;\n');
  fs.mkdirSync(path.join(BIG, '.git'), { recursive: true });
  fs.writeFileSync(path.join(BIG, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  fs.writeFileSync(path.join(BIG, '.gitignore'), 'node_modules/\n');
  fs.writeFileSync(marker, '');
}

function context(root: string, rg: boolean): ToolContext {
  return {
    cwd: root, roots: [root], signal: new AbortController().signal, fs: new NodeFileSystem(),
    search: new NodeFileSearch(rg ? { rgPath: RG_PATH } : { ripgrep: false }),
    commands: undefined as never, session: newToolSession(path.join(os.tmpdir(), 'reverie-badinput-session')), log: new MemoryLogger(),
    authorize: async () => ({ granted: true }),
  };
}
const run = <I>(tool: ToolDefinition<I>, input: unknown, ctx: ToolContext) => tool.run(tool.input.parse(input), ctx);

describe('bad input: an empty workspace', function () {
  this.timeout(20_000);
  const t = temp();
  after(() => t.dispose());

  it('glob, grep and list_files answer clearly; memory init works; no skills, no topics', async () => {
    for (const rg of [true, false]) {
      const ctx = context(t.root, rg);
      assert.match((await run(globTool, { pattern: '**/*' }, ctx)).content, /^No files match \*\*\/\* in \. /);
      assert.match((await run(grepTool, { pattern: 'anything' }, ctx)).content, /^No matches for "anything" in \./);
      assert.match((await run(listFilesTool, {}, ctx)).content, /\(empty, or everything in it is ignored by \.gitignore\)/);
      countCase('6 empty workspace', 3);
    }
    const fsPort = new NodeFileSystem();
    const dir = path.join(t.root, '.reverie', 'memory');
    assert.deepEqual(await listTopics(fsPort, dir), []);
    const file = await createMemory({ fs: fsPort, projectMemoryDir: () => dir }, { type: 'project', name: 'First', description: 'The first memory' });
    assert.equal(fs.readFileSync(path.join(dir, 'MEMORY.md'), 'utf8'), '- [First](first.md) — The first memory\n');
    assert.equal((await listTopics(fsPort, dir))[0].frontmatter?.name, 'First');
    assert.ok(fs.existsSync(file));
    const skills = await new SkillCatalog({ fs: fsPort, log: new MemoryLogger(), places: () => ({ cwd: t.root, roots: [t.root], home: path.join(t.root, 'nohome'), includeClaudeCode: true, disabled: [] }) }).scan();
    assert.deepEqual([skills.skills.length, skills.problems.length], [0, 0]);
    countCase('6 empty workspace', 3);
  });
});

describe('bad input: a workspace with 100,000 files', function () {
  this.timeout(120_000);
  before(async function () {
    const { ms } = await timed('100k tree: generate (0 when reused)', () => bigTree());
    if (ms > 0) console.log(`      100k tree at ${BIG}: ${ms} ms`);
  });

  it('glob stops at 100 matches with a notice', async () => {
    const ctx = context(BIG, true);
    const { value: r, ms } = await timed('100k tree: glob **/*.ts', () => run(globTool, { pattern: '**/*.ts' }, ctx));
    assert.equal(r.content.split('\n').filter((l) => l.endsWith('.ts')).length, 100);
    assert.match(r.content, /Showing the 100 most recently modified matches; there are more/);
    assert.doesNotMatch(r.content, /node_modules/);
    assert.ok(ms < 30_000, `${ms} ms`);
    countCase('7 100,000 files');
  });

  for (const rg of [true, false]) {
    it(`grep (${rg ? 'ripgrep' : 'js'}) finds the 100 needles, skips node_modules, caps its output`, async () => {
      const ctx = context(BIG, rg);
      const { value: files, ms } = await timed(`100k tree: grep files_with_matches (${rg ? 'ripgrep' : 'js'})`, () => run(grepTool, { pattern: 'needle\\d+' }, ctx));
      const listed = files.content.split('\n').filter((l) => l.endsWith('.ts'));
      assert.equal(listed.length, 100);
      assert.ok(listed.every((l) => !l.includes('node_modules')));
      const { value: capped } = await timed(`100k tree: grep content head_limit 10 (${rg ? 'ripgrep' : 'js'})`, () => run(grepTool, { pattern: 'export', output_mode: 'content', head_limit: 10 }, ctx));
      assert.match(capped.content, /Stopped at 10 matching lines/);
      assert.ok(ms < 45_000, `${ms} ms`);
      countCase('7 100,000 files', 2);
    });
  }

  it('list_files stops at 1,000 entries with a notice', async () => {
    const ctx = context(BIG, true);
    const { value: r } = await timed('100k tree: list_files depth 3', () => run(listFilesTool, { depth: 3 }, ctx));
    assert.match(r.content, /Stopped at 1,000 entries; list a subfolder, or use glob/);
    assert.ok(r.content.split('\n').length < 1_100);
    assert.doesNotMatch(r.content, /node_modules/);
    countCase('7 100,000 files');
  });

  it('skill discovery and the memory topic list stay bounded (they read only their folders)', async () => {
    const fsPort = new NodeFileSystem();
    const { value: set } = await timed('100k tree: skill catalog scan', () =>
      new SkillCatalog({ fs: fsPort, log: new MemoryLogger(), places: () => ({ cwd: path.join(BIG, 'src', 'pkg0001'), roots: [BIG], home: path.join(BIG, 'nohome'), includeClaudeCode: true, disabled: [] }) }).scan());
    assert.equal(set.skills.length, 0);
    const { value: topics } = await timed('100k tree: memory topics of a 100-file folder', () => listTopics(fsPort, path.join(BIG, 'src', 'pkg0002')));
    assert.deepEqual(topics, []);
    countCase('7 100,000 files', 2);
  });
});
