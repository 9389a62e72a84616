import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listFilesTool } from '../../../../src/core/tools/listFiles';
import { harness, type Harness } from './harness';

describe('list_files', () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.dispose());

  it('draws an indented tree, folders first, two levels deep by default', async () => {
    h.put('z.txt', '');
    h.put('a.txt', '');
    h.put('src/main.ts', '');
    h.put('src/util/deep.ts', '');
    h.put('.github/ci.yml', '');
    const r = await h.run(listFilesTool, {});
    assert.equal(r.content, ['./', '  .github/', '    ci.yml', '  src/', '    util/', '    main.ts', '  a.txt', '  z.txt'].join('\n'));
    const deeper = await h.run(listFilesTool, { path: 'src', depth: 3 });
    assert.equal(deeper.content, ['src/', '  util/', '    deep.ts', '  main.ts'].join('\n'));
  });

  it('leaves out what .gitignore files ignore (nested ones for their folder) and .git', async () => {
    h.put('.gitignore', 'node_modules/\n*.log\n');
    h.put('.git/HEAD', 'ref');
    h.put('node_modules/x/index.js', '');
    h.put('app.log', '');
    h.put('keep.txt', '');
    h.put('pkg/.gitignore', 'dist/\n!important.log\n');
    h.put('pkg/dist/out.js', '');
    h.put('pkg/important.log', '');
    h.put('pkg/other.log', '');
    h.put('other/dist/kept.js', '');
    const r = await h.run(listFilesTool, { depth: 3 });
    assert.equal(r.content, [
      './', '  other/', '    dist/', '      kept.js', '  pkg/', '    .gitignore', '    important.log', '  .gitignore', '  keep.txt',
    ].join('\n'));
  });

  it('applies the repository root\'s .gitignore when listing a subfolder', async () => {
    fs.mkdirSync(path.join(h.root, '.git'));
    h.put('.gitignore', 'build/\n');
    h.put('pkg/build/x.js', '');
    h.put('pkg/src.ts', '');
    const r = await h.run(listFilesTool, { path: 'pkg' });
    assert.equal(r.content, 'pkg/\n  src.ts');
  });

  it('stops at 1,000 entries and says how to see the rest', async () => {
    for (let i = 0; i < 1005; i++) h.put(`many/f${String(i).padStart(4, '0')}.txt`, '');
    const r = await h.run(listFilesTool, { path: 'many' });
    assert.equal(r.content.split('\n').filter((l) => l.startsWith('  f')).length, 1000);
    assert.match(r.content, /Stopped at 1,000 entries; list a subfolder, or use glob/);
  });

  it('refuses a file or a missing path', async () => {
    h.put('a.txt', '');
    assert.match((await h.run(listFilesTool, { path: 'a.txt' })).content, /is a file.*read_file/);
    assert.match((await h.run(listFilesTool, { path: 'nope' })).content, /does not exist/);
  });
});
