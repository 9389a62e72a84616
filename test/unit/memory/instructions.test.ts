import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadInstructions, NestedInstructions, type InstructionFile } from '../../../src/core/memory/instructions';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { tempDir, type TempDir } from './tempDir';

describe('instruction files', () => {
  const nodeFs = new NodeFileSystem();
  let t: TempDir;
  let home: string;
  let ws: string;
  beforeEach(() => {
    t = tempDir();
    home = path.join(t.root, 'home');
    ws = path.join(t.root, 'ws');
    fs.mkdirSync(home);
    fs.mkdirSync(ws);
  });
  afterEach(() => t.dispose());

  const opts = (cwd = ws, roots = [ws]) => ({ roots, cwd, userDir: path.join(home, '.reverie'), home });
  const load = (cwd?: string, roots?: string[]) => loadInstructions(nodeFs, opts(cwd, roots));
  const rel = (files: InstructionFile[]) => files.map((f) => path.relative(t.root, f.path));
  const byName = (files: InstructionFile[], name: string) => files.find((f) => f.path.endsWith(name))!;

  it('loads user files, then AGENTS.md and CLAUDE.md from the root down to cwd', async () => {
    t.put('home/.reverie/CLAUDE.md', 'user claude');
    t.put('home/.reverie/AGENTS.md', 'user agents');
    t.put('ws/CLAUDE.md', 'root claude');
    t.put('ws/AGENTS.md', 'root agents');
    t.put('ws/pkg/AGENTS.md', 'pkg agents');
    t.put('ws/pkg/app/CLAUDE.md', 'app claude');
    t.put('ws/pkg/app/deeper/AGENTS.md', 'below cwd: not loaded at start');
    t.put('ws/other/AGENTS.md', 'sibling: not loaded');
    const files = await load(path.join(ws, 'pkg', 'app'));
    assert.deepEqual(rel(files), [
      'home/.reverie/AGENTS.md',
      'home/.reverie/CLAUDE.md',
      'ws/AGENTS.md',
      'ws/CLAUDE.md',
      'ws/pkg/AGENTS.md',
      'ws/pkg/app/CLAUDE.md',
    ]);
    assert.deepEqual(files.map((f) => f.scope), ['user', 'user', 'project', 'project', 'project', 'project']);
    assert.equal(files[2].content, 'root agents');
    assert.deepEqual(files.flatMap((f) => f.notes), []);
  });

  it('loads nothing when there are no files', async () => {
    assert.deepEqual(await load(), []);
  });

  it('loads a CLAUDE.md that is a symlink to AGENTS.md once', async () => {
    t.put('ws/AGENTS.md', 'shared');
    fs.symlinkSync('AGENTS.md', path.join(ws, 'CLAUDE.md'));
    assert.deepEqual(rel(await load()), ['ws/AGENTS.md']);
  });

  it('loads the root of another workspace folder too', async () => {
    const second = path.join(t.root, 'second');
    t.put('second/AGENTS.md', 'second root');
    t.put('ws/AGENTS.md', 'first root');
    assert.deepEqual(rel(await load(ws, [ws, second])), ['ws/AGENTS.md', 'second/AGENTS.md']);
  });

  it('follows relative, ~/ and absolute imports, each as its own entry after the importer', async () => {
    const abs = t.put('elsewhere/abs.md', 'absolute one');
    t.put('home/notes/mine.md', 'from home');
    t.put('ws/docs/style.md', 'style rules @./sub/deep.md');
    t.put('ws/docs/sub/deep.md', 'deep rules');
    t.put('ws/AGENTS.md', `Read @docs/style.md.\nAlso @~/notes/mine.md and @${abs}\nafter`);
    const files = await load();
    assert.deepEqual(rel(files), ['ws/AGENTS.md', 'ws/docs/style.md', 'ws/docs/sub/deep.md', 'home/notes/mine.md', 'elsewhere/abs.md']);
    assert.equal(byName(files, 'deep.md').importedFrom, path.join(ws, 'docs', 'style.md'));
    assert.equal(byName(files, 'mine.md').content, 'from home');
    assert.equal(byName(files, 'mine.md').scope, 'project');
    assert.deepEqual(files.flatMap((f) => f.notes), []);
  });

  it('follows an import with an escaped space', async () => {
    t.put('ws/my notes.md', 'spaced');
    t.put('ws/AGENTS.md', 'see @my\\ notes.md');
    assert.deepEqual(rel(await load()), ['ws/AGENTS.md', 'ws/my notes.md']);
  });

  it('follows imports 5 levels deep and notes the sixth', async () => {
    for (let i = 1; i <= 6; i++) t.put(`ws/l${i}.md`, i < 6 ? `level ${i} @l${i + 1}.md` : 'level 6');
    t.put('ws/AGENTS.md', '@l1.md');
    const files = await load();
    assert.deepEqual(rel(files), ['ws/AGENTS.md', 'ws/l1.md', 'ws/l2.md', 'ws/l3.md', 'ws/l4.md', 'ws/l5.md']);
    assert.deepEqual(byName(files, 'l5.md').notes, ['@l6.md (line 1) not imported: imports are followed at most 5 levels deep']);
  });

  it('detects a cycle, notes it and still loads each file once', async () => {
    t.put('ws/a.md', 'A @b.md');
    t.put('ws/b.md', 'B @a.md');
    t.put('ws/AGENTS.md', 'root @a.md');
    const files = await load();
    assert.deepEqual(rel(files), ['ws/AGENTS.md', 'ws/a.md', 'ws/b.md']);
    assert.deepEqual(byName(files, 'b.md').notes, ['@a.md (line 1) skipped: import cycle (a.md -> b.md -> a.md)']);
  });

  it('notes a file that imports itself', async () => {
    t.put('ws/AGENTS.md', 'me @AGENTS.md');
    const files = await load();
    assert.equal(files.length, 1);
    assert.match(files[0].notes[0], /import cycle \(AGENTS\.md -> AGENTS\.md\)/);
  });

  it('imports a file reached twice without a cycle only once, silently', async () => {
    t.put('ws/shared.md', 'shared');
    t.put('ws/a.md', '@shared.md');
    t.put('ws/AGENTS.md', '@a.md @shared.md');
    const files = await load();
    assert.deepEqual(rel(files), ['ws/AGENTS.md', 'ws/a.md', 'ws/shared.md']);
    assert.deepEqual(files.flatMap((f) => f.notes), []);
  });

  it('skips a missing import with a note naming it and its line', async () => {
    t.put('ws/AGENTS.md', 'line one\nsee @docs/missing.md please');
    const files = await load();
    assert.equal(files.length, 1);
    assert.deepEqual(files[0].notes, [`@docs/missing.md (line 2) skipped: ${path.join(ws, 'docs', 'missing.md')} does not exist`]);
  });

  it('strips HTML comments, including imports inside them, and keeps the rest', async () => {
    t.put('ws/hidden.md', 'should not load');
    t.put('ws/AGENTS.md', 'keep <!-- inline --> this\n<!--\nmulti-line\n@hidden.md\n-->\nend');
    const files = await load();
    assert.equal(files.length, 1);
    assert.equal(files[0].content, 'keep  this\n\nend');
  });

  it('leaves comments and @ inside code spans and fences alone, and ignores emails and mentions', async () => {
    for (const name of ['span.md', 'fence.md', 'tilde.md', 'b.c', 'x.md']) t.put(`ws/${name}`, 'must not load');
    const text = [
      'Use `@span.md` and ``a ` @x.md`` literally; mail a@b.c; ping @alice.',
      '```sh',
      'npm i @fence.md <!-- kept -->',
      '```',
      '~~~~',
      '@tilde.md',
      '```',
      '~~~~',
      'after `<!-- kept too -->`',
    ].join('\n');
    t.put('ws/AGENTS.md', text);
    const files = await load();
    assert.deepEqual(rel(files), ['ws/AGENTS.md']);
    assert.equal(files[0].content, text);
    assert.deepEqual(files[0].notes, []);
  });

  it('asks allowImport before following an import', async () => {
    t.put('home/secret.md', 'secret');
    t.put('ws/AGENTS.md', '@~/secret.md');
    const asked: string[] = [];
    const files = await loadInstructions(nodeFs, { ...opts(), allowImport: (target) => (asked.push(target), false) });
    assert.deepEqual(asked, [path.join(home, 'secret.md')]);
    assert.deepEqual(rel(files), ['ws/AGENTS.md']);
    assert.match(files[0].notes[0], /not allowed/);
  });

  describe('NestedInstructions', () => {
    it('attaches files in folders between the root and a read file, once each', async () => {
      t.put('ws/AGENTS.md', 'root');
      t.put('ws/pkg/AGENTS.md', 'pkg @notes.md');
      t.put('ws/pkg/notes.md', 'pkg notes');
      t.put('ws/pkg/lib/CLAUDE.md', 'lib');
      t.put('ws/pkg/lib/x.ts', '');
      t.put('ws/pkg/lib/y.ts', '');
      const initial = await load();
      assert.deepEqual(rel(initial), ['ws/AGENTS.md']);
      const nested = new NestedInstructions(nodeFs, { roots: [ws], userDir: path.join(home, '.reverie'), home }, initial);
      assert.deepEqual(rel(await nested.forPath(path.join(ws, 'pkg', 'lib', 'x.ts'))), ['ws/pkg/AGENTS.md', 'ws/pkg/notes.md', 'ws/pkg/lib/CLAUDE.md']);
      assert.deepEqual(await nested.forPath(path.join(ws, 'pkg', 'lib', 'y.ts')), []);
      assert.deepEqual(await nested.forPath(path.join(ws, 'pkg', 'notes.md')), []);
      assert.deepEqual(await nested.forPath(path.join(t.root, 'outside', 'z.ts')), []);
    });

    it('does not attach again what the start already loaded, even through an import', async () => {
      t.put('ws/AGENTS.md', '@pkg/AGENTS.md');
      t.put('ws/pkg/AGENTS.md', 'pkg');
      t.put('ws/pkg/a.ts', '');
      const initial = await load();
      assert.deepEqual(rel(initial), ['ws/AGENTS.md', 'ws/pkg/AGENTS.md']);
      const nested = new NestedInstructions(nodeFs, { roots: [ws], userDir: path.join(home, '.reverie'), home }, initial);
      assert.deepEqual(await nested.forPath(path.join(ws, 'pkg', 'a.ts')), []);
    });
  });
});
