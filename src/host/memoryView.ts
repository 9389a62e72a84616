import * as vscode from 'vscode';
import { VsCodeFileSystem } from './adapters/vscodeFileSystem';
import { instructionFiles, memoryPlaces } from './agentHost';
import { MemoryTreeProvider } from './memoryTreeProvider';
import type { SkillRegistry } from '../core/skills/types';

/** The "Reverie Memory" Explorer view for this window: memory folders, instructions, sessions, skills. */
export function createMemoryView(skills: SkillRegistry): { tree: MemoryTreeProvider; disposable: vscode.Disposable } {
  const files = new VsCodeFileSystem();
  const tree = new MemoryTreeProvider({
    fs: files,
    projectMemoryDir: () => memoryPlaces().projectDir,
    userMemoryDir: () => memoryPlaces().userDir,
    instructionFiles: () => instructionFiles(files),
    sessionsDir: () => memoryPlaces().transcripts,
    skills,
  });
  const view = vscode.window.createTreeView(MemoryTreeProvider.viewId, { treeDataProvider: tree, showCollapseAll: true });
  return { tree, disposable: vscode.Disposable.from(tree, view) };
}
