import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VsCodeFileSearch } from '../../../src/host/adapters/vscodeFileSearch';
import { VsCodeFileSystem } from '../../../src/host/adapters/vscodeFileSystem';
import { closeAllEditors, sleep, workspaceRoot, writeScratch } from './adapterFixtures';

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');
const never = new AbortController().signal;

describe('VsCodeFileSystem in a real extension host', () => {
  const files = new VsCodeFileSystem();
  afterEach(closeAllEditors);

  it('stats files and folders, reports missing paths as undefined, lists folders and resolves symlinks', async () => {
    const root = workspaceRoot();
    const greet = path.join(root, 'src/greet.ts');
    const stat = await files.stat(greet);
    assert.equal(stat?.kind, 'file');
    assert.equal(stat?.size, fs.statSync(greet).size);
    assert.equal((await files.stat(path.join(root, 'src')))?.kind, 'directory');
    assert.equal(await files.stat(path.join(root, 'no/such/file.ts')), undefined);
    const entries = await files.readDirectory(root);
    assert.deepEqual(entries.find((e) => e.name === 'src'), { name: 'src', kind: 'directory' });
    assert.deepEqual(entries.find((e) => e.name === 'README.md'), { name: 'README.md', kind: 'file' });
    const link = path.join(root, 'scratch-link.ts');
    fs.symlinkSync(greet, link);
    try {
      assert.equal(await files.realPath(link), fs.realpathSync(greet));
      assert.equal((await files.stat(link))?.kind, 'file');
    } finally {
      fs.unlinkSync(link);
    }
  });

  it('readFile returns what the user sees: the unsaved text of a dirty editor, else the bytes on disk', async () => {
    const p = writeScratch('scratch/dirty.txt', 'on disk\n');
    assert.equal(text(await files.readFile(p)), 'on disk\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(p));
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), 'typed but not saved, '));
    assert.ok(editor.document.isDirty);
    assert.equal(text(await files.readFile(p)), 'typed but not saved, on disk\n');
    assert.equal(fs.readFileSync(p, 'utf8'), 'on disk\n');
  });

  it('writeFile edits through a WorkspaceEdit: the open editor updates, the file is saved, and Undo restores the original', async () => {
    const p = writeScratch('scratch/undo.ts', 'export const answer = 41;\n');
    const editor = await vscode.window.showTextDocument(vscode.Uri.file(p));
    await files.writeFile(p, 'export const answer = 42;\n');
    assert.equal(fs.readFileSync(p, 'utf8'), 'export const answer = 42;\n');
    assert.equal(editor.document.getText(), 'export const answer = 42;\n');
    assert.equal(editor.document.isDirty, false);

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), 'export const answer = 41;\n');
  });

  it('writeFile creates a new file with its missing parent folders, saved and not left dirty', async () => {
    const p = path.join(workspaceRoot(), 'scratch/new/deeper/created.md');
    assert.equal(fs.existsSync(path.dirname(p)), false);
    await files.writeFile(p, '# Created\n\nby the agent\n');
    assert.equal(fs.readFileSync(p, 'utf8'), '# Created\n\nby the agent\n');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === p);
    assert.equal(doc?.isDirty ?? false, false);
  });
});

describe('VsCodeFileSearch in a real extension host', () => {
  const search = new VsCodeFileSearch();
  const fallback = new VsCodeFileSearch({ rgPath: null });
  let root: string;

  before(async () => {
    root = workspaceRoot();
    // generated/ is in the fixture's .gitignore; created here because git would not commit it.
    writeScratch('generated/ignored.ts', 'export const marker = "reverie-needle";\n');
    writeScratch('hidden-by-setting/excluded.ts', 'export const marker = "reverie-needle";\n');
    const older = writeScratch('search/older.ts', 'const a = 1;\n// Reverie-Needle in mixed case\nconst b = 2;\n');
    const newer = writeScratch('search/newer.ts', 'line one\nline two\nexport const marker = "reverie-needle";\nline four\n');
    const now = Date.now() / 1000;
    fs.utimesSync(older, now - 3600, now - 3600);
    fs.utimesSync(newer, now, now);
    await vscode.workspace.getConfiguration('files').update('exclude', { '**/hidden-by-setting': true, '**/not-a-folder': false }, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Global);
  });

  it('finds the ripgrep that this VS Code ships', () => {
    assert.equal(search.usesRipgrep, true);
  });

  it('glob lists files newest first, skipping .gitignore\'d files and files.exclude', async () => {
    const { files, truncated } = await search.glob('*.ts', { cwd: root, limit: 50, signal: never });
    const rel = files.map((f) => path.relative(root, f));
    assert.equal(truncated, false);
    assert.ok(rel.includes('src/greet.ts'), rel.join(', '));
    assert.ok(!rel.includes('generated/ignored.ts'), 'the .gitignore entry is honoured');
    assert.ok(!rel.includes('hidden-by-setting/excluded.ts'), 'files.exclude is honoured');
    assert.ok(rel.indexOf('search/newer.ts') < rel.indexOf('search/older.ts'), rel.join(', '));
  });

  it('glob stops at the limit and says the list is truncated', async () => {
    const { files, truncated } = await search.glob('**/*.ts', { cwd: root, limit: 1, signal: never });
    assert.equal(files.length, 1);
    assert.equal(truncated, true);
    assert.equal(path.relative(root, files[0]), 'search/newer.ts');
  });

  it('grep finds matches with line numbers and context, case-insensitively, and not in ignored files', async () => {
    const { matches, truncated } = await search.grep({ pattern: 'reverie-needle', path: root, caseInsensitive: true, context: 1, limit: 50, signal: never });
    assert.equal(truncated, false);
    const rel = matches.map((m) => `${path.relative(root, m.path)}:${m.line}:${m.text}`);
    assert.ok(rel.includes('search/newer.ts:3:export const marker = "reverie-needle";'), rel.join('\n'));
    assert.ok(rel.includes('search/newer.ts:2:line two') && rel.includes('search/newer.ts:4:line four'), 'context lines');
    assert.ok(rel.includes('search/older.ts:2:// Reverie-Needle in mixed case'));
    assert.ok(!rel.some((r) => r.startsWith('generated/') || r.startsWith('hidden-by-setting/')), rel.join('\n'));
  });

  it('grep honours glob and limit, and reports a bad pattern as an error', async () => {
    const onlyNewer = await search.grep({ pattern: 'needle', path: root, glob: 'newer.*', caseInsensitive: true, limit: 50, signal: never });
    assert.deepEqual([...new Set(onlyNewer.matches.map((m) => path.basename(m.path)))], ['newer.ts']);
    const limited = await search.grep({ pattern: 'line', path: path.join(root, 'search/newer.ts'), limit: 2, signal: never });
    assert.deepEqual(limited.matches.map((m) => m.line), [1, 2]);
    assert.equal(limited.truncated, true);
    await assert.rejects(search.grep({ pattern: '(unclosed', path: root, limit: 5, signal: never }), /ripgrep/);
  });

  it('an aborted search rejects with the abort reason', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stopped by the user'));
    await assert.rejects(search.glob('**/*', { cwd: root, limit: 10, signal: ac.signal }), /stopped by the user/);
  });

  it('without ripgrep, glob and grep fall back to findFiles and a JS search', async () => {
    assert.equal(fallback.usesRipgrep, false);
    const { files } = await fallback.glob('*.ts', { cwd: root, limit: 50, signal: never });
    const rel = files.map((f) => path.relative(root, f));
    assert.ok(rel.includes('src/greet.ts') && !rel.includes('hidden-by-setting/excluded.ts'), rel.join(', '));
    assert.ok(rel.indexOf('search/newer.ts') < rel.indexOf('search/older.ts'));
    const { matches } = await fallback.grep({ pattern: 'line t', path: path.join(root, 'search'), context: 1, limit: 10, signal: never });
    assert.deepEqual(matches.map((m) => `${path.basename(m.path)}:${m.line}`), ['newer.ts:1', 'newer.ts:2', 'newer.ts:3']);
  });
});

describe('VS Code\'s files.exclude change applies without a restart', () => {
  it('a pattern set after construction is honoured by the next glob', async () => {
    const root = workspaceRoot();
    writeScratch('late/late.ts', '');
    const search = new VsCodeFileSearch();
    const before = await search.glob('late/**', { cwd: root, limit: 10, signal: never });
    assert.equal(before.files.length, 1);
    await vscode.workspace.getConfiguration('files').update('exclude', { '**/late': true }, vscode.ConfigurationTarget.Global);
    try {
      await sleep(100);
      const after = await search.glob('late/**', { cwd: root, limit: 10, signal: never });
      assert.equal(after.files.length, 0);
    } finally {
      await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
