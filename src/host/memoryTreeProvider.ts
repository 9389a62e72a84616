import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadIndex } from '../core/memory/memoryIndex';
import { INDEX_FILE, INDEX_MAX_BYTES, INDEX_MAX_LINES, type MemoryType } from '../core/memory/schema';
import { listTopics } from '../core/memory/topics';
import type { FileSystem } from '../core/ports';
import { SKILL_SOURCE_LABEL, type Skill, type SkillProblem, type SkillRegistry } from '../core/skills/types';
import { Disposable } from './disposable';
import { skillTooltipMarkdown } from './skillTemplates';

/** Where the tree finds its files. Functions, so a changed setting or workspace shows on the next refresh. */
export interface MemoryTreeDeps {
  fs: FileSystem;
  projectMemoryDir: () => string;
  userMemoryDir: () => string;
  instructionFiles: () => Promise<string[]>;
  sessionsDir: () => string;
  /** The skill catalog; without it the Skills group only offers "New skill…". */
  skills?: SkillRegistry;
}

/** The groups of the Reverie Memory view. */
export const MEMORY_GROUPS = [
  { id: 'instructions', label: 'Instructions', icon: 'book', empty: 'No AGENTS.md or CLAUDE.md yet' },
  { id: 'memory', label: 'Memory', icon: 'lightbulb', empty: 'Nothing remembered yet' },
  { id: 'skills', label: 'Skills', icon: 'tools', empty: 'New skill…' },
  { id: 'sessions', label: 'Sessions', icon: 'history', empty: 'No sessions yet' },
] as const;
type Group = (typeof MEMORY_GROUPS)[number];

/** The icon of each memory type; a topic file with bad frontmatter gets `warning`. */
export const TYPE_ICONS: Record<MemoryType, string> = { user: 'account', feedback: 'comment', project: 'project', reference: 'link' };

/** How many transcripts the Sessions group lists. */
export const RECENT_SESSIONS = 30;

export type MemoryScope = 'project' | 'user';

/** What the tree shows; commands receive these as their argument. */
export type MemoryNode =
  | { kind: 'group'; group: Group }
  | { kind: 'empty'; group: Group }
  | { kind: 'scope'; scope: MemoryScope; dir: string }
  | { kind: 'instruction'; path: string }
  | { kind: 'index'; path: string; scope: MemoryScope; lines: number; bytes: number; notice?: string }
  | { kind: 'topic'; path: string; scope: MemoryScope; name?: string; description?: string; type?: string; error?: string }
  | { kind: 'session'; path: string; mtimeMs: number; size: number }
  /** A skill in use (`shadowedBy` unset) or one hidden by a higher-precedence skill of the same name. */
  | { kind: 'skill'; skill: Skill; shadowedBy?: Skill }
  | { kind: 'skillProblem'; problem: SkillProblem };

/** Explorer view "Reverie Memory": instruction files, memories, skills and recent sessions. */
export class MemoryTreeProvider extends Disposable implements vscode.TreeDataProvider<MemoryNode> {
  static readonly viewId = 'reverie.memory';
  private readonly changed = this._register(new vscode.EventEmitter<MemoryNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private watchers: vscode.Disposable[] = [];
  private watched = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly deps: MemoryTreeDeps, private readonly debounceMs = 200) {
    super();
    this.watch();
    this._register({ dispose: () => this.unwatch() });
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()));
    if (deps.skills) this._register(deps.skills.onDidChange(() => this.changed.fire(undefined)));
  }

  getChildren(): MemoryNode[];
  getChildren(node: MemoryNode): Promise<MemoryNode[]>;
  getChildren(node?: MemoryNode): MemoryNode[] | Promise<MemoryNode[]> {
    if (!node) return MEMORY_GROUPS.map((group) => ({ kind: 'group', group }));
    return this.childrenOf(node);
  }

  getTreeItem(node: MemoryNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `reverie.memory.${node.group.id}`;
        item.iconPath = new vscode.ThemeIcon(node.group.icon);
        item.contextValue = `reverie.group.${node.group.id}`;
        return item;
      }
      case 'empty': {
        const item = new vscode.TreeItem(node.group.empty, vscode.TreeItemCollapsibleState.None);
        item.id = `reverie.memory.${node.group.id}.empty`;
        item.contextValue = 'reverie.empty';
        if (node.group.id === 'skills') {
          item.iconPath = new vscode.ThemeIcon('add');
          item.command = { command: 'reverie.skills.new', title: 'New Skill' };
          item.tooltip = 'Create a SKILL.md from a template, in this workspace or in your user folder';
        }
        return item;
      }
      case 'scope': {
        const item = new vscode.TreeItem(node.scope === 'project' ? 'Project' : 'User', vscode.TreeItemCollapsibleState.Expanded);
        item.id = `reverie.memory.scope.${node.scope}`;
        item.iconPath = new vscode.ThemeIcon(node.scope === 'project' ? 'folder' : 'account');
        item.tooltip = node.dir;
        item.contextValue = 'reverie.memoryScope';
        return item;
      }
      case 'instruction': {
        const item = fileItem(node.path, 'reverie.instruction', 'reverie.memory.open', node);
        item.iconPath = new vscode.ThemeIcon('book');
        item.description = vscode.workspace.asRelativePath(path.dirname(node.path)) || undefined;
        return item;
      }
      case 'index':
        return indexItem(node);
      case 'topic': {
        const item = fileItem(node.path, 'reverie.memoryTopic', 'reverie.memory.open', node);
        item.label = node.name ?? path.basename(node.path);
        item.description = path.basename(node.path);
        if (node.error) {
          item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
          item.tooltip = `${path.basename(node.path)}: ${node.error}`;
        } else {
          item.iconPath = new vscode.ThemeIcon(TYPE_ICONS[node.type as MemoryType] ?? 'warning');
          item.tooltip = node.type ? `${node.description ?? ''}\n(${node.type})` : node.description;
        }
        return item;
      }
      case 'session': {
        const item = fileItem(node.path, 'reverie.session', 'reverie.sessions.open', node);
        item.label = formatTime(node.mtimeMs);
        item.description = formatSize(node.size);
        item.iconPath = new vscode.ThemeIcon('comment-discussion');
        item.tooltip = `${path.basename(node.path)}\n${new Date(node.mtimeMs).toLocaleString()}`;
        return item;
      }
      case 'skill':
        return skillItem(node);
      case 'skillProblem': {
        const item = fileItem(node.problem.file, 'reverie.skillProblem', 'reverie.skills.open', node);
        item.id = `reverie.skillProblem.${node.problem.file}`;
        item.label = path.basename(path.dirname(node.problem.file));
        item.description = `${SKILL_SOURCE_LABEL[node.problem.source]} · not loaded`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.tooltip = `${node.problem.file}\n${node.problem.message}`;
        return item;
      }
    }
  }

  /** Re-reads everything now (watchers call the debounced `scheduleRefresh`). */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.watch();
    this.changed.fire(undefined);
  }

  scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), this.debounceMs);
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    super.dispose();
  }

  private async childrenOf(node: MemoryNode): Promise<MemoryNode[]> {
    let children: MemoryNode[] = [];
    if (node.kind === 'scope') return this.memoryOf(node.scope, node.dir);
    if (node.kind !== 'group') return [];
    switch (node.group.id) {
      case 'instructions':
        children = (await this.deps.instructionFiles()).map((p) => ({ kind: 'instruction', path: p }));
        break;
      case 'memory': {
        const project = await this.memoryOf('project', this.deps.projectMemoryDir());
        const userDir = this.deps.userMemoryDir();
        const user = await this.memoryOf('user', userDir);
        children = user.length ? [{ kind: 'scope', scope: 'project', dir: this.deps.projectMemoryDir() }, { kind: 'scope', scope: 'user', dir: userDir }] : project;
        break;
      }
      case 'sessions':
        children = await this.sessions();
        break;
      case 'skills':
        children = this.skills();
        break;
    }
    return children.length ? children : [{ kind: 'empty', group: node.group }];
  }

  /** The index (with its budget) first, then the topic files by name. */
  private async memoryOf(scope: MemoryScope, dir: string): Promise<MemoryNode[]> {
    if (!(await this.deps.fs.stat(dir))) return [];
    const nodes: MemoryNode[] = [];
    const index = await loadIndex(this.deps.fs, path.join(dir, INDEX_FILE));
    if (index) nodes.push({ kind: 'index', path: index.path, scope, lines: index.totalLines, bytes: index.totalBytes, notice: index.notice });
    const topics = (await listTopics(this.deps.fs, dir)).map((t): MemoryNode & { kind: 'topic' } => ({
      kind: 'topic',
      path: t.path,
      scope,
      name: t.frontmatter?.name,
      description: t.frontmatter?.description,
      type: t.frontmatter?.type,
      error: t.frontmatter ? undefined : t.issues.map((i) => i.message).join('; ') || 'invalid frontmatter',
    }));
    // By name, then by file name (listTopics' order) for equal names.
    topics.sort((a, b) => (a.name ?? path.basename(a.path)).localeCompare(b.name ?? path.basename(b.path)));
    return [...nodes, ...topics];
  }

  /** Skills by name, each followed by the ones it shadows (so precedence shows), then the SKILL.md files that failed. */
  private skills(): MemoryNode[] {
    const set = this.deps.skills?.current;
    if (!set) return [];
    const nodes: MemoryNode[] = [];
    for (const skill of set.skills) {
      nodes.push({ kind: 'skill', skill });
      for (const s of set.shadowed) if (s.by.file === skill.file) nodes.push({ kind: 'skill', skill: s.skill, shadowedBy: s.by });
    }
    // A shadowed skill whose winner is not listed (should not happen) is still shown.
    for (const s of set.shadowed) if (!nodes.some((n) => n.kind === 'skill' && n.skill === s.skill)) nodes.push({ kind: 'skill', skill: s.skill, shadowedBy: s.by });
    return [...nodes, ...set.problems.map((problem): MemoryNode => ({ kind: 'skillProblem', problem }))];
  }

  /** Recent transcripts, newest first. */
  private async sessions(): Promise<MemoryNode[]> {
    const dir = this.deps.sessionsDir();
    if (!(await this.deps.fs.stat(dir))) return [];
    const entries = (await this.deps.fs.readDirectory(dir)).filter((e) => e.kind === 'file' && e.name.endsWith('.jsonl'));
    const stats = await Promise.all(entries.map(async (e) => ({ p: path.join(dir, e.name), s: await this.deps.fs.stat(path.join(dir, e.name)) })));
    return stats
      .filter((x) => x.s)
      .map((x): MemoryNode => ({ kind: 'session', path: x.p, mtimeMs: x.s!.mtimeMs, size: x.s!.size }))
      .sort((a, b) => (b as { mtimeMs: number }).mtimeMs - (a as { mtimeMs: number }).mtimeMs)
      .slice(0, RECENT_SESSIONS);
  }

  /** (Re)creates the watchers when the watched folders changed. Folders outside the workspace need a RelativePattern. */
  private watch(): void {
    const dirs = [this.deps.projectMemoryDir(), this.deps.userMemoryDir(), this.deps.sessionsDir()];
    const folders = vscode.workspace.workspaceFolders ?? [];
    const key = [...dirs, ...folders.map((f) => f.uri.toString())].join('\0');
    if (key === this.watched) return;
    this.unwatch();
    this.watched = key;
    const patterns: vscode.GlobPattern[] = [
      new vscode.RelativePattern(vscode.Uri.file(dirs[0]), '**/*.md'),
      new vscode.RelativePattern(vscode.Uri.file(dirs[1]), '**/*.md'),
      new vscode.RelativePattern(vscode.Uri.file(dirs[2]), '*.jsonl'),
      // A plain '**/...' glob did not fire in code-server; one RelativePattern per folder does.
      ...folders.map((f) => new vscode.RelativePattern(f, '**/{AGENTS,CLAUDE}.md')),
    ];
    for (const pattern of patterns) {
      const w = vscode.workspace.createFileSystemWatcher(pattern);
      const on = () => this.scheduleRefresh();
      this.watchers.push(w, w.onDidCreate(on), w.onDidChange(on), w.onDidDelete(on));
    }
  }

  private unwatch(): void {
    this.watchers.forEach((w) => w.dispose());
    this.watchers = [];
    this.watched = '';
  }
}

function fileItem(p: string, contextValue: string, command: string, node: MemoryNode): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(p), vscode.TreeItemCollapsibleState.None);
  item.id = `reverie.file.${p}`;
  item.resourceUri = vscode.Uri.file(p);
  item.contextValue = contextValue;
  item.tooltip = p;
  item.command = { command, title: 'Open', arguments: [node] };
  return item;
}

/**
 * A skill: its name, where it comes from, the escaped metadata as tooltip; a click opens SKILL.md.
 * contextValue `reverie.skill.<enabled|disabled|shadowed>`, with `.bundled` for built-in skills
 * (the menus offer delete only without it).
 */
function skillItem(node: Extract<MemoryNode, { kind: 'skill' }>): vscode.TreeItem {
  const { skill, shadowedBy } = node;
  const item = fileItem(skill.file, '', 'reverie.skills.open', node);
  item.id = `reverie.skill.${shadowedBy ? 'shadowed.' : ''}${skill.file}`;
  item.label = skill.name;
  const source = SKILL_SOURCE_LABEL[skill.source];
  const state = shadowedBy ? 'shadowed' : skill.disabled ? 'disabled' : 'enabled';
  item.contextValue = `reverie.skill.${state}${skill.source === 'bundled' ? '.bundled' : ''}`;
  item.description = shadowedBy ? `${source} · shadowed by ${SKILL_SOURCE_LABEL[shadowedBy.source]}` : skill.disabled ? `${source} · disabled` : source;
  const grey = new vscode.ThemeColor('disabledForeground');
  item.iconPath = state === 'enabled' ? new vscode.ThemeIcon('sparkle') : new vscode.ThemeIcon(state === 'disabled' ? 'circle-slash' : 'sparkle', grey);
  const tooltip = new vscode.MarkdownString(skillTooltipMarkdown(skill, shadowedBy), false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  item.tooltip = tooltip;
  return item;
}

/** MEMORY.md with its budget ("142 / 200 lines"); over a cap it warns and names the cap. */
function indexItem(node: Extract<MemoryNode, { kind: 'index' }>): vscode.TreeItem {
  const item = fileItem(node.path, 'reverie.memoryIndex', 'reverie.memory.open', node);
  const overLines = node.lines > INDEX_MAX_LINES;
  const overBytes = node.bytes > INDEX_MAX_BYTES;
  item.description = `${node.lines} / ${INDEX_MAX_LINES} lines` + (overBytes ? ` · ${formatSize(node.bytes)} / ${formatSize(INDEX_MAX_BYTES)}` : '');
  const caps: string[] = [];
  if (overLines) caps.push(`Over the ${INDEX_MAX_LINES}-line cap: only the first ${INDEX_MAX_LINES} lines are loaded.`);
  if (overBytes) caps.push(`Over the ${formatSize(INDEX_MAX_BYTES)} cap: the index is cut at the last line break before ${INDEX_MAX_BYTES} bytes.`);
  if (caps.length) {
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    caps.push('Keep one short line per entry and move detail into topic files.');
  } else {
    item.iconPath = new vscode.ThemeIcon('list-unordered');
  }
  item.tooltip = [`${node.path}`, `${node.lines} lines, ${formatSize(node.bytes)} (loaded every session)`, ...caps].join('\n');
  return item;
}

export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 100) / 10} KB`.replace('.0 KB', ' KB');
  return `${Math.round(bytes / 100_000) / 10} MB`.replace('.0 MB', ' MB');
}

/** "2025-11-21 14:05", local time. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
