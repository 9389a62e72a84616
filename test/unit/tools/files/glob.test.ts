import * as assert from 'node:assert/strict';
import { globTool } from '../../../../src/core/tools/glob';
import { existsSync } from 'node:fs';
import { age, harness, RG_PATH, type Harness } from './harness';

// The same cases over both ways of listing the tree: the JavaScript walk and `rg --files`.
for (const rg of [false, true]) describe(`glob (${rg ? 'ripgrep' : 'JavaScript walk'})`, () => {
  let h: Harness;
  before(function () {
    if (rg && !existsSync(RG_PATH)) this.skip(); // `npm test` installs it first (scripts/setup-tools.sh)
  });
  beforeEach(() => (h = harness(rg ? { rgPath: RG_PATH } : {})));
  afterEach(() => h.dispose());

  it('finds files by name at any depth, newest first', async () => {
    age(h.put('old.ts', ''), 300);
    age(h.put('src/mid.ts', ''), 200);
    age(h.put('src/deep/new.ts', ''), 100);
    h.put('src/readme.md', '');
    const r = await h.run(globTool, { pattern: '*.ts' });
    assert.equal(r.content, 'src/deep/new.ts\nsrc/mid.ts\nold.ts');
    assert.deepEqual(h.requests, [{ kind: 'read', tool: 'glob', path: h.root }]);
  });

  it('anchors a pattern with a slash at the search folder, and searches a subfolder', async () => {
    h.put('src/a.ts', '');
    h.put('other/src/b.ts', '');
    assert.equal((await h.run(globTool, { pattern: 'src/**/*.ts' })).content, 'src/a.ts');
    assert.equal((await h.run(globTool, { pattern: '*.ts', path: 'other' })).content, 'other/src/b.ts');
  });

  it('respects .gitignore, skips .git, and includes dotfiles', async () => {
    h.put('.gitignore', 'dist/\n');
    h.put('dist/bundle.js', '');
    h.put('.git/config.js', '');
    h.put('.eslintrc.js', '');
    h.put('src/x.js', '');
    const r = await h.run(globTool, { pattern: '*.js' });
    assert.deepEqual(r.content.split('\n').sort(), ['.eslintrc.js', 'src/x.js']);
  });

  it('returns at most 100 files and says so', async () => {
    for (let i = 0; i < 120; i++) h.put(`f${i}.txt`, '');
    const r = await h.run(globTool, { pattern: '*.txt' });
    assert.equal(r.content.split('\n\n')[0].split('\n').length, 100);
    assert.match(r.content, /Showing the 100 most recently modified matches; there are more/);
  });

  it('says when nothing matches, and refuses an absolute pattern', async () => {
    assert.match((await h.run(globTool, { pattern: '*.rs' })).content, /No files match \*\.rs/);
    const abs = await h.run(globTool, { pattern: '/etc/*.conf' });
    assert.equal(abs.isError, true);
    assert.match(abs.content, /relative/);
  });
});
