import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { projectKey, projectMemoryDir, userMemoryDir } from '../../../src/core/memory/locations';

describe('memory locations', () => {
  const home = path.resolve('/home/ana');

  it('puts private project memory under ~/.reverie/projects/<key>/memory', () => {
    const dir = projectMemoryDir({ home, workspaceRoot: '/home/ana/src/reverie', location: 'private' });
    assert.match(dir, /^\/home\/ana\/\.reverie\/projects\/home-ana-src-reverie-[0-9a-f]{12}\/memory$/);
  });

  it('puts workspace memory in the repository, and user memory in ~/.reverie/memory', () => {
    assert.equal(projectMemoryDir({ home, workspaceRoot: '/w/repo/', location: 'workspace' }), '/w/repo/.reverie/memory');
    assert.equal(userMemoryDir(home), '/home/ana/.reverie/memory');
  });

  it('keys are stable, ignore a trailing slash, and differ for paths that slug alike', () => {
    assert.equal(projectKey('/w/a-b'), projectKey('/w/a-b/'));
    assert.equal(projectKey('/w/a-b'), projectKey('/w/a-b'));
    assert.equal(projectKey('/w/a-b').slice(0, -13), projectKey('/w/a/b').slice(0, -13));
    assert.notEqual(projectKey('/w/a-b'), projectKey('/w/a/b'));
    assert.notEqual(projectKey('/w/A'), projectKey('/w/a'));
  });

  it('keys are filesystem-safe and bounded, keeping the end of a long path', () => {
    const key = projectKey(`/very/${'deep/'.repeat(40)}my project (2)/ünïcode`);
    assert.match(key, /^[A-Za-z0-9-]+$/);
    assert.ok(key.length <= 60 + 13, key);
    assert.match(key, /my-project-2-n-code-[0-9a-f]{12}$/);
    assert.match(projectKey('/'), /^root-[0-9a-f]{12}$/);
  });
});
