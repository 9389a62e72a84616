import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { grepTool } from '../../../../src/core/tools/grep';
import { NodeFileSearch } from '../../../../src/node/nodeFileSearch';
import { harness, RG_PATH, type Harness } from './harness';

const engines: Array<{ name: string; options: { rgPath?: string; ripgrep?: boolean } }> = [
  { name: 'JavaScript fallback', options: { ripgrep: false } },
  { name: 'ripgrep', options: { rgPath: RG_PATH } },
];

for (const engine of engines) {
  describe(`grep (${engine.name})`, () => {
    let h: Harness;
    before(function () {
      if (engine.options.rgPath && !fs.existsSync(engine.options.rgPath)) this.skip();
    });
    beforeEach(() => {
      h = harness(engine.options);
      h.put('src/a.ts', 'import x from "y";\nexport function alpha() {}\nconst beta = alpha();\n');
      h.put('src/b.ts', 'export function Alpha2() {}\n');
      h.put('docs/readme.md', 'alpha is documented here\n');
    });
    afterEach(() => h.dispose());

    it('lists the files with matches by default', async () => {
      const r = await h.run(grepTool, { pattern: 'alpha' });
      assert.deepEqual(r.content.split('\n').sort(), ['docs/readme.md', 'src/a.ts']);
      assert.deepEqual(h.requests, [{ kind: 'read', tool: 'grep', path: h.root }]);
    });

    it('shows matching lines with numbers, and context lines marked apart', async () => {
      const r = await h.run(grepTool, { pattern: 'function alpha', output_mode: 'content' });
      assert.equal(r.content, 'src/a.ts:2:export function alpha() {}');
      const c = await h.run(grepTool, { pattern: 'beta', output_mode: 'content', context: 1, path: 'src' });
      assert.equal(c.content, 'src/a.ts-2-export function alpha() {}\nsrc/a.ts:3:const beta = alpha();');
    });

    it('counts per file, ignores case on request, and filters by glob', async () => {
      const count = await h.run(grepTool, { pattern: 'alpha', output_mode: 'count', path: 'src/a.ts' });
      assert.equal(count.content, 'src/a.ts:2');
      const ci = await h.run(grepTool, { pattern: 'ALPHA', case_insensitive: true, glob: '*.ts' });
      assert.deepEqual(ci.content.split('\n').sort(), ['src/a.ts', 'src/b.ts']);
    });

    it('respects .gitignore, skips binary files and .git, searches dotfiles', async () => {
      h.put('.gitignore', 'generated/\n');
      h.put('generated/alpha.ts', 'alpha\n');
      h.put('blob.bin', Buffer.concat([Buffer.from('alpha'), Buffer.from([0, 1, 2])]));
      h.put('.git/alpha-ref', 'alpha\n');
      h.put('.config/settings.json', '{"alpha": 1}\n');
      const r = await h.run(grepTool, { pattern: 'alpha' });
      assert.deepEqual(r.content.split('\n').sort(), ['.config/settings.json', 'docs/readme.md', 'src/a.ts']);
    });

    it('stops at head_limit and says there are more', async () => {
      h.put('many.txt', Array.from({ length: 50 }, (_, i) => `hit ${i}`).join('\n'));
      const r = await h.run(grepTool, { pattern: 'hit', output_mode: 'content', head_limit: 10 });
      const lines = r.content.split('\n\n')[0].split('\n');
      assert.equal(lines.length, 10);
      assert.equal(lines[9], 'many.txt:10:hit 9');
      assert.match(r.content, /Stopped at 10 matching lines.*There are more/);
    });

    it('turns an invalid regular expression into an error result', async () => {
      const r = await h.run(grepTool, { pattern: 'foo(' });
      assert.equal(r.isError, true);
      // The two engines word it differently, which also proves which one ran.
      assert.match(r.content, engine.options.rgPath ? /^grep failed: regex parse error/ : /^grep failed: Invalid regular expression/);
      assert.match(r.content, /escape regex characters/);
    });

    it('says when nothing matches', async () => {
      const r = await h.run(grepTool, { pattern: 'zzz', glob: '*.md' });
      assert.equal(r.isError, undefined);
      assert.match(r.content, /No matches for "zzz" in \. \(files matching \*\.md\)/);
    });

    it('port: honours limit with context, and reports truncation only when more exist', async () => {
      const search = new NodeFileSearch(engine.options);
      const file = h.put('ctx.txt', 'a\nhit1\nb\nc\nhit2\nd\n');
      const signal = new AbortController().signal;
      const one = await search.grep({ pattern: 'hit', path: file, context: 1, limit: 1, signal });
      assert.deepEqual(one.matches.map((m) => [m.line, m.text]), [[1, 'a'], [2, 'hit1'], [3, 'b']]);
      assert.equal(one.truncated, true);
      const two = await search.grep({ pattern: 'hit', path: file, limit: 2, signal });
      assert.equal(two.truncated, false);
      assert.equal(two.matches.length, 2);
    });

    it('port: stops when the signal aborts', async () => {
      const search = new NodeFileSearch(engine.options);
      const ac = new AbortController();
      const running = search.grep({ pattern: 'alpha', path: h.root, limit: 10, signal: ac.signal });
      ac.abort();
      await assert.rejects(running, { name: 'AbortError' });
      await assert.rejects(search.glob('*', { cwd: h.root, limit: 10, signal: ac.signal }), { name: 'AbortError' });
    });
  });
}
