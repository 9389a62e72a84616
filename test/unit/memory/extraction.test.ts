import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createMemoryExtractor, turnDigest } from '../../../src/core/memory/extraction';
import { projectMemoryDir, userMemoryDir } from '../../../src/core/memory/locations';
import { NodeCommandRunner } from '../../../src/node/nodeCommandRunner';
import { NodeFileSearch } from '../../../src/node/nodeFileSearch';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { toolResultsSent } from '../../fixtures/fixScenario';
import { MockAnthropicServer, reply, toolCall } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess } from '../fakes';

describe('memory extraction pass', () => {
  let mock: MockAnthropicServer;
  before(async () => (mock = await MockAnthropicServer.start({ apiKeys: ['test-key'] })));
  after(() => mock.close());

  it('saves what the model chooses into the memory folder, and cannot write anywhere else', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-x-home-'));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-x-ws-'));
    const projectDir = projectMemoryDir({ home, workspaceRoot: root, location: 'private' });
    const commands = new NodeCommandRunner();
    const extract = createMemoryExtractor({
      access: fakeAccess(mock.url), log: new MemoryLogger(), fs: new NodeFileSystem(), search: new NodeFileSearch({ ripgrep: false }), commands,
      places: () => ({ roots: [root], cwd: root, home, reverieDir: path.join(home, '.reverie'), projectDir, userDir: userMemoryDir(home) }),
      sessionDir: (id) => path.join(home, 'sessions', id),
    });
    mock.enqueue(
      toolCall('write_file', { path: path.join(projectDir, 'deploys.md'), content: '---\nname: Deploys\ndescription: how releases go out\ntype: project\n---\nReleases go out on Fridays.\n' }, { id: 'toolu_topic' }),
      toolCall('write_file', { path: path.join(root, 'sneaky.txt'), content: 'not allowed' }, { id: 'toolu_out' }),
      toolCall('write_file', { path: path.join(projectDir, 'MEMORY.md'), content: '- [Deploys](deploys.md) — release day\n' }, { id: 'toolu_index' }),
      reply('Saved one memory.'),
    );
    const saved = await extract([{ role: 'user', content: 'We release on Fridays.' }, { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] }], new AbortController().signal);
    commands.dispose();
    assert.equal(saved, 1);
    assert.ok(fs.existsSync(path.join(projectDir, 'deploys.md')));
    assert.ok(!fs.existsSync(path.join(root, 'sneaky.txt')), 'a write outside the memory folder is refused');
    assert.match(toolResultsSent(mock.requests).get('toolu_out')!.content, /Permission needed/);
    assert.match(JSON.stringify(mock.requests[0].body.messages[0]), /We release on Fridays/);
    assert.deepEqual(mock.requests[0].body.tools.map((t: { name: string }) => t.name), ['edit_file', 'glob', 'list_files', 'read_file', 'write_file']);
  });

  it('turnDigest keeps the conversation text, leaves out reminders, and summarises tool calls', () => {
    const digest = turnDigest([
      { role: 'user', content: [{ type: 'text', text: '<system-reminder>lots of context</system-reminder>' }, { type: 'text', text: 'fix it' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'read_file', input: { path: 'a.ts' } }] },
    ]);
    assert.match(digest, /User: fix it/);
    assert.match(digest, /Assistant used read_file \{"path":"a.ts"\}/);
    assert.doesNotMatch(digest, /lots of context/);
  });
});
