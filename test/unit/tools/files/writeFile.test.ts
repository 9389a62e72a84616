import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readFileTool } from '../../../../src/core/tools/readFile';
import { writeFileTool } from '../../../../src/core/tools/writeFile';
import { age, harness, TextDiagnostics, type Harness } from './harness';

describe('write_file', () => {
  let h: Harness;
  beforeEach(() => (h = harness({ diagnostics: new TextDiagnostics() })));
  afterEach(() => h.dispose());

  it('creates a new file and its folders without a prior read', async () => {
    const r = await h.run(writeFileTool, { path: 'src/new/deep.ts', content: 'export {};\nconst x = 1;\n' });
    assert.equal(r.isError, undefined, r.content);
    assert.equal(r.content, 'Created src/new/deep.ts (2 lines).');
    assert.equal(h.get('src/new/deep.ts'), 'export {};\nconst x = 1;\n');
    const file = path.join(h.root, 'src/new/deep.ts');
    assert.deepEqual(h.requests, [{ kind: 'edit', tool: 'write_file', path: file, before: undefined, after: 'export {};\nconst x = 1;\n' }]);
  });

  it('will not replace a file it has not read', async () => {
    h.put('a.txt', 'original\n');
    const r = await h.run(writeFileTool, { path: 'a.txt', content: 'new\n' });
    assert.equal(r.isError, true);
    assert.match(r.content, /have not read it.*read_file first/);
    assert.equal(h.get('a.txt'), 'original\n');
    assert.equal(h.requests.length, 0, 'nothing asked of the user');
  });

  it('replaces a file it has read, and can write it again without re-reading', async () => {
    const file = h.put('a.txt', 'original\n');
    await h.run(readFileTool, { path: 'a.txt' });
    const r = await h.run(writeFileTool, { path: 'a.txt', content: 'second\nversion\n' });
    assert.equal(r.content, 'Wrote a.txt (2 lines).');
    const edit = h.requests[1];
    assert.ok(edit.kind === 'edit' && edit.before === 'original\n' && edit.after === 'second\nversion\n');
    const again = await h.run(writeFileTool, { path: 'a.txt', content: 'third\n' });
    assert.equal(again.isError, undefined, again.content);
    assert.equal(fs.readFileSync(file, 'utf8'), 'third\n');
  });

  it('refuses when the file changed on disk after the read (same size, new mtime too)', async () => {
    const file = h.put('a.txt', 'aaaa\n');
    age(file, 60);
    await h.run(readFileTool, { path: 'a.txt' });
    fs.writeFileSync(file, 'bbbb\n'); // same size, fresh mtime
    const r = await h.run(writeFileTool, { path: 'a.txt', content: 'mine\n' });
    assert.equal(r.isError, true);
    assert.match(r.content, /changed on disk since you last read it.*Read it again/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'bbbb\n');
  });

  it('writes the user\'s version when they changed it, and shows the model the difference', async () => {
    h.answer = (req) => (req.kind === 'edit' ? { granted: true, finalText: 'line one\nuser line\n' } : { granted: true });
    const r = await h.run(writeFileTool, { path: 'n.txt', content: 'line one\nmodel line\n' });
    assert.equal(r.isError, undefined);
    assert.equal(h.get('n.txt'), 'line one\nuser line\n');
    assert.match(r.content, /The user changed your proposal/);
    assert.match(r.content, /^-model line$/m);
    assert.match(r.content, /^\+user line$/m);
    const again = await h.run(writeFileTool, { path: 'n.txt', content: 'x\n' });
    assert.equal(again.isError, undefined, 'the written version counts as read');
  });

  it('quotes a denial and writes nothing', async () => {
    h.answer = () => ({ granted: false, reason: 'The user rejected this change: use tabs' });
    const r = await h.run(writeFileTool, { path: 'x/y.txt', content: 'z' });
    assert.equal(r.isError, true);
    assert.match(r.content, /use tabs/);
    assert.equal(fs.existsSync(path.join(h.root, 'x')), false);
  });

  it('keeps a CRLF file CRLF when the model writes LF', async () => {
    h.put('win.txt', 'a\r\nb\r\n');
    await h.run(readFileTool, { path: 'win.txt' });
    await h.run(writeFileTool, { path: 'win.txt', content: 'c\nd\n' });
    assert.equal(h.get('win.txt'), 'c\r\nd\r\n');
  });

  it('refuses a folder', async () => {
    h.put('d/f.txt', '');
    const r = await h.run(writeFileTool, { path: 'd', content: 'x' });
    assert.equal(r.isError, true);
    assert.match(r.content, /folder/);
  });

  it('still reports a done write when the diagnostics fail', async () => {
    h.ctx.diagnostics = { get: async () => { throw new Error('language server crashed'); } };
    const r = await h.run(writeFileTool, { path: 'd.ts', content: 'x\n' });
    assert.equal(r.isError, undefined);
    assert.equal(r.content, 'Created d.ts (1 line).');
    assert.equal(h.get('d.ts'), 'x\n');
  });

  it('reports new problems in the file, not the ones that were already there', async () => {
    h.put('p.ts', 'WARN: old warning\nok\n');
    await h.run(readFileTool, { path: 'p.ts' });
    const r = await h.run(writeFileTool, { path: 'p.ts', content: 'fine\nWARN: old warning\nERR: Cannot find name x\n' });
    assert.match(r.content, /New problems in this file:\n- line 3:1 error: Cannot find name x \(fake\)$/);
    assert.doesNotMatch(r.content, /old warning/);
  });
});
