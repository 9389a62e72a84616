import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReverieApi } from '../../../src/extension';
import { MemoryTreeProvider, type MemoryNode } from '../../../src/host/memoryTreeProvider';
import { createSkill, deleteSkill, DISABLED_SETTING } from '../../../src/host/skillCommands';
import { analyzeSkill } from '../../../src/lsp/analyze';
import { closeAllEditors, workspaceRoot } from './adapterFixtures';
import { activateReverie, until } from './helpers';

const NAME = 'tree-test-skill';

function skillText(name: string, description: string): string {
  return `---\nname: ${name}\ndescription: ${description}\nwhen_to_use: In the skills tree test\nargument-hint: <file>\n---\n\nBody of ${name}: $ARGUMENTS\n`;
}

describe('Skills in the Reverie Memory view', () => {
  let api: ReverieApi;
  const projectSkills = () => path.join(workspaceRoot(), '.reverie', 'skills');
  const userSkills = () => path.join(os.homedir(), '.reverie', 'skills');
  const created: string[] = [];
  const write = (dir: string, name: string, text: string) => {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'SKILL.md'), text);
    created.push(path.join(dir, name));
    return path.join(dir, name, 'SKILL.md');
  };

  before(async () => {
    api = await activateReverie();
  });
  afterEach(async () => {
    await closeAllEditors();
    for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    await vscode.workspace.getConfiguration().update(DISABLED_SETTING, undefined, vscode.ConfigurationTarget.Global);
    await api.skills.scan();
  });

  const skillNodes = async () => {
    const group = api.memoryTree.getChildren().find((n) => n.kind === 'group' && n.group.id === 'skills')!;
    return api.memoryTree.getChildren(group);
  };
  const items = async () => (await skillNodes()).map((n) => ({ node: n, item: api.memoryTree.getTreeItem(n) }));
  const find = async (label: string) => (await items()).filter((x) => x.item.label === label);
  const tooltip = (item: vscode.TreeItem) => (item.tooltip as vscode.MarkdownString).value;

  it('shows a skill written into the workspace, with its source, tooltip and a click that opens SKILL.md', async () => {
    const file = write(projectSkills(), NAME, skillText(NAME, 'Checks the tree [link](command:evil)'));
    // The watcher rescans by itself; the tree hears it through the registry.
    await until(() => api.skills.current.skills.some((s) => s.name === NAME), 15_000, 'the watcher to rescan the skills');
    const [{ item }] = await find(NAME);
    assert.equal(item.description, 'project');
    assert.equal(item.contextValue, 'reverie.skill.enabled');
    assert.equal(item.resourceUri?.fsPath, file);
    assert.equal(item.command?.command, 'reverie.skills.open');
    const tip = item.tooltip as vscode.MarkdownString;
    assert.equal(tip.isTrusted, false);
    assert.equal(tip.supportThemeIcons, false);
    assert.match(tip.value, /Checks the tree \\\[link\\\]\\\(command\\:evil\\\)/, 'markdown from the file is escaped');
    assert.match(tip.value, /In the skills tree test/);
    assert.match(tip.value, /\\<file\\>/);

    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
  });

  it('disable adds the name to the user setting and greys the skill; enable takes it out again', async () => {
    write(projectSkills(), NAME, skillText(NAME, 'Toggled'));
    await api.skills.scan();
    let [{ node }] = await find(NAME);

    await vscode.commands.executeCommand('reverie.skills.disable', node);
    const setting = () => vscode.workspace.getConfiguration().inspect<string[]>(DISABLED_SETTING)?.globalValue;
    assert.deepEqual(setting(), [NAME]);
    await until(() => api.skills.current.skills.some((s) => s.name === NAME && s.disabled), 10_000, 'the catalog to see the setting');
    let item: vscode.TreeItem;
    [{ node, item }] = await find(NAME);
    assert.equal(item.description, 'project · disabled');
    assert.equal(item.contextValue, 'reverie.skill.disabled');
    assert.match(tooltip(item), /disabled/);

    await vscode.commands.executeCommand('reverie.skills.enable', node);
    assert.equal(setting(), undefined, 'an empty list is removed from the user settings');
    await until(() => api.skills.current.skills.some((s) => s.name === NAME && !s.disabled), 10_000, 'the catalog to see the setting');
    [{ item }] = await find(NAME);
    assert.equal(item.contextValue, 'reverie.skill.enabled');
  });

  it('shows a skill shadowed by a user skill of the same name, and malformed SKILL.md files as warnings', async () => {
    write(projectSkills(), NAME, skillText(NAME, 'Project copy'));
    const user = write(userSkills(), NAME, skillText(NAME, 'User copy'));
    const broken = write(projectSkills(), 'broken-skill', '---\nname: Not A Valid Name\n---\nno description\n');
    await api.skills.scan();
    const list = await find(NAME);
    assert.deepEqual(list.map((x) => x.item.description), ['user', 'project · shadowed by user'], 'the winner first, the shadowed one right after it');
    assert.equal(list[0].item.resourceUri?.fsPath, user);
    assert.equal(list[1].item.contextValue, 'reverie.skill.shadowed');
    assert.match(tooltip(list[1].item), /Shadowed by/);

    const problem = (await items()).find((x) => x.node.kind === 'skillProblem');
    assert.ok(problem, 'the malformed skill is listed');
    assert.equal(problem.item.label, 'broken-skill');
    assert.equal((problem.item.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(problem.item.resourceUri?.fsPath, broken);
    assert.ok(String(problem.item.tooltip).length > broken.length, 'the tooltip says what is wrong');
    assert.equal(problem.item.command?.command, 'reverie.skills.open');
  });

  it('"New skill" writes a SKILL.md the language server accepts, refuses an existing name, and delete removes the folder', async () => {
    const file = await createSkill(projectSkills(), NAME);
    created.push(path.dirname(file));
    assert.equal(file, path.join(projectSkills(), NAME, 'SKILL.md'));
    const text = fs.readFileSync(file, 'utf8');
    assert.deepEqual(analyzeSkill(text).filter((d) => d.severity === 'error'), []);
    await assert.rejects(createSkill(projectSkills(), NAME), /already exists/);
    await assert.rejects(createSkill(projectSkills(), 'Bad Name'), /lower-case/);

    await api.skills.scan();
    const [{ node, item }] = await find(NAME);
    assert.equal(item.description, 'project');
    assert.ok(node.kind === 'skill');

    await deleteSkill(node.skill);
    assert.ok(!fs.existsSync(path.join(projectSkills(), NAME)), 'the whole folder is gone');
    assert.ok(fs.existsSync(projectSkills()), 'the skills folder itself stays');
    await api.skills.scan();
    assert.deepEqual(await find(NAME), []);
  });

  it('built-in skills are marked as such and cannot be deleted', async () => {
    await api.skills.scan();
    const bundled = (await skillNodes()).find((n): n is Extract<MemoryNode, { kind: 'skill' }> => n.kind === 'skill' && n.skill.source === 'bundled');
    assert.ok(bundled, 'the extension ships at least one skill');
    const item = api.memoryTree.getTreeItem(bundled);
    assert.equal(item.contextValue, 'reverie.skill.enabled.bundled');
    assert.equal(item.description, 'built in');
    await assert.rejects(deleteSkill(bundled.skill), /built in/);
    assert.ok(fs.existsSync(bundled.skill.file));
  });

  it('an empty Skills group offers "New skill…"', async () => {
    // The real catalog always has the built-in skills; an empty one stands in.
    const tree = new MemoryTreeProvider({
      ...api.memoryTree.deps,
      skills: { current: { skills: [], shadowed: [], problems: [] }, scan: async () => ({ skills: [], shadowed: [], problems: [] }), onDidChange: () => ({ dispose() {} }) },
    });
    try {
      const group = tree.getChildren().find((n) => n.kind === 'group' && n.group.id === 'skills')!;
      const [only] = (await tree.getChildren(group)).map((n) => tree.getTreeItem(n));
      assert.equal(only.label, 'New skill…');
      assert.equal(only.command?.command, 'reverie.skills.new');
    } finally {
      tree.dispose();
    }
  });
});
