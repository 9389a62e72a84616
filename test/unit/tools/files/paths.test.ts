import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { editFileTool } from '../../../../src/core/tools/editFile';
import { listFilesTool } from '../../../../src/core/tools/listFiles';
import { readFileTool } from '../../../../src/core/tools/readFile';
import { writeFileTool } from '../../../../src/core/tools/writeFile';
import { harness, type Harness } from './harness';

describe('file tool paths and authorization', () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.dispose());

  it('sees `..` traversal for the outside path it is', async () => {
    const secret = path.join(h.outside, 'secret.txt');
    fs.writeFileSync(secret, 'outside\n');
    h.answer = (req) => (req.kind === 'read' && req.path === secret ? { granted: false, reason: 'outside the workspace' } : { granted: true });
    const r = await h.run(readFileTool, { path: 'src/../../outside/secret.txt' });
    assert.equal(r.isError, true);
    assert.match(r.content, /outside the workspace/);
    assert.deepEqual(h.requests, [{ kind: 'read', tool: 'read_file', path: secret }]);
  });

  it('asks about the real target of a symlink that points outside the workspace', async () => {
    const secret = path.join(h.outside, 'secret.txt');
    fs.writeFileSync(secret, 'outside\n');
    fs.symlinkSync(h.outside, path.join(h.root, 'link'));
    const r = await h.run(readFileTool, { path: 'link/secret.txt' });
    assert.equal(h.requests[0].kind === 'read' && h.requests[0].path, secret);
    assert.match(r.content, /outside/, 'granted, so it reads');
    assert.ok(h.session.readFiles.has(secret), 'the read is recorded under the real path');

    h.answer = () => ({ granted: false, reason: 'not allowed' });
    const denied = await h.run(readFileTool, { path: 'link/secret.txt', offset: 1 });
    assert.match(denied.content, /really .*outside.*secret\.txt.*not allowed/);
  });

  it('judges a new file under a symlinked folder by where it would land', async () => {
    fs.symlinkSync(h.outside, path.join(h.root, 'link'));
    h.answer = () => ({ granted: false, reason: 'no writes outside' });
    const r = await h.run(writeFileTool, { path: 'link/deep/new.txt', content: 'x' });
    assert.equal(r.isError, true);
    const req = h.requests[0];
    assert.equal(req.kind, 'edit');
    assert.equal(req.kind === 'edit' && req.path, path.join(h.outside, 'deep', 'new.txt'));
    assert.equal(fs.existsSync(path.join(h.outside, 'deep')), false);
  });

  it('edits through a symlinked file only after asking about its real path', async () => {
    const target = path.join(h.outside, 'conf.txt');
    fs.writeFileSync(target, 'a = 1\n');
    fs.symlinkSync(target, path.join(h.root, 'conf.txt'));
    await h.run(readFileTool, { path: 'conf.txt' });
    const r = await h.run(editFileTool, { path: 'conf.txt', old_string: 'a = 1', new_string: 'a = 2' });
    assert.equal(r.isError, undefined, r.content);
    assert.deepEqual(h.requests.map((q) => [q.kind, q.kind !== 'command' && q.path]), [['read', target], ['edit', target]]);
    assert.equal(fs.readFileSync(target, 'utf8'), 'a = 2\n');
    assert.ok(fs.lstatSync(path.join(h.root, 'conf.txt')).isSymbolicLink(), 'the link stays a link');
  });

  it('resolves ~/ against the home folder', async () => {
    const saved = process.env.HOME;
    process.env.HOME = h.outside;
    try {
      fs.writeFileSync(path.join(h.outside, 'notes.md'), 'home note\n');
      const r = await h.run(readFileTool, { path: '~/notes.md' });
      assert.match(r.content, /home note/);
      assert.deepEqual(h.requests[0], { kind: 'read', tool: 'read_file', path: path.join(h.outside, 'notes.md') });
    } finally {
      process.env.HOME = saved;
    }
  });

  it('asks before listing a folder and quotes a denial', async () => {
    h.answer = () => ({ granted: false, reason: 'the user said no' });
    const r = await h.run(listFilesTool, { path: '..' });
    assert.equal(r.isError, true);
    assert.match(r.content, /the user said no/);
    assert.deepEqual(h.requests, [{ kind: 'read', tool: 'list_files', path: path.dirname(h.root) }]);
  });
});
