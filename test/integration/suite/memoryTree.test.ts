import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VsCodeFileSystem } from '../../../src/host/adapters/vscodeFileSystem';
import { createMemory, deleteMemory, renameMemory, restoreMemory, validateDescription } from '../../../src/host/memoryCommands';
import { MemoryTreeProvider, type MemoryNode } from '../../../src/host/memoryTreeProvider';
import { closeAllEditors, writeScratch } from './adapterFixtures';
import { until } from './helpers';

/** Folders outside the workspace, as the real project memory is: the watchers need RelativePatterns for them. */
function scratch() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-memtree-'));
  const dirs = { root, project: path.join(root, 'project'), user: path.join(root, 'user'), sessions: path.join(root, 'sessions') };
  for (const d of [dirs.project, dirs.user, dirs.sessions]) fs.mkdirSync(d, { recursive: true });
  return dirs;
}

function topic(name: string, type: string, description: string): string {
  return `---\nname: ${name}\ndescription: ${description}\ntype: ${type}\n---\n\nBody of ${name}.\n`;
}

describe('Memory tree', () => {
  let dirs: ReturnType<typeof scratch>;
  let tree: MemoryTreeProvider;
  let instructions: string[];
  const deps = () => ({ fs: new VsCodeFileSystem(), projectMemoryDir: () => dirs.project });

  beforeEach(() => {
    dirs = scratch();
    instructions = [];
    tree = new MemoryTreeProvider({
      fs: new VsCodeFileSystem(),
      projectMemoryDir: () => dirs.project,
      userMemoryDir: () => dirs.user,
      instructionFiles: async () => instructions,
      sessionsDir: () => dirs.sessions,
    });
  });
  afterEach(async () => {
    tree.dispose();
    await closeAllEditors();
    fs.rmSync(dirs.root, { recursive: true, force: true });
  });

  const group = async (id: string) => {
    const g = tree.getChildren().find((n) => n.kind === 'group' && n.group.id === id)!;
    return tree.getChildren(g);
  };
  const items = async (id: string) => (await group(id)).map((n) => tree.getTreeItem(n));
  const icon = (item: vscode.TreeItem) => (item.iconPath as vscode.ThemeIcon).id;

  it('shows Instructions, Memory, Skills and Sessions; empty groups say so, files open on click', async () => {
    assert.deepEqual(tree.getChildren().map((g) => tree.getTreeItem(g).label), ['Instructions', 'Memory', 'Skills', 'Sessions']);
    assert.deepEqual((await items('memory')).map((i) => i.label), ['Nothing remembered yet']);
    assert.deepEqual((await items('skills')).map((i) => [i.label, i.command?.command]), [['New skill…', 'reverie.skills.new']]);
    assert.deepEqual((await items('sessions')).map((i) => i.label), ['No sessions yet']);

    const agents = path.join(dirs.root, 'AGENTS.md');
    fs.writeFileSync(agents, '# Rules\n');
    instructions = [agents];
    const [item] = await items('instructions');
    assert.equal(item.label, 'AGENTS.md');
    assert.equal(item.contextValue, 'reverie.instruction');
    assert.equal(item.command?.command, 'reverie.memory.open');
    assert.equal((item.command?.arguments?.[0] as MemoryNode & { path: string }).path, agents);
  });

  it('shows the index budget, and a warning naming the cap when MEMORY.md is over 200 lines or 25 KB', async () => {
    const index = path.join(dirs.project, 'MEMORY.md');
    const lines = (n: number, width = 20) => Array.from({ length: n }, (_, i) => `- [T${i}](t${i}.md) — ${'x'.repeat(width)}`).join('\n') + '\n';

    fs.writeFileSync(index, lines(142));
    let [item] = await items('memory');
    assert.equal(item.label, 'MEMORY.md');
    assert.equal(item.description, '142 / 200 lines');
    assert.notEqual(icon(item), 'warning');

    fs.writeFileSync(index, lines(250));
    [item] = await items('memory');
    assert.equal(item.description, '250 / 200 lines');
    assert.equal(icon(item), 'warning');
    assert.match(String(item.tooltip), /200-line cap/);

    fs.writeFileSync(index, lines(100, 300)); // ~32 KB in 100 lines
    [item] = await items('memory');
    assert.match(String(item.description), /^100 \/ 200 lines · 3\d(\.\d)? KB \/ 25 KB$/);
    assert.equal(icon(item), 'warning');
    assert.match(String(item.tooltip), /25 KB cap/);
    assert.doesNotMatch(String(item.tooltip), /200-line cap/);
  });

  it('lists topic files with an icon per type, the description as tooltip, and a warning for bad frontmatter', async () => {
    fs.writeFileSync(path.join(dirs.project, 'MEMORY.md'), '- [A](a.md) — a\n');
    fs.writeFileSync(path.join(dirs.project, 'a.md'), topic('A user fact', 'user', 'Prefers tabs'));
    fs.writeFileSync(path.join(dirs.project, 'b.md'), topic('B feedback', 'feedback', 'Run tests first'));
    fs.writeFileSync(path.join(dirs.project, 'c.md'), topic('C project', 'project', 'Release on Friday'));
    fs.writeFileSync(path.join(dirs.project, 'd.md'), topic('D reference', 'reference', 'Dashboards live here'));
    fs.writeFileSync(path.join(dirs.project, 'e.md'), topic('E broken', 'opinion', 'Unknown type'));
    const all = await items('memory');
    assert.equal(all[0].label, 'MEMORY.md');
    const topics = all.slice(1);
    assert.deepEqual(topics.map((i) => [path.basename(i.resourceUri!.fsPath), icon(i)]), [
      ['a.md', 'account'], ['b.md', 'comment'], ['c.md', 'project'], ['d.md', 'link'], ['e.md', 'warning'],
    ]);
    assert.equal(topics[0].label, 'A user fact');
    assert.match(String(topics[1].tooltip), /Run tests first/);
    assert.match(String(topics[4].tooltip), /type/);
    assert.ok(topics.slice(0, 4).every((i) => i.contextValue === 'reverie.memoryTopic' && i.command?.command === 'reverie.memory.open'));
  });

  it('splits Memory into Project and User once user memory has files', async () => {
    fs.writeFileSync(path.join(dirs.project, 'p.md'), topic('Proj', 'project', 'p'));
    assert.deepEqual((await items('memory')).map((i) => i.label), ['Proj']);
    fs.writeFileSync(path.join(dirs.user, 'MEMORY.md'), '- [U](u.md) — u\n');
    fs.writeFileSync(path.join(dirs.user, 'u.md'), topic('Me', 'user', 'u'));
    const scopes = await group('memory');
    assert.deepEqual(scopes.map((n) => tree.getTreeItem(n).label), ['Project', 'User']);
    assert.deepEqual((await tree.getChildren(scopes[1])).map((n) => tree.getTreeItem(n).label), ['MEMORY.md', 'Me']);
    assert.equal(tree.getTreeItem((await tree.getChildren(scopes[1]))[0]).description, '1 / 200 lines');
  });

  it('lists session transcripts newest first with date, time and size', async () => {
    const older = path.join(dirs.sessions, 'a.jsonl');
    const newer = path.join(dirs.sessions, 'b.jsonl');
    fs.writeFileSync(older, '{}\n'.repeat(10));
    fs.writeFileSync(newer, 'x'.repeat(2500));
    fs.writeFileSync(path.join(dirs.sessions, 'notes.txt'), 'not a session');
    fs.utimesSync(older, new Date(2024, 0, 2, 9, 5), new Date(2024, 0, 2, 9, 5));
    fs.utimesSync(newer, new Date(2024, 5, 30, 17, 45), new Date(2024, 5, 30, 17, 45));
    const list = await items('sessions');
    assert.deepEqual(list.map((i) => [i.label, i.description]), [['2024-06-30 17:45', '2.5 KB'], ['2024-01-02 09:05', '30 B']]);
    assert.equal(list[0].command?.command, 'reverie.sessions.open');
    assert.equal(list[0].contextValue, 'reverie.session');
  });

  it('refreshes by itself when a memory file is written on disk', async () => {
    let fired = 0;
    const sub = tree.onDidChangeTreeData(() => fired++);
    try {
      await new Promise((r) => setTimeout(r, 500)); // let the watchers start
      fs.writeFileSync(path.join(dirs.project, 'fresh.md'), topic('Fresh', 'feedback', 'Written behind our back'));
      await until(() => fired > 0, 10_000, 'the watcher to refresh the tree');
      assert.deepEqual((await items('memory')).map((i) => i.label), ['Fresh']);
      fired = 0;
      fs.writeFileSync(path.join(dirs.sessions, 's.jsonl'), '{}\n');
      await until(() => fired > 0, 10_000, 'the sessions watcher');
      fired = 0;
      // At the workspace root: a file in a folder created the same instant can beat inotify's new watch.
      const claude = writeScratch('CLAUDE.md', '# written by the memory tree test\n');
      try {
        await until(() => fired > 0, 10_000, 'the instruction-file watcher');
      } finally {
        fs.rmSync(claude, { force: true });
      }
    } finally {
      sub.dispose();
    }
  });

  it('"New memory" writes the topic file with frontmatter and creates MEMORY.md with its index line', async () => {
    assert.match(validateDescription('Deploys', 'y'.repeat(200)) ?? '', /under 150/);
    assert.match(validateDescription('Deploys', 'two\nlines') ?? '', /one line/);
    const file = await createMemory(deps(), { type: 'reference', name: 'Deploy dashboard', description: 'Where the deploy status lives' });
    assert.equal(file, path.join(dirs.project, 'deploy-dashboard.md'));
    assert.equal(fs.readFileSync(file, 'utf8'), '---\nname: Deploy dashboard\ndescription: Where the deploy status lives\ntype: reference\n---\n\n');
    assert.equal(fs.readFileSync(path.join(dirs.project, 'MEMORY.md'), 'utf8'), '- [Deploy dashboard](deploy-dashboard.md) — Where the deploy status lives\n');

    await createMemory(deps(), { type: 'feedback', name: 'Deploy dashboard', description: 'A second one: name: with colon' });
    const index = fs.readFileSync(path.join(dirs.project, 'MEMORY.md'), 'utf8').split('\n');
    assert.equal(index[1], '- [Deploy dashboard](deploy-dashboard-2.md) — A second one: name: with colon');
    assert.match(fs.readFileSync(path.join(dirs.project, 'deploy-dashboard-2.md'), 'utf8'), /^description: "A second one: name: with colon"$/m);

    const list = await items('memory');
    assert.deepEqual(list.map((i) => [i.label, icon(i)]), [['MEMORY.md', 'list-unordered'], ['Deploy dashboard', 'comment'], ['Deploy dashboard', 'link']]); // same name: by file
    assert.equal(list[0].description, '2 / 200 lines');
  });

  it('rename moves the file and fixes its index link; delete removes both and Undo restores both', async () => {
    const index = path.join(dirs.project, 'MEMORY.md');
    fs.writeFileSync(index, '- [First](first.md) — one\n- [Old name](old.md) — the one\n- [Last](last.md) — three\n');
    fs.writeFileSync(path.join(dirs.project, 'old.md'), topic('Old name', 'project', 'the one'));

    const renamed = await renameMemory(deps(), path.join(dirs.project, 'old.md'), 'New name');
    assert.equal(renamed, path.join(dirs.project, 'new-name.md'));
    assert.ok(!fs.existsSync(path.join(dirs.project, 'old.md')));
    assert.match(fs.readFileSync(renamed, 'utf8'), /^name: New name$/m);
    assert.equal(fs.readFileSync(index, 'utf8'), '- [First](first.md) — one\n- [New name](new-name.md) — the one\n- [Last](last.md) — three\n');

    const deleted = await deleteMemory(deps(), renamed);
    assert.ok(!fs.existsSync(renamed));
    assert.equal(fs.readFileSync(index, 'utf8'), '- [First](first.md) — one\n- [Last](last.md) — three\n');
    assert.deepEqual((await items('memory')).map((i) => i.label), ['MEMORY.md']);

    await restoreMemory(deps(), deleted);
    assert.match(fs.readFileSync(renamed, 'utf8'), /^name: New name$/m);
    assert.equal(fs.readFileSync(index, 'utf8'), '- [First](first.md) — one\n- [New name](new-name.md) — the one\n- [Last](last.md) — three\n');
    assert.deepEqual((await items('memory')).map((i) => i.label), ['MEMORY.md', 'New name']);
  });
});
