import * as vscode from 'vscode';

/** The groups of the Reverie Memory view; the memory and skills issues fill them with files. */
export const MEMORY_GROUPS = [
  { id: 'instructions', label: 'Instructions', icon: 'book', empty: 'No AGENTS.md or CLAUDE.md yet' },
  { id: 'memory', label: 'Memory', icon: 'lightbulb', empty: 'Nothing remembered yet' },
  { id: 'skills', label: 'Skills', icon: 'tools', empty: 'No skills found' },
] as const;

type Node = { kind: 'group'; group: (typeof MEMORY_GROUPS)[number] } | { kind: 'empty'; group: (typeof MEMORY_GROUPS)[number] };

/** Explorer view "Reverie Memory": instruction files, memories and skills, each a group. */
export class MemoryTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  static readonly viewId = 'reverie.memory';

  getChildren(node?: Node): Node[] {
    if (!node) return MEMORY_GROUPS.map((group) => ({ kind: 'group', group }));
    if (node.kind === 'group') return [{ kind: 'empty', group: node.group }];
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.group.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `reverie.memory.${node.group.id}`;
      item.iconPath = new vscode.ThemeIcon(node.group.icon);
      item.contextValue = `reverie.group.${node.group.id}`;
      return item;
    }
    const item = new vscode.TreeItem(node.group.empty, vscode.TreeItemCollapsibleState.None);
    item.id = `reverie.memory.${node.group.id}.empty`;
    item.description = '';
    item.contextValue = 'reverie.empty';
    return item;
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
