/**
 * Proves: no spelling of a path (`..` chains, absolute, `~`, symlinked folders and files, chains and
 * loops of links, a hard link, odd encodings, trailing dots and slashes, NUL bytes) lets a file tool
 * read, list, search, write, edit or delete outside the workspace without a person being asked, and
 * case or trailing-dot variants of protected names still ask. Real tools, real Node file system, the
 * real authorizer and decide() in "bypass" mode (the most permissive), a person who always says no.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createAuthorizer } from '../../../src/core/agent/authorizer';
import type { AccessRequest } from '../../../src/core/ports';
import type { PermissionMode } from '../../../src/core/permissions/types';
import { createDeleteFileTool } from '../../../src/core/tools/deleteFile';
import { editFileTool } from '../../../src/core/tools/editFile';
import { globTool } from '../../../src/core/tools/glob';
import { grepTool } from '../../../src/core/tools/grep';
import { listFilesTool } from '../../../src/core/tools/listFiles';
import { readFileTool } from '../../../src/core/tools/readFile';
import type { ToolDefinition } from '../../../src/core/tools/tool';
import { writeFileTool } from '../../../src/core/tools/writeFile';
import { MemoryLogger } from '../fakes';
import { harness, type Harness } from '../tools/files/harness';
import { count } from './figures';

const SECRET = 'OUTSIDE-SECRET-7f3a';
const deleteFileTool = createDeleteFileTool((p) => fs.promises.rm(p));

/** Spellings of outside/secret.txt (or the outside folder) as the model might write them, relative to the workspace. */
function fileSpellings(h: Harness, base: string): string[] {
  const o = h.outside;
  return [
    '../outside/secret.txt', 'a/../../outside/secret.txt', './../outside/secret.txt', '..//outside//secret.txt', '../outside/./secret.txt',
    `../../${path.basename(base)}/outside/secret.txt`, '../'.repeat(12) + o.slice(1) + '/secret.txt', `${o}/secret.txt`, `${o}//secret.txt`,
    `${h.root}/../outside/secret.txt`, ` ../outside/secret.txt `, '~/secret.txt', '~/../home/secret.txt', 'link-dir/secret.txt',
    'link-file', 'nested/deep/link-up/secret.txt', 'chain1/secret.txt', 'link-dir/../link-dir/secret.txt', 'link-abs/secret.txt',
    'hard.txt', '../outside/secret.txt/', '../outside/secret.txt/.', '%2e%2e/outside/secret.txt', '..%2foutside%2fsecret.txt',
    '..\\outside\\secret.txt', '\u2025/outside/secret.txt', '．．/outside/secret.txt', 'loop/secret.txt', 'link-dir/new.txt',
    'link-dir/sub/new.txt', '../outside/new.txt', `${o}/new.txt`, 'dangling', 'secret.txt\0../../outside/secret.txt',
  ];
}

/** Folder spellings for list_files, grep and glob. */
function dirSpellings(h: Harness): string[] {
  return ['..', '../outside', '../outside/', '../outside/.', h.outside, `${h.root}/..`, '~', '~/..', 'link-dir', 'link-dir/', 'nested/deep/link-up', 'chain1', 'link-abs', '/', '/etc'];
}

describe('security: the path corpus through the real file tools', function () {
  this.timeout(30_000);
  let h: Harness;
  let base: string;
  let home: string;
  let asked: AccessRequest[];
  let savedHome: string | undefined;

  beforeEach(() => {
    h = harness();
    base = path.dirname(h.root);
    home = path.join(base, 'home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, 'secret.txt'), `${SECRET}\n`);
    savedHome = process.env.HOME;
    process.env.HOME = home;
    fs.writeFileSync(path.join(h.outside, 'secret.txt'), `${SECRET}\n`);
    fs.mkdirSync(path.join(h.outside, 'sub'));
    h.put('inside.txt', 'inside\n');
    fs.symlinkSync(h.outside, path.join(h.root, 'link-dir'));
    fs.symlinkSync(path.join(h.outside, 'secret.txt'), path.join(h.root, 'link-file'));
    fs.mkdirSync(path.join(h.root, 'nested', 'deep'), { recursive: true });
    fs.symlinkSync('../../../outside', path.join(h.root, 'nested', 'deep', 'link-up'));
    fs.symlinkSync('chain2', path.join(h.root, 'chain1'));
    fs.symlinkSync(h.outside, path.join(h.root, 'chain2'));
    fs.symlinkSync(h.outside, path.join(h.root, 'link-abs'));
    fs.symlinkSync('loop2', path.join(h.root, 'loop'));
    fs.symlinkSync('loop', path.join(h.root, 'loop2'));
    fs.symlinkSync(path.join(h.outside, 'missing.txt'), path.join(h.root, 'dangling'));
    fs.linkSync(path.join(h.outside, 'secret.txt'), path.join(h.root, 'hard.txt'));
    asked = [];
    const authorize = createAuthorizer({
      permissions: () => ({ mode: 'bypass' as PermissionMode, rules: { allow: [], ask: [], deny: [] }, roots: [h.root], trusted: true, home }),
      approvals: { ask: async (request) => (asked.push(request), { approved: false, reason: 'no' }) },
      sessionRules: [],
      log: new MemoryLogger(),
    });
    h.ctx.authorize = (request) => authorize(request, h.abort.signal);
  });
  afterEach(() => {
    process.env.HOME = savedHome;
    h.dispose();
  });

  /** Every file and folder outside the workspace, with content, to compare before and after. */
  const snapshot = () => [h.outside, home].flatMap((d) => fs.readdirSync(d, { recursive: true, encoding: 'utf8' }).sort()
    .map((f) => { const p = path.join(d, f); return `${p}:${fs.statSync(p).isFile() ? fs.readFileSync(p, 'utf8') : 'dir'}`; }));

  /** Marks the outside files as read, so write/edit/delete reach the permission check instead of stopping at "read it first". */
  const markRead = () => {
    for (const p of [path.join(h.outside, 'secret.txt'), path.join(home, 'secret.txt'), path.join(h.root, 'hard.txt')]) {
      const s = fs.statSync(p, { throwIfNoEntry: false });
      if (s) h.session.readFiles.set(p, { mtimeMs: s.mtimeMs, size: s.size, complete: true });
    }
  };

  async function attempt(tool: ToolDefinition<any>, input: Record<string, unknown>, kind: string): Promise<string> {
    const before = snapshot();
    const askedBefore = asked.length;
    markRead();
    let content: string;
    try {
      content = (await h.run(tool, input)).content;
    } catch (err) {
      content = `threw: ${(err as Error).message}`;
    }
    const after = snapshot();
    count(`paths (${kind})`, 'tried');
    const leaked = content.includes(SECRET) || before.join('\n') !== after.join('\n');
    const wasAsked = asked.length > askedBefore;
    count(`paths (${kind})`, leaked ? 'LEAKED' : wasAsked ? 'asked (refused)' : 'refused or harmless');
    return leaked ? `${tool.name} ${JSON.stringify(input)} -> ${content.slice(0, 160)}` : '';
  }

  it('reads: read_file never shows the outside file without asking', async () => {
    const leaks: string[] = [];
    for (const p of fileSpellings(h, base)) leaks.push(await attempt(readFileTool, { path: p }, 'read'));
    assert.deepEqual(leaks.filter(Boolean), []);
  });

  it('folders: list_files, grep and glob never show outside names or contents without asking', async () => {
    fs.writeFileSync(path.join(h.outside, `${SECRET}.txt`), 'named\n');
    const leaks: string[] = [];
    for (const p of dirSpellings(h)) {
      leaks.push(await attempt(listFilesTool, { path: p, depth: 3 }, 'list'));
      leaks.push(await attempt(grepTool, { pattern: 'SECRET', path: p, output_mode: 'content' }, 'grep'));
      leaks.push(await attempt(globTool, { pattern: '**/*', path: p }, 'glob'));
    }
    for (const pattern of ['../outside/*', '../**/secret.txt', '**/../../outside/*', 'link-dir/*', '**/secret.txt', 'chain1/**']) {
      leaks.push(await attempt(globTool, { pattern }, 'glob'));
      leaks.push(await attempt(grepTool, { pattern: 'SECRET', glob: pattern, output_mode: 'content' }, 'grep'));
    }
    assert.deepEqual(leaks.filter(Boolean), []);
  });

  it('writes: write_file, edit_file and delete_file never change anything outside without asking', async () => {
    const leaks: string[] = [];
    for (const p of fileSpellings(h, base)) {
      leaks.push(await attempt(writeFileTool, { path: p, content: 'overwritten\n' }, 'write'));
      leaks.push(await attempt(editFileTool, { path: p, old_string: SECRET, new_string: 'edited' }, 'edit'));
      leaks.push(await attempt(deleteFileTool, { path: p }, 'delete'));
    }
    assert.deepEqual(leaks.filter(Boolean), []);
  });

  it('protected names ask in bypass mode whatever their case or trailing dots', async () => {
    const names = ['.git/config', '.Git/config', '.GIT/hooks/pre-commit', 'sub/.git/HEAD', '.vscode/tasks.json', '.VSCode/settings.json',
      '.reverie/settings.json', '.REVERIE/settings.local.json', '.Reverie/Settings.json', '.bashrc', '.BASHRC', '.zshrc',
      '.config/fish/config.fish', '.git./config', '.git /config', '.vscode./tasks.json', '.git::$INDEX_ALLOCATION/config'];
    const notAsked: string[] = [];
    for (const name of names) {
      const askedBefore = asked.length;
      await h.run(writeFileTool, { path: name, content: 'x' });
      count('paths (protected names)', 'tried');
      if (asked.length > askedBefore) count('paths (protected names)', 'asked');
      else notAsked.push(name);
      assert.equal(fs.existsSync(path.join(h.root, name)), false, name);
    }
    assert.deepEqual(notAsked, []);
  });
});
