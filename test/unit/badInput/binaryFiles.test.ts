/**
 * Bad input 3: binary and non-UTF-8 files (PNG bytes, NUL bytes, Latin-1, UTF-16 with a BOM,
 * invalid UTF-8 sequences, a 50 MB file). read_file says what each one is; edit_file and write_file
 * never silently replace bytes with U+FFFD; grep (ripgrep and the JS walk) skips or handles them;
 * the memory index loader rejects them by name.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadIndex } from '../../../src/core/memory/memoryIndex';
import { editFileTool } from '../../../src/core/tools/editFile';
import { grepTool } from '../../../src/core/tools/grep';
import { readFileTool } from '../../../src/core/tools/readFile';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { harness, RG_PATH, type Harness } from '../tools/files/harness';
import { countCase, latin1, PNG_BYTES, snapshot, timed, utf16le } from './support';

const FILES: Array<{ name: string; bytes: () => Uint8Array; read: RegExp; edit: RegExp }> = [
  { name: 'image.png', bytes: () => PNG_BYTES, read: /image\.png is a binary file \(a PNG image\)/, edit: /binary file \(a PNG image\).*left unchanged/ },
  { name: 'nul.txt', bytes: () => Buffer.from('needle one\n\0\0\0 two\n'), read: /nul\.txt is a binary file \(\d+ bytes\)/, edit: /binary file; edit_file changes UTF-8 text files only/ },
  { name: 'utf16.txt', bytes: () => utf16le('needle in UTF-16\n'), read: /utf16\.txt is UTF-16 text .*reads UTF-8 only/, edit: /UTF-16 text, not UTF-8/ },
];

describe('bad input: binary and non-UTF-8 files', function () {
  this.timeout(60_000);
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.dispose());

  for (const f of FILES) {
    it(`${f.name}: read_file says what it is; edit_file and write_file leave it unchanged`, async () => {
      const file = h.put(f.name, f.bytes());
      const snap = snapshot([file]);
      const read = await h.run(readFileTool, { path: f.name });
      assert.equal(read.isError, true);
      assert.match(read.content, f.read);
      // It was never read, so neither tool may replace it.
      const edit = await h.run(editFileTool, { path: f.name, old_string: 'needle', new_string: 'pin' });
      assert.equal(edit.isError, true);
      const write = await h.run(writeFileTool, { path: f.name, content: 'text now' });
      assert.equal(write.isError, true);
      assert.match(write.content, /you have not read it/);
      // Even with a recorded read (the file changed type under a stale record), edit_file refuses by content.
      const st = fs.statSync(file);
      h.session.readFiles.set(file, { mtimeMs: st.mtimeMs, size: st.size, complete: true });
      const edit2 = await h.run(editFileTool, { path: f.name, old_string: 'needle', new_string: 'pin' });
      assert.match(edit2.content, f.edit);
      snap.assertUnchanged();
      countCase('3 binary / non-UTF-8', 3);
    });
  }

  for (const [name, bytes] of [['latin1.txt', latin1('needle café\nline two\n')], ['invalid.txt', Buffer.from([0x6e, 0x65, 0x65, 0x64, 0x6c, 0x65, 0x20, 0xc3, 0x28, 0xa0, 0xa1, 0x0a])]] as const) {
    it(`${name}: read_file shows it with a note; edit_file refuses; write_file will not write U+FFFD back`, async () => {
      const file = h.put(name, bytes);
      const snap = snapshot([file]);
      const read = await h.run(readFileTool, { path: name });
      assert.equal(read.isError, undefined);
      assert.match(read.content, /is not valid UTF-8, probably another encoding such as Latin-1/);
      const edit = await h.run(editFileTool, { path: name, old_string: 'needle', new_string: 'pin' });
      assert.equal(edit.isError, true);
      assert.match(edit.content, /is not valid UTF-8; editing it would replace the bytes/);
      // The model copies what it saw (with U+FFFD) into a whole-file write: refused.
      const seen = read.content.split('\n').filter((l) => /^\s+\d+\t/.test(l)).map((l) => l.replace(/^\s+\d+\t/, '')).join('\n');
      const write = await h.run(writeFileTool, { path: name, content: seen.replace('needle', 'pin') });
      assert.equal(write.isError, true, write.content);
      assert.match(write.content, /not valid UTF-8 .*U\+FFFD.*left unchanged/);
      snap.assertUnchanged();
      countCase('3 binary / non-UTF-8', 3);
    });
  }

  it('a 50 MB file: read_file refuses a whole read fast and reads a part', async () => {
    const line = 'some log line with words in it, padded to be a bit longer than usual ........\n';
    const big = Buffer.from(line.repeat(Math.ceil((50 * 1024 * 1024) / line.length)));
    h.put('big.log', big);
    const { value: whole, ms } = await timed('50 MB file: read_file (refused)', () => h.run(readFileTool, { path: 'big.log' }));
    assert.equal(whole.isError, true);
    assert.match(whole.content, /big\.log is 50\.0 MB .*more than the 256 KB read_file reads at once/);
    const { value: part, ms: partMs } = await timed('50 MB file: read_file offset 600000 limit 3', () => h.run(readFileTool, { path: 'big.log', offset: 600_000, limit: 3 }));
    assert.match(part.content, /600000\tsome log line/);
    assert.ok(ms < 5_000 && partMs < 5_000, `${ms} / ${partMs} ms`);
    countCase('3 binary / non-UTF-8', 2);
  });

  for (const engine of ['ripgrep', 'js'] as const) {
    it(`grep (${engine}) skips binary files, finds text in the others, never crashes`, async function () {
      if (engine === 'ripgrep' && !fs.existsSync(RG_PATH)) throw new Error(`ripgrep missing at ${RG_PATH}`);
      const g = harness(engine === 'ripgrep' ? { rgPath: RG_PATH } : { ripgrep: false });
      try {
        for (const f of FILES) g.put(f.name, f.bytes());
        g.put('latin1.txt', latin1('needle café\n'));
        g.put('plain.txt', 'a needle here\n');
        g.put('big.bin', Buffer.concat([Buffer.alloc(1024, 0), Buffer.from('needle\n')]));
        const { value: r } = await timed(`grep (${engine}) over binary / non-UTF-8 files`, () => g.run(grepTool, { pattern: 'needle', output_mode: 'content' }));
        assert.equal(r.isError, undefined, r.content);
        assert.match(r.content, /plain\.txt:1:a needle here/);
        assert.match(r.content, /latin1\.txt:1:needle caf/);
        assert.doesNotMatch(r.content, /image\.png|big\.bin|nul\.txt/);
        countCase('3 binary / non-UTF-8');
      } finally {
        g.dispose();
      }
    });
  }

  it('the memory index loader rejects binary, UTF-16 and Latin-1 MEMORY.md by name, loading nothing', async () => {
    const fsPort = new NodeFileSystem();
    for (const [bytes, why] of [[PNG_BYTES, /binary file/], [utf16le('- [A](a.md)\n'), /UTF-16/], [latin1('- [Café](c.md)\n'), /not valid UTF-8/]] as const) {
      const file = h.put(path.join('mem', 'MEMORY.md'), bytes);
      const loaded = await loadIndex(fsPort, file);
      assert.equal(loaded?.content, '');
      assert.match(loaded!.notice!, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} .*It was not loaded`));
      assert.match(loaded!.problem!, why);
      countCase('3 binary / non-UTF-8');
    }
  });
});
