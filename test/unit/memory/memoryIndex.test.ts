import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { capIndex, indexLinks, loadIndex } from '../../../src/core/memory/memoryIndex';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { tempDir, type TempDir } from './tempDir';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const numbered = (n: number, width = 0) => Array.from({ length: n }, (_, i) => `- entry ${i + 1}`.padEnd(width, '.')).join('\n') + '\n';

describe('memory index (MEMORY.md)', () => {
  const nodeFs = new NodeFileSystem();
  let t: TempDir;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.dispose());

  it('is undefined when the index does not exist', async () => {
    assert.equal(await loadIndex(nodeFs, path.join(t.root, 'memory', 'MEMORY.md')), undefined);
  });

  it('loads exactly 200 lines whole, with no notice', async () => {
    const text = numbered(200);
    const index = await loadIndex(nodeFs, t.put('MEMORY.md', text));
    assert.ok(index);
    assert.equal(index.content, text);
    assert.equal(index.totalLines, 200);
    assert.equal(index.totalBytes, bytes(text));
    assert.equal(index.truncatedBy, undefined);
    assert.equal(index.notice, undefined);
  });

  it('cuts line 201 and tells the model about the line cap', async () => {
    const file = t.put('MEMORY.md', numbered(201));
    const index = (await loadIndex(nodeFs, file))!;
    assert.equal(index.truncatedBy, 'lines');
    assert.equal(index.totalLines, 201);
    assert.equal(index.loadedLines, 200);
    assert.equal(index.content.split('\n').length, 200);
    assert.ok(index.content.endsWith('- entry 200'));
    assert.ok(!index.content.includes('entry 201'));
    assert.ok(index.notice);
    assert.ok(index.notice.includes(file));
    assert.match(index.notice, /201 lines/);
    assert.match(index.notice, /capped at 200 lines/);
    assert.match(index.notice, /one short line per entry \(under ~150 characters\)/);
    assert.match(index.notice, /topic files/);
  });

  it('cuts a 30 KB index of short lines at the last line break before 25,000 bytes', async () => {
    const text = numbered(190, 159); // 190 lines of 160 bytes with the break: 30,400 bytes, under the line cap
    assert.equal(bytes(text), 30_400);
    const index = (await loadIndex(nodeFs, t.put('MEMORY.md', text)))!;
    assert.equal(index.truncatedBy, 'bytes');
    // 156 whole lines end at byte 24,960 (the break at 24,959 is the last one before 25,000)
    assert.equal(index.loadedLines, 156);
    assert.equal(bytes(index.content), 156 * 160 - 1);
    assert.ok(text.startsWith(index.content + '\n'));
    assert.match(index.notice!, /capped at 25,000 bytes/);
    assert.match(index.notice!, /30,400 bytes/);
  });

  it('applies the byte cap after the line cap', () => {
    const index = capIndex('/m/MEMORY.md', numbered(300, 199)); // 200 lines x 200 bytes = 40,000
    assert.equal(index.truncatedBy, 'bytes');
    assert.equal(index.totalLines, 300);
    // the 125th line's break is byte 24,999, the last one inside the first 25,000 bytes
    assert.equal(index.loadedLines, 125);
    assert.equal(bytes(index.content), 24_999);
  });

  it('counts UTF-8 bytes, not characters, and never splits a character', () => {
    const line = 'é'.repeat(99); // 198 bytes + break = 199 bytes a line, 99 characters
    const text = Array.from({ length: 150 }, () => line).join('\n') + '\n'; // 29,850 bytes, only 14,850 characters
    const index = capIndex('/m/MEMORY.md', text);
    assert.equal(index.totalBytes, 29_850);
    assert.equal(index.truncatedBy, 'bytes');
    assert.equal(index.loadedLines, 125); // 125 * 199 = 24,875 bytes
    assert.ok(index.content.split('\n').every((l) => l === line));
  });

  it('cuts one huge line at a character boundary', () => {
    const index = capIndex('/m/MEMORY.md', '€'.repeat(10_000)); // 3 bytes each
    assert.equal(index.truncatedBy, 'bytes');
    assert.equal(bytes(index.content), 24_999);
    assert.ok(!index.content.includes('\uFFFD'));
  });

  describe('indexLinks', () => {
    it('reads `- [Title](file.md) — hook` entries with their line and column', () => {
      const content = [
        '# Memory',
        '- [Testing setup](testing.md) — how to run the suite offline',
        '* [Deploys](<deploy notes.md>) - staging first',
        '- [No hook](bare.md)',
        '- not a link',
        '```',
        '- [In code](code.md) — ignored',
        '```',
        '  - [Esc \\] title](x/y.md "t") – nested',
      ].join('\n');
      assert.deepEqual(indexLinks(content), [
        { title: 'Testing setup', file: 'testing.md', hook: 'how to run the suite offline', line: 2, column: 19 },
        { title: 'Deploys', file: 'deploy notes.md', hook: 'staging first', line: 3, column: 14 },
        { title: 'No hook', file: 'bare.md', hook: '', line: 4, column: 13 },
        { title: 'Esc ] title', file: 'x/y.md', hook: 'nested', line: 9, column: 20 },
      ]);
    });
  });
});
