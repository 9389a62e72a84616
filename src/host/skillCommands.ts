/**
 * Commands of the Skills group in the Reverie Memory view, and the watchers that keep the skill
 * catalog fresh. Each effect is an exported function taking its answers as arguments (the
 * integration tests call them directly); the registered commands ask the user first.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Skill, SkillRegistry } from '../core/skills/types';
import type { MemoryNode } from './memoryTreeProvider';
import { skillFolderToDelete, skillNameProblem, skillsDir, skillTemplate } from './skillTemplates';
import { settings } from './settings';

export interface SkillCommandDeps {
  /** The user's home folder (`~/.reverie/skills`, `~/.claude/skills`). */
  home: () => string;
  /** How long file events settle before a rescan. */
  debounceMs?: number;
}

/** The setting that lists the names the user turned off. */
export const DISABLED_SETTING = 'reverie.skills.disabled';

/** Folder names already used in a skills folder (empty when it does not exist yet). */
export async function takenNames(dir: string): Promise<Set<string>> {
  try {
    return new Set((await vscode.workspace.fs.readDirectory(vscode.Uri.file(dir))).map(([name]) => name));
  } catch {
    return new Set();
  }
}

/** Writes `<dir>/<name>/SKILL.md` from the template (never over an existing folder). Returns the file's path. */
export async function createSkill(dir: string, name: string): Promise<string> {
  const problem = skillNameProblem(name, await takenNames(dir));
  if (problem) throw new Error(problem);
  const folder = vscode.Uri.file(path.join(dir, name));
  await vscode.workspace.fs.createDirectory(folder);
  const file = vscode.Uri.joinPath(folder, 'SKILL.md');
  await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(skillTemplate(name)));
  return file.fsPath;
}

/**
 * Adds `name` to (or removes it from) the user-level `reverie.skills.disabled`. Only the user value
 * is edited, so workspace values are not copied into it. Returns true when the name is still
 * disabled afterwards by a workspace setting.
 */
export async function setSkillDisabled(name: string, disabled: boolean): Promise<boolean> {
  const config = vscode.workspace.getConfiguration();
  const current = config.inspect<string[]>(DISABLED_SETTING)?.globalValue ?? [];
  const next = disabled ? [...new Set([...current, name])].sort() : current.filter((n) => n !== name);
  if (next.length !== current.length || next.some((n, i) => n !== current[i])) {
    await config.update(DISABLED_SETTING, next.length ? next : undefined, vscode.ConfigurationTarget.Global);
  }
  return !disabled && settings.get<string[]>(DISABLED_SETTING).includes(name);
}

/** Deletes the skill's folder (to the trash where there is one). Refuses built-in skills and odd paths. Returns whether it went to the trash. */
export async function deleteSkill(skill: Skill): Promise<boolean> {
  const plan = skillFolderToDelete(skill);
  if (!plan.ok) throw new Error(plan.reason);
  const uri = vscode.Uri.file(plan.dir);
  try {
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: true });
    return true;
  } catch (err) {
    if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') throw err;
    // code-server's file system has no trash.
    await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
    return false;
  }
}

/** Registers the skill commands and the watchers that rescan the catalog. */
export function registerSkillCommands(registry: SkillRegistry, deps: SkillCommandDeps): vscode.Disposable {
  const subs: vscode.Disposable[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const rescan = () => registry.scan().then(() => undefined);
  const scheduleScan = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void rescan().catch(() => undefined), deps.debounceMs ?? 300);
  };
  subs.push({ dispose: () => timer && clearTimeout(timer) });

  // Errors reach the user here, at the host boundary.
  const command = (id: string, run: (node?: MemoryNode) => unknown) => subs.push(vscode.commands.registerCommand(id, async (node?: MemoryNode) => {
    try {
      await run(node);
    } catch (err) {
      void vscode.window.showErrorMessage(`Reverie: ${err instanceof Error ? err.message : String(err)}`);
    }
  }));
  const skillOf = (node?: MemoryNode) => (node?.kind === 'skill' ? node.skill : undefined);

  command('reverie.skills.open', async (node) => {
    const file = node?.kind === 'skill' ? node.skill.file : node?.kind === 'skillProblem' ? node.problem.file : (await pickSkill(registry))?.file;
    if (file) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  });
  command('reverie.skills.new', async () => {
    const dir = await pickNewSkillDir(deps.home());
    if (!dir) return;
    const taken = await takenNames(dir);
    const name = await vscode.window.showInputBox({
      title: 'New skill: name',
      prompt: `Lower-case letters, digits and hyphens; the folder ${path.join(dir, '<name>')} is created`,
      placeHolder: 'e.g. release-notes',
      validateInput: (value) => skillNameProblem(value, taken),
    });
    if (name === undefined) return;
    const file = await createSkill(dir, name);
    await rescan();
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  });
  const setDisabled = (disabled: boolean) => async (node?: MemoryNode) => {
    const skill = skillOf(node);
    if (!skill) return;
    const stillDisabled = await setSkillDisabled(skill.name, disabled);
    await rescan();
    if (stillDisabled) void vscode.window.showWarningMessage(`Reverie: "${skill.name}" is still disabled by this workspace's setting ${DISABLED_SETTING}.`);
  };
  command('reverie.skills.disable', setDisabled(true));
  command('reverie.skills.enable', setDisabled(false));
  command('reverie.skills.delete', async (node) => {
    const skill = skillOf(node);
    if (!skill) return;
    const plan = skillFolderToDelete(skill);
    if (!plan.ok) throw new Error(plan.reason);
    const ok = await vscode.window.showWarningMessage(
      `Delete the skill "${skill.name}"?`,
      { modal: true, detail: `The folder ${plan.dir} and everything in it (scripts, references, templates) is moved to the trash.` },
      'Delete',
    );
    if (ok !== 'Delete') return;
    const trashed = await deleteSkill(skill);
    await rescan();
    if (!trashed) void vscode.window.showInformationMessage(`Skill "${skill.name}" deleted (this file system has no trash).`);
  });
  command('reverie.skills.refresh', rescan);

  subs.push(watchSkillFiles(deps.home, scheduleScan));
  subs.push(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('reverie.skills')) void rescan().catch(() => undefined);
  }));
  return vscode.Disposable.from(...subs);
}

/**
 * Watches SKILL.md files (and skill folders coming and going) in every workspace folder and in the
 * user's skill folders, and calls `changed`; recreated when the workspace folders change.
 */
function watchSkillFiles(home: () => string, changed: () => void): vscode.Disposable {
  let watchers: vscode.Disposable[] = [];
  const watch = () => {
    watchers.forEach((w) => w.dispose());
    watchers = [];
    // One RelativePattern per folder: a plain '**/...' glob did not fire in code-server (see memoryTreeProvider).
    const patterns: vscode.GlobPattern[] = (vscode.workspace.workspaceFolders ?? []).flatMap((f) => [
      new vscode.RelativePattern(f, '**/{.reverie,.claude}/skills/**/SKILL.md'),
      new vscode.RelativePattern(f, '**/{.reverie,.claude}/skills/*'),
      // A folder created with its contents in one go (mkdir -p, a git checkout) may report only
      // the topmost new folder, so the folders above a skill count too.
      new vscode.RelativePattern(f, '**/{.reverie,.claude}'),
      new vscode.RelativePattern(f, '**/{.reverie,.claude}/skills'),
    ]);
    // The user folders, not all of home: a recursive watch on ~ would be expensive.
    for (const parent of ['.reverie', '.claude']) patterns.push(new vscode.RelativePattern(vscode.Uri.file(path.join(home(), parent, 'skills')), '{*,**/SKILL.md}'));
    for (const pattern of patterns) {
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      watchers.push(w, w.onDidCreate(changed), w.onDidChange(changed), w.onDidDelete(changed));
    }
  };
  watch();
  const folders = vscode.workspace.onDidChangeWorkspaceFolders(() => {
    watch();
    changed();
  });
  return { dispose: () => [folders, ...watchers].forEach((w) => w.dispose()) };
}

/** Where a new skill goes: each workspace folder's `.reverie/skills`, or the user's `~/.reverie/skills`. */
async function pickNewSkillDir(home: string): Promise<string | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const items = [
    ...folders.map((f) => ({
      label: folders.length > 1 ? `$(folder) Workspace folder ${f.name}` : '$(folder) This workspace',
      description: path.join('.reverie', 'skills'),
      detail: 'Shared with everyone who opens this repository (commit it)',
      dir: skillsDir(f.uri.fsPath),
    })),
    { label: '$(account) Your user folder', description: skillsDir('~'), detail: 'Available in every workspace, only to you', dir: skillsDir(home) },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'New skill: where', placeHolder: 'Where should the skill live?' });
  return picked?.dir;
}

/** The command palette route to "open": pick a skill by name. */
async function pickSkill(registry: SkillRegistry): Promise<Skill | undefined> {
  const picked = await vscode.window.showQuickPick(
    registry.current.skills.map((skill) => ({ label: skill.name, description: skill.description, skill })),
    { title: 'Open skill', placeHolder: 'Which SKILL.md?', matchOnDescription: true },
  );
  return picked?.skill;
}
