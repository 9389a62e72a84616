/**
 * Bad input 2: a 10 MB MEMORY.md, and one that is a single 10 MB line. Loading stays within the
 * 200-line / 25,000-byte cap and says it was cut, fast; the start reminder, the memory tree's
 * notice and the language server stay bounded; and the tools that edit the index (edit_file after a
 * partial read, the "new memory" command) change only what they are asked to.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { memoryHooks } from '../../../src/core/memory/memoryHooks';
import { loadIndex } from '../../../src/core/memory/memoryIndex';
import { INDEX_MAX_BYTES, INDEX_MAX_LINES } from '../../../src/core/memory/schema';
import { editFileTool } from '../../../src/core/tools/editFile';
import { readFileTool } from '../../../src/core/tools/readFile';
import { createMemory } from '../../../src/host/memoryEdits';
import { analyzeIndex } from '../../../src/lsp/analyze';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { MemoryLogger } from '../fakes';
import { harness } from '../tools/files/harness';
import { countCase, latin1, snapshot, temp, timed } from './support';

const TEN_MB = 10 * 1024 * 1024;
const manyLines = () => {
  const line = (i: number) => `- [Entry ${i}](entry-${i}.md) — ${'detail '.repeat(12)}`.padEnd(99, '.') + '\n';
  const parts: string[] = [];
  let size = 0;
  for (let i = 1; size < TEN_MB; i++) {
    const l = line(i);
    parts.push(l);
    size += l.length;
  }
  return parts.join('');
};
const oneLine = () => `- ${'x'.repeat(TEN_MB)}\n`;

describe('bad input: a 10 MB MEMORY.md', function () {
  this.timeout(30_000);
  const fsPort = new NodeFileSystem();
  const shapes = [
    { name: 'many lines', make: manyLines, cap: 'lines' as const },
    { name: 'a single 10 MB line', make: oneLine, cap: 'bytes' as const },
  ];

  for (const shape of shapes) {
    describe(shape.name, () => {
      const t = temp();
      const memory = path.join(t.root, 'memory');
      let index: string;
      let text: string;
      before(() => {
        text = shape.make();
        index = t.put(path.join(memory, 'MEMORY.md'), text);
      });
      after(() => t.dispose());

      it('loads within the caps, says it was cut, fast', async () => {
        const { value: loaded, ms } = await timed(`MEMORY.md 10 MB (${shape.name}): loadIndex`, () => loadIndex(fsPort, index));
        assert.ok(loaded);
        assert.equal(loaded.truncatedBy, shape.cap);
        assert.ok(Buffer.byteLength(loaded.content) <= INDEX_MAX_BYTES, `${Buffer.byteLength(loaded.content)} bytes loaded`);
        assert.ok(loaded.loadedLines <= INDEX_MAX_LINES);
        assert.match(loaded.notice!, new RegExp(`MEMORY\\.md has ${loaded.totalLines} lines .*only the first ${loaded.loadedLines} lines were loaded because the index is capped`));
        assert.ok(ms < 2_000, `${ms} ms`);
        countCase('2 10 MB MEMORY.md');
      });

      it('the start reminder carries the cut index and the warning, bounded', async () => {
        const log = new MemoryLogger();
        const home = path.join(t.root, 'home');
        const hooks = memoryHooks(fsPort, () => ({ roots: [t.root], cwd: t.root, home, reverieDir: path.join(home, '.reverie'), projectDir: memory, userDir: path.join(home, '.reverie', 'memory') }), log);
        const { value: reminder, ms } = await timed(`MEMORY.md 10 MB (${shape.name}): start reminder`, () => hooks.startReminder!({} as never));
        assert.ok(reminder && reminder.length < INDEX_MAX_BYTES + 10_000, `reminder is ${reminder?.length} chars`);
        assert.match(reminder!, /WARNING: .*only the first \d+ lines were loaded/);
        assert.ok(log.lines.some((l) => l.includes(index) && l.includes(`over its ${shape.cap} cap`)));
        assert.ok(ms < 2_000);
        countCase('2 10 MB MEMORY.md');
      });

      it('the language server answers fast with a bounded number of diagnostics', async () => {
        const { value: ds, ms } = await timed(`MEMORY.md 10 MB (${shape.name}): LSP analyzeIndex`, () => analyzeIndex(text, ['MEMORY.md']));
        assert.ok(ds.some((d) => d.code === (shape.cap === 'lines' ? 'index-over-lines' : 'index-over-bytes')));
        assert.ok(ds.length <= 2_100, `${ds.length} diagnostics for one file`);
        const notLoaded = ds.filter((d) => d.code === 'index-not-loaded');
        // Every line past the cap is still marked: the last diagnostic reaches the end of the file.
        const last = notLoaded.at(-1)!;
        assert.equal(last.endLine ?? last.line, text.split('\n').length - 2);
        assert.ok(ms < 3_000, `${ms} ms`);
        countCase('2 10 MB MEMORY.md');
      });
    });
  }

  it('edit_file after a partial read changes one entry and keeps the other 10 MB byte for byte', async () => {
    const h = harness();
    try {
      const text = manyLines();
      const file = h.put('MEMORY.md', text);
      const whole = await h.run(readFileTool, { path: 'MEMORY.md' });
      assert.equal(whole.isError, true);
      assert.match(whole.content, /more than the 256 KB read_file reads at once. Read it in parts/);
      const part = await h.run(readFileTool, { path: 'MEMORY.md', offset: 1, limit: 20 });
      assert.match(part.content, /Entry 10\]/);
      const { value: edited, ms } = await timed('MEMORY.md 10 MB: edit_file one entry', () =>
        h.run(editFileTool, { path: 'MEMORY.md', old_string: '- [Entry 10](entry-10.md)', new_string: '- [Entry ten](entry-10.md)' }));
      assert.equal(edited.isError, undefined, edited.content);
      const after = fs.readFileSync(file, 'utf8');
      assert.equal(after, text.replace('- [Entry 10](entry-10.md)', '- [Entry ten](entry-10.md)'));
      assert.ok(ms < 5_000, `${ms} ms`);
      countCase('2 10 MB MEMORY.md');

      // The single 10 MB line: the read cuts it for display, the edit still keeps all of it.
      const single = oneLine();
      h.put('ONE.md', single);
      const read = await h.run(readFileTool, { path: 'ONE.md', offset: 1, limit: 1 });
      assert.match(read.content, /\[line cut: 10,485,762 characters\]|\[line cut: 10485762 characters\]/);
      const e2 = await h.run(editFileTool, { path: 'ONE.md', old_string: '- xxx', new_string: '- yyy' });
      assert.equal(e2.isError, undefined, e2.content);
      assert.equal(fs.readFileSync(path.join(h.root, 'ONE.md'), 'utf8'), `- yyy${single.slice(5)}`);
      countCase('2 10 MB MEMORY.md');
    } finally {
      h.dispose();
    }
  });

  it('"new memory" appends one line to a 10 MB index and keeps the rest; a Latin-1 index is refused, unchanged', async () => {
    const t = temp();
    try {
      const dir = path.join(t.root, 'memory');
      const text = manyLines();
      const index = t.put(path.join(dir, 'MEMORY.md'), text);
      const deps = { fs: new NodeFileSystem(), projectMemoryDir: () => dir };
      const { ms } = await timed('MEMORY.md 10 MB: "new memory" command', () => createMemory(deps, { type: 'project', name: 'Build', description: 'How to build' }));
      const after = fs.readFileSync(index, 'utf8');
      assert.equal(after, `${text}- [Build](build.md) — How to build\n`);
      assert.ok(ms < 3_000);

      const bad = t.put(path.join(t.root, 'latin', 'MEMORY.md'), latin1('- [Café](cafe.md) — notes\n'));
      const snap = snapshot([bad]);
      await assert.rejects(
        createMemory({ fs: new NodeFileSystem(), projectMemoryDir: () => path.dirname(bad) }, { type: 'user', name: 'Tea', description: 'Tea notes' }),
        (err: Error) => err.message.includes(bad) && /is not valid UTF-8 \(byte 0xE9 at offset 6/.test(err.message),
      );
      snap.assertUnchanged();
      countCase('2 10 MB MEMORY.md', 2);
    } finally {
      t.dispose();
    }
  });
});
