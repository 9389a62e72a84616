import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFileTool } from '../../../../src/core/tools/readFile';
import { age, harness, type Harness } from './harness';

describe('read_file', () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.dispose());

  const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join('\n') + '\n';

  it('numbers lines like cat -n and records the read', async () => {
    const file = h.put('src/a.ts', 'const a = 1;\n\tindented\n');
    const r = await h.run(readFileTool, { path: 'src/a.ts' });
    assert.equal(r.isError, undefined);
    assert.equal(r.content, '     1\tconst a = 1;\n     2\t\tindented');
    assert.deepEqual(h.requests, [{ kind: 'read', tool: 'read_file', path: file }]);
    const stat = fs.statSync(file);
    assert.deepEqual(h.session.readFiles.get(file), { mtimeMs: stat.mtimeMs, size: stat.size, complete: true });
  });

  it('reads an absolute path and a range with offset/limit', async () => {
    const file = h.put('b.txt', lines(10));
    const r = await h.run(readFileTool, { path: file, offset: 4, limit: 2 });
    assert.equal(r.content.split('\n\n')[0], '     4\tline 4\n     5\tline 5');
    assert.match(r.content, /Showing lines 4–5 of 10.*offset 6/);
    assert.equal(h.session.readFiles.get(file)?.complete, false);
  });

  it('says a missing file does not exist', async () => {
    const r = await h.run(readFileTool, { path: 'nope.ts' });
    assert.equal(r.isError, true);
    assert.match(r.content, /nope\.ts does not exist/);
  });

  it('points a folder at list_files', async () => {
    h.put('dir/x.txt', 'x');
    const r = await h.run(readFileTool, { path: 'dir' });
    assert.equal(r.isError, true);
    assert.match(r.content, /folder.*list_files/);
  });

  it('refuses binary files', async () => {
    h.put('img.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]));
    const r = await h.run(readFileTool, { path: 'img.png' });
    assert.equal(r.isError, true);
    assert.match(r.content, /binary file/);
    assert.equal(h.session.readFiles.size, 0);
  });

  it('shows text that is not UTF-8 with replacement characters and says so', async () => {
    h.put('latin1.txt', Buffer.from('caf\xe9 ol\xe9\n', 'latin1'));
    const r = await h.run(readFileTool, { path: 'latin1.txt' });
    assert.equal(r.isError, undefined);
    assert.match(r.content, /^ {5}1\tcaf\uFFFD ol\uFFFD/);
    assert.match(r.content, /not valid UTF-8/);
  });

  it('refuses a file over 256 KB unless offset/limit are given, saying how to read it', async () => {
    h.put('big.log', 'x'.repeat(99) + '\n'.repeat(1) + lines(3000, 'y'.repeat(90)));
    const whole = await h.run(readFileTool, { path: 'big.log' });
    assert.equal(whole.isError, true);
    assert.match(whole.content, /256 KB/);
    assert.match(whole.content, /offset 1 and limit 2000, then offset 2001/);
    assert.equal(h.session.readFiles.size, 0);
    const part = await h.run(readFileTool, { path: 'big.log', offset: 1, limit: 3 });
    assert.equal(part.isError, undefined);
    assert.match(part.content, /^ {5}1\tx{99}\n {5}2\ty{90} 1\n {5}3\ty{90} 2/);
  });

  it('stops at 2,000 lines and says which offset comes next', async () => {
    h.put('long.txt', lines(2500));
    const r = await h.run(readFileTool, { path: 'long.txt' });
    assert.equal(r.isError, undefined);
    assert.match(r.content, /  2000\tline 2000\n/);
    assert.doesNotMatch(r.content, /line 2001/);
    assert.match(r.content, /Showing lines 1–2000 of 2500.*offset 2001/);
    const rest = await h.run(readFileTool, { path: 'long.txt', offset: 2001 });
    assert.match(rest.content, /^  2001\tline 2001/);
    assert.match(rest.content, /  2500\tline 2500$/);
  });

  it('refuses a result over ~25,000 tokens with the exact offset/limit that fit', async () => {
    h.put('wide.txt', lines(1000, 'z'.repeat(190))); // ~200 KB: under 256 KB, over 100,000 characters
    const r = await h.run(readFileTool, { path: 'wide.txt' });
    assert.equal(r.isError, true);
    const m = /offset 1 and limit (\d+), then offset (\d+)/.exec(r.content);
    assert.ok(m, r.content);
    const fits = Number(m[1]);
    assert.equal(Number(m[2]), fits + 1);
    const ok = await h.run(readFileTool, { path: 'wide.txt', offset: 1, limit: fits });
    assert.equal(ok.isError, undefined);
    assert.ok(ok.content.length <= 100_000 + 200);
    const over = await h.run(readFileTool, { path: 'wide.txt', offset: 1, limit: fits + 1 });
    assert.equal(over.isError, true);
  });

  it('cuts very long lines', async () => {
    h.put('min.js', 'a'.repeat(5000) + '\nshort\n');
    const r = await h.run(readFileTool, { path: 'min.js' });
    assert.match(r.content, /a{2000}… \[line cut: 5000 characters\]\n {5}2\tshort/);
  });

  it('answers a re-read of the same unchanged range with a short notice', async () => {
    const file = h.put('a.txt', 'one\ntwo\n');
    const first = await h.run(readFileTool, { path: 'a.txt' });
    assert.match(first.content, /one/);
    const again = await h.run(readFileTool, { path: 'a.txt' });
    assert.equal(again.isError, undefined);
    assert.match(again.content, /has not changed since you read it/);
    assert.doesNotMatch(again.content, /one/);

    const other = await h.run(readFileTool, { path: 'a.txt', offset: 2 });
    assert.match(other.content, /two/, 'another range is shown');

    fs.writeFileSync(file, 'one\ntwo\nthree\n');
    age(file, 5);
    const changed = await h.run(readFileTool, { path: 'a.txt', offset: 2 });
    assert.match(changed.content, /three/, 'a changed file is shown again');
  });

  it('shows the content again when the session forgot the read (e.g. after compaction)', async () => {
    const file = h.put('a.txt', 'one\n');
    await h.run(readFileTool, { path: 'a.txt' });
    h.session.readFiles.delete(file);
    const r = await h.run(readFileTool, { path: 'a.txt' });
    assert.match(r.content, /one/);
  });

  it('rejects an offset past the end and reports an empty file', async () => {
    h.put('short.txt', 'a\nb\n');
    const r = await h.run(readFileTool, { path: 'short.txt', offset: 9 });
    assert.equal(r.isError, true);
    assert.match(r.content, /has 2 lines; offset 9 is past the end/);
    h.put('empty.txt', '');
    assert.match((await h.run(readFileTool, { path: 'empty.txt' })).content, /empty/);
  });

  it('quotes the reason when reading is denied, and reads nothing', async () => {
    h.put('secret.env', 'TOKEN=1');
    h.answer = () => ({ granted: false, reason: 'denied by rule read_file(*.env)' });
    const r = await h.run(readFileTool, { path: 'secret.env' });
    assert.equal(r.isError, true);
    assert.match(r.content, /denied by rule read_file\(\*\.env\)/);
    assert.doesNotMatch(r.content, /TOKEN/);
    assert.equal(h.session.readFiles.size, 0);
  });

  it('keeps a file path with spaces and unicode intact', async () => {
    const file = h.put(path.join('my dir', 'naïve file.md'), '# hi\n');
    const r = await h.run(readFileTool, { path: 'my dir/naïve file.md' });
    assert.match(r.content, /# hi/);
    assert.equal(h.requests[0].kind === 'read' && h.requests[0].path, file);
  });
});
