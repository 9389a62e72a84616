/**
 * Proves: a dream writes only inside its staging copy. Every spelling of a write, edit or delete
 * that would land in the live memory folder, the workspace, the transcripts, the home folder or
 * anywhere else (`..` chains from the staging folder, absolute paths, symlinks and a hard link
 * planted in the copy, case variants, `~`) is refused by `dreamAuthorizer` through the real file
 * tools and the real Node file system, and so is every command that is not read-only. Writes inside
 * the copy still work, so the refusals are not a broken tool.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dreamAuthorizer } from '../../../src/core/dream/dreamer';
import type { DreamPlaces } from '../../../src/core/dream/store';
import { createDeleteFileTool } from '../../../src/core/tools/deleteFile';
import { editFileTool } from '../../../src/core/tools/editFile';
import type { ToolDefinition } from '../../../src/core/tools/tool';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { MemoryLogger } from '../fakes';
import { harness, type Harness } from '../tools/files/harness';
import { count } from './figures';

const deleteFileTool = createDeleteFileTool((p) => fs.promises.rm(p));
const CORPUS = 'dream boundary';

describe('security: the memory folder boundary for dreaming', function () {
  this.timeout(30_000);
  let h: Harness;
  let places: DreamPlaces;
  let staging: string;
  let home: string;
  let savedHome: string | undefined;

  beforeEach(() => {
    h = harness();
    const base = path.dirname(h.root);
    home = path.join(base, 'home');
    // The default layout: ~/.reverie/projects/<key>/{memory, sessions, dream/staging/<id>}.
    const project = path.join(home, '.reverie', 'projects', 'ws-1234');
    places = {
      memoryDir: path.join(project, 'memory'), transcriptsDir: path.join(project, 'sessions'),
      stagingRoot: path.join(project, 'dream', 'staging'), snapshotsRoot: path.join(project, 'dream', 'snapshots'),
      roots: [h.root], home,
    };
    staging = path.join(places.stagingRoot, 'd1');
    for (const dir of [places.memoryDir, places.transcriptsDir, staging]) fs.mkdirSync(dir, { recursive: true });
    for (const dir of [places.memoryDir, staging]) {
      fs.writeFileSync(path.join(dir, 'MEMORY.md'), '- [Deploy](deploy.md): how we deploy\n');
      fs.writeFileSync(path.join(dir, 'deploy.md'), '---\nname: Deploy\n---\nnpm run deploy\n');
    }
    fs.writeFileSync(path.join(places.transcriptsDir, 's1.jsonl'), '{"type":"session"}\n');
    fs.writeFileSync(path.join(home, '.bashrc'), 'export PATH=$PATH\n');
    fs.writeFileSync(path.join(h.outside, 'other.md'), 'other\n');
    h.put('README.md', '# app\n');
    // Links planted in the copy, as a prompt-injected dream might try to make them through a command.
    fs.symlinkSync(places.memoryDir, path.join(staging, 'live'));
    fs.symlinkSync(path.join(places.memoryDir, 'MEMORY.md'), path.join(staging, 'live-index.md'));
    fs.symlinkSync(h.root, path.join(staging, 'ws'));
    fs.linkSync(path.join(places.memoryDir, 'deploy.md'), path.join(staging, 'hard-deploy.md'));
    savedHome = process.env.HOME;
    process.env.HOME = home;
    h.ctx.cwd = staging;
    h.ctx.roots = places.roots;
    const authorize = dreamAuthorizer(places, staging, new MemoryLogger());
    h.ctx.authorize = (request) => authorize(request);
  });
  afterEach(() => {
    process.env.HOME = savedHome;
    h.dispose();
  });

  /** Every file outside the staging copy, with its bytes, to compare before and after. */
  const outsideCopy = () => [places.memoryDir, places.transcriptsDir, h.root, h.outside, path.join(home, '.bashrc')].flatMap((p) => {
    if (fs.statSync(p).isFile()) return [`${p}:${fs.readFileSync(p, 'utf8')}`];
    return fs.readdirSync(p, { recursive: true, encoding: 'utf8' }).sort().map((f) => {
      const file = path.join(p, f);
      return `${file}:${fs.lstatSync(file).isFile() ? fs.readFileSync(file, 'utf8') : 'dir'}`;
    });
  });

  /** Marks `file` as read, so write/edit/delete reach the permission check instead of stopping at "read it first". */
  const markRead = (file: string) => {
    const s = fs.statSync(file, { throwIfNoEntry: false });
    if (s) h.session.readFiles.set(file, { mtimeMs: s.mtimeMs, size: s.size, complete: true });
  };

  /** Spellings, from the staging folder, of places a dream must not write. */
  function targets(): string[] {
    const live = places.memoryDir;
    return [
      `${live}/MEMORY.md`, `${live}/new.md`, `${live}//deploy.md`, `${live}/./deploy.md`, `${staging}/../../../memory/MEMORY.md`,
      '../../../memory/MEMORY.md', '../../../memory/new.md', './../../../memory/deploy.md', 'sub/../../../../memory/MEMORY.md',
      'live/MEMORY.md', 'live/new.md', 'live-index.md', 'hard-deploy.md', 'ws/README.md', 'ws/new.ts',
      `${h.root}/README.md`, `${h.root}/.vscode/settings.json`, `${places.transcriptsDir}/s1.jsonl`, '../../../sessions/s2.jsonl',
      '~/.bashrc', `${home}/.bashrc`, '../d2/MEMORY.md', `${places.snapshotsRoot}/x/MEMORY.md`, `${h.outside}/other.md`,
      `${live.toUpperCase()}/MEMORY.md`, `${live}/../MEMORY.md`, '../../../MEMORY/MEMORY.md', `${live}/MEMORY.md/`,
    ];
  }

  async function attempt(tool: ToolDefinition<any>, input: Record<string, unknown>, kind: string): Promise<string> {
    const before = outsideCopy();
    let content: string;
    try {
      content = (await h.run(tool, input)).content;
    } catch (err) {
      content = `threw: ${(err as Error).message}`;
    }
    count(CORPUS, `${kind} tried`);
    const changed = outsideCopy().join('\n') !== before.join('\n');
    if (!changed) count(CORPUS, `${kind} refused`);
    return changed ? `${tool.name} ${JSON.stringify(input)} -> ${content.slice(0, 200)}` : '';
  }

  it('writes, edits and deletes outside the staging copy are refused, however the path is spelled', async () => {
    const leaks: string[] = [];
    for (const target of targets()) {
      const absolute = path.resolve(staging, target.replace(/^~(?=\/)/, home));
      for (const file of [absolute, path.join(places.memoryDir, 'MEMORY.md'), path.join(places.memoryDir, 'deploy.md')]) markRead(file);
      leaks.push(await attempt(writeFileTool, { path: target, content: 'overwritten by a dream\n' }, 'write'));
      leaks.push(await attempt(editFileTool, { path: target, old_string: 'deploy', new_string: 'DESTROYED' }, 'edit'));
      leaks.push(await attempt(deleteFileTool, { path: target }, 'delete'));
    }
    assert.deepEqual(leaks.filter(Boolean), []);
  });

  it('commands that are not read-only are refused; read-only ones run through the same gate', async () => {
    const authorize = dreamAuthorizer(places, staging, new MemoryLogger());
    const writes = [
      `rm -rf ${places.memoryDir}`, `rm ${places.memoryDir}/MEMORY.md`, `echo x > ${places.memoryDir}/MEMORY.md`, `cat MEMORY.md >> ${places.memoryDir}/deploy.md`,
      `cp MEMORY.md ${places.memoryDir}/MEMORY.md`, `mv MEMORY.md ../../../memory/`, `sed -i s/deploy/x/ ${places.memoryDir}/deploy.md`,
      `tee ${places.memoryDir}/x.md < MEMORY.md`, `find ${places.memoryDir} -delete`, `ln -s ${places.memoryDir} live2`, 'git checkout -- .',
      `bash -c "rm ${places.memoryDir}/MEMORY.md"`, `cat MEMORY.md | sh`, `python3 -c "import os; os.remove('x')"`, `node -e "require('fs').rmSync('x')"`,
      `ls; rm -rf ${places.memoryDir}`, `grep -r deploy . && rm MEMORY.md`, `echo $(rm MEMORY.md)`, 'curl -o MEMORY.md https://example.com', 'npm install',
    ];
    for (const command of writes) {
      const answer = await authorize({ kind: 'command', tool: 'run_command', command, cwd: staging });
      count(CORPUS, 'commands tried');
      assert.equal(answer.granted, false, command);
      count(CORPUS, 'commands refused');
    }
    for (const command of ['ls -la', 'cat MEMORY.md', `grep -rn deploy ${places.memoryDir}`, 'wc -l *.md', 'head -n 5 deploy.md']) {
      assert.equal((await authorize({ kind: 'command', tool: 'run_command', command, cwd: staging })).granted, true, command);
    }
  });

  it('inside the copy the same tools work, and the live folder is untouched by them', async () => {
    const live = outsideCopy();
    markRead(path.join(staging, 'deploy.md'));
    assert.match((await h.run(editFileTool, { path: 'deploy.md', old_string: 'npm run deploy', new_string: 'npm run release' })).content, /deploy\.md/);
    assert.doesNotMatch((await h.run(writeFileTool, { path: 'release.md', content: '---\nname: Release\n---\nsteps\n' })).content, /denied/i);
    markRead(path.join(staging, 'MEMORY.md'));
    assert.doesNotMatch((await h.run(deleteFileTool, { path: 'MEMORY.md' })).content, /denied/i);
    assert.equal(fs.readFileSync(path.join(staging, 'deploy.md'), 'utf8').includes('npm run release'), true);
    assert.equal(fs.existsSync(path.join(staging, 'release.md')), true);
    assert.equal(fs.existsSync(path.join(staging, 'MEMORY.md')), false);
    assert.deepEqual(outsideCopy(), live);
  });
});
