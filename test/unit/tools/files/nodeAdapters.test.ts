import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeFileSystem } from '../../../../src/node/nodeFileSystem';

describe('NodeFileSystem', () => {
  let dir: string;
  const nfs = new NodeFileSystem();
  beforeEach(() => (dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-nfs-')))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes atomically, creating parent folders and leaving no temp file', async () => {
    const file = path.join(dir, 'a', 'b', 'c.txt');
    await nfs.writeFile(file, 'héllo\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'héllo\n');
    await nfs.writeFile(file, 'again\n');
    assert.equal(fs.readFileSync(file, 'utf8'), 'again\n');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['c.txt']);
  });

  it('keeps an existing file\'s permissions and writes through a symlink', async function () {
    if (process.platform === 'win32') this.skip();
    const target = path.join(dir, 'script.sh');
    fs.writeFileSync(target, 'echo 1\n');
    fs.chmodSync(target, 0o754);
    fs.symlinkSync(target, path.join(dir, 'link.sh'));
    await nfs.writeFile(path.join(dir, 'link.sh'), 'echo 2\n');
    assert.equal(fs.statSync(target).mode & 0o777, 0o754);
    assert.equal(fs.readFileSync(target, 'utf8'), 'echo 2\n');
    assert.ok(fs.lstatSync(path.join(dir, 'link.sh')).isSymbolicLink());
  });

  it('stats, resolves real paths and lists folders', async () => {
    fs.mkdirSync(path.join(dir, 'sub'));
    fs.writeFileSync(path.join(dir, 'f.txt'), '12345');
    fs.symlinkSync(path.join(dir, 'sub'), path.join(dir, 'ln'));
    assert.equal(await nfs.stat(path.join(dir, 'missing')), undefined);
    assert.equal(await nfs.stat(path.join(dir, 'f.txt', 'under-a-file')), undefined);
    const s = await nfs.stat(path.join(dir, 'f.txt'));
    assert.deepEqual([s?.kind, s?.size], ['file', 5]);
    assert.equal((await nfs.stat(path.join(dir, 'ln')))?.kind, 'directory');
    assert.equal(await nfs.realPath(path.join(dir, 'ln')), path.join(dir, 'sub'));
    await assert.rejects(nfs.realPath(path.join(dir, 'missing')));
    const entries = (await nfs.readDirectory(dir)).sort((a, b) => a.name.localeCompare(b.name));
    assert.deepEqual(entries, [{ name: 'f.txt', kind: 'file' }, { name: 'ln', kind: 'other' }, { name: 'sub', kind: 'directory' }]);
    assert.deepEqual([...(await nfs.readFile(path.join(dir, 'f.txt')))], [...Buffer.from('12345')]);
  });
});
