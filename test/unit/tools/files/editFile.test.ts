import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { editFileTool } from '../../../../src/core/tools/editFile';
import { readFileTool } from '../../../../src/core/tools/readFile';
import { age, harness, TextDiagnostics, type Harness } from './harness';

describe('edit_file', () => {
  let h: Harness;
  beforeEach(() => (h = harness({ diagnostics: new TextDiagnostics() })));
  afterEach(() => h.dispose());

  async function readied(rel: string, content: string | Buffer) {
    const file = h.put(rel, content);
    age(file, 60);
    await h.run(readFileTool, { path: rel });
    return file;
  }

  it('replaces one exact match and shows the changed lines with numbers', async () => {
    const file = await readied('a.ts', 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'four', new_string: 'FOUR\nFOUR-B' });
    assert.equal(r.isError, undefined, r.content);
    assert.equal(h.get('a.ts'), 'one\ntwo\nthree\nFOUR\nFOUR-B\nfive\nsix\nseven\neight\n');
    assert.equal(r.content, [
      'Edited a.ts (1 replacement). The changed part now reads:',
      '     1\tone', '     2\ttwo', '     3\tthree', '     4\tFOUR', '     5\tFOUR-B', '     6\tfive', '     7\tsix', '     8\tseven',
    ].join('\n'));
    const edit = h.requests.at(-1)!;
    assert.ok(edit.kind === 'edit' && edit.path === file && edit.before?.includes('four') && edit.after.includes('FOUR-B'));
  });

  it('needs a read first', async () => {
    h.put('a.ts', 'x\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'x', new_string: 'y' });
    assert.equal(r.isError, true);
    assert.match(r.content, /read_file first/);
    assert.equal(h.get('a.ts'), 'x\n');
  });

  it('refuses a stale edit when the file changed after the read', async () => {
    const file = await readied('a.ts', 'let x = 1;\n');
    fs.appendFileSync(file, '// user typed this\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'x = 1', new_string: 'x = 2' });
    assert.equal(r.isError, true);
    assert.match(r.content, /changed on disk.*Read it again/);
    assert.equal(h.get('a.ts'), 'let x = 1;\n// user typed this\n');
  });

  it('refuses an ambiguous match, saying how many and what to do', async () => {
    await readied('a.ts', 'foo();\nbar();\nfoo();\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'foo();', new_string: 'baz();' });
    assert.equal(r.isError, true);
    assert.match(r.content, /matches 2 places.*replace_all/);
    assert.equal(h.requests.filter((q) => q.kind === 'edit').length, 0);
  });

  it('replace_all changes every occurrence', async () => {
    await readied('a.ts', 'foo();\nbar();\nfoo();\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'foo', new_string: 'baz', replace_all: true });
    assert.match(r.content, /2 replacements/);
    assert.equal(h.get('a.ts'), 'baz();\nbar();\nbaz();\n');
  });

  it('on no match, points at the closest line', async () => {
    await readied('a.ts', 'function add(a, b) {\n  return a + b;\n}\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'function add(a, c) {', new_string: 'x' });
    assert.equal(r.isError, true);
    assert.match(r.content, /not found in a\.ts\. The closest line is 1: "function add\(a, b\) \{"/);
  });

  it('on no match, says when only whitespace differs', async () => {
    await readied('a.py', 'def f():\n\treturn 1\n');
    const r = await h.run(editFileTool, { path: 'a.py', old_string: 'def f():\n    return 1', new_string: 'x' });
    assert.match(r.content, /matches at line 1 if indentation and spacing are ignored/);
  });

  it('on no match, recognises pasted line-number prefixes', async () => {
    await readied('a.ts', 'x\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: '     1\tx', new_string: 'y' });
    assert.match(r.content, /line-number prefixes/);
  });

  it('rejects old_string equal to new_string, and an empty old_string', async () => {
    await readied('a.ts', 'x\n');
    assert.match((await h.run(editFileTool, { path: 'a.ts', old_string: 'x', new_string: 'x' })).content, /the same/);
    assert.match((await h.run(editFileTool, { path: 'a.ts', old_string: '', new_string: 'x' })).content, /empty.*write_file/);
  });

  it('applies several edits in order, and none when one fails', async () => {
    await readied('a.ts', 'alpha\nbeta\ngamma\n');
    const ok = await h.run(editFileTool, {
      path: 'a.ts',
      edits: [
        { old_string: 'alpha', new_string: 'ALPHA' },
        { old_string: 'ALPHA\nbeta', new_string: 'ALPHA\nBETA' }, // sees the first edit's result
      ],
    });
    assert.equal(ok.isError, undefined, ok.content);
    assert.equal(h.get('a.ts'), 'ALPHA\nBETA\ngamma\n');
    assert.equal(h.requests.filter((q) => q.kind === 'edit').length, 1, 'one approval for the whole set');

    const bad = await h.run(editFileTool, {
      path: 'a.ts',
      edits: [{ old_string: 'gamma', new_string: 'GAMMA' }, { old_string: 'delta', new_string: 'DELTA' }],
    });
    assert.equal(bad.isError, true);
    assert.match(bad.content, /^Edit 2 of 2: old_string was not found in a\.ts \(after the earlier edits\).*No edits were made\.$/s);
    assert.equal(h.get('a.ts'), 'ALPHA\nBETA\ngamma\n');
  });

  it('keeps CRLF line endings when the model edits with LF strings', async () => {
    await readied('win.txt', 'a\r\nb\r\nc\r\n');
    const r = await h.run(editFileTool, { path: 'win.txt', old_string: 'a\nb', new_string: 'a\nB\nb2' });
    assert.equal(r.isError, undefined, r.content);
    assert.equal(h.get('win.txt'), 'a\r\nB\r\nb2\r\nc\r\n');
    assert.doesNotMatch(r.content, /\r/);
  });

  it('inserts replacement text literally ($& and $1 are not patterns)', async () => {
    await readied('a.ts', 'price\n');
    await h.run(editFileTool, { path: 'a.ts', old_string: 'price', new_string: '$& costs $1' });
    assert.equal(h.get('a.ts'), '$& costs $1\n');
  });

  it('keeps a UTF-8 byte order mark', async () => {
    const file = await readied('bom.txt', Buffer.from('\ufeffhello\n', 'utf8'));
    await h.run(editFileTool, { path: 'bom.txt', old_string: 'hello', new_string: 'bye' });
    assert.deepEqual([...fs.readFileSync(file).subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(fs.readFileSync(file, 'utf8'), '\ufeffbye\n');
  });

  it('writes the user\'s version when they changed it, with the difference in the result', async () => {
    await readied('a.ts', 'let x = 1;\n');
    h.answer = (req) => (req.kind === 'edit' ? { granted: true, finalText: 'let x = 3; // user\n' } : { granted: true });
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'x = 1', new_string: 'x = 2' });
    assert.equal(h.get('a.ts'), 'let x = 3; // user\n');
    assert.match(r.content, /     1\tlet x = 3; \/\/ user/);
    assert.match(r.content, /The user changed your proposal.*\n[^]*^-let x = 2;$\n^\+let x = 3; \/\/ user$/m);
  });

  it('quotes a denial and leaves the file alone', async () => {
    await readied('a.ts', 'x\n');
    h.answer = (req) => (req.kind === 'edit' ? { granted: false, reason: 'plan mode: no edits' } : { granted: true });
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'x', new_string: 'y' });
    assert.equal(r.isError, true);
    assert.match(r.content, /plan mode: no edits/);
    assert.equal(h.get('a.ts'), 'x\n');
  });

  it('sends a missing file to write_file, and refuses non-UTF-8 and binary files', async () => {
    assert.match((await h.run(editFileTool, { path: 'none.ts', old_string: 'a', new_string: 'b' })).content, /does not exist.*write_file/);
    await readied('l1.txt', Buffer.from('caf\xe9\n', 'latin1'));
    const l1 = await h.run(editFileTool, { path: 'l1.txt', old_string: 'caf', new_string: 'tea' });
    assert.match(l1.content, /not valid UTF-8/);
    const bin = h.put('b.bin', Buffer.from([1, 0, 2]));
    h.session.readFiles.set(bin, { mtimeMs: fs.statSync(bin).mtimeMs, size: 3, complete: true });
    assert.match((await h.run(editFileTool, { path: 'b.bin', old_string: 'a', new_string: 'b' })).content, /binary/);
  });

  it('lets a second edit follow the first without a re-read', async () => {
    await readied('a.ts', 'a\nb\n');
    await h.run(editFileTool, { path: 'a.ts', old_string: 'a', new_string: 'A' });
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'b', new_string: 'B' });
    assert.equal(r.isError, undefined, r.content);
    assert.equal(h.get('a.ts'), 'A\nB\n');
  });

  it('asks for one input form', async () => {
    await readied('a.ts', 'a\n');
    const both = await h.run(editFileTool, { path: 'a.ts', old_string: 'a', new_string: 'b', edits: [{ old_string: 'a', new_string: 'c' }] });
    assert.match(both.content, /not both/);
    assert.match((await h.run(editFileTool, { path: 'a.ts' })).content, /Give old_string and new_string, or edits/);
    assert.match((await h.run(editFileTool, { path: 'a.ts', old_string: 'a' })).content, /both old_string and new_string/);
  });

  it('appends the problems the edit introduced', async () => {
    await readied('a.ts', 'WARN: existing\nconst a = 1;\n');
    const r = await h.run(editFileTool, { path: 'a.ts', old_string: 'const a = 1;', new_string: 'const a = ;  ERR: Expression expected' });
    assert.match(r.content, /\n\nNew problems in this file:\n- line 2:\d+ error: Expression expected \(fake\)$/);
    assert.doesNotMatch(r.content, /existing \(fake\)/);
  });
});
