import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { listTopics } from '../../../src/core/memory/topics';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { tempDir, type TempDir } from './tempDir';

describe('topic files', () => {
  const nodeFs = new NodeFileSystem();
  let t: TempDir;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.dispose());

  it('lists every .md beside MEMORY.md, except the index, with frontmatter or issues', async () => {
    const dir = path.join(t.root, 'memory');
    t.put('memory/MEMORY.md', '- [A](a.md) — a');
    t.put('memory/b.md', '---\nname: B\ndescription: about b\ntype: feedback\n---\nbody');
    t.put('memory/a.md', '---\nname: A\ntype: nonsense\n---\n');
    t.put('memory/notes.txt', 'not a topic');
    t.put('memory/sub/c.md', 'in a subfolder: not listed');
    fs.symlinkSync(path.join(dir, 'b.md'), path.join(dir, 'link.md'));
    const topics = await listTopics(nodeFs, dir);
    assert.deepEqual(topics.map((x) => x.file), ['a.md', 'b.md', 'link.md']);
    const [a, b, link] = topics;
    assert.equal(a.path, path.join(dir, 'a.md'));
    assert.equal(a.frontmatter, undefined);
    assert.deepEqual(a.issues.map((i) => i.message).sort(), [
      'description is required: One line saying what this memory is about; Reverie uses it to decide whether to read the file.',
      'type must be one of user, feedback, project, reference',
    ]);
    assert.deepEqual(b.frontmatter, { name: 'B', description: 'about b', type: 'feedback' });
    assert.deepEqual(b.issues, []);
    assert.equal(link.frontmatter?.name, 'B');
  });

  it('lists nothing for a missing folder', async () => {
    assert.deepEqual(await listTopics(nodeFs, path.join(t.root, 'nope')), []);
  });
});
