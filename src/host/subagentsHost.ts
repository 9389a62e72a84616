import * as path from 'node:path';
import * as vscode from 'vscode';
import { BUILT_IN_AGENTS } from '../core/agents/builtins';
import { discoverAgents } from '../core/agents/discovery';
import { Subagents, type SubagentDeps } from '../core/agents/subagents';
import type { AgentDefinition } from '../core/agents/types';
import type { FileSystem, Logger } from '../core/ports';
import { settings } from './settings';

/**
 * Subagents in the editor: the agent types (built-ins, `.reverie/agents/*.md` in the workspace and
 * `~/.reverie/agents/*.md`, rescanned when those files change) and the budgets from settings,
 * read when each subagent starts.
 */
export function editorSubagents(
  fs: FileSystem,
  places: () => { cwd: string; roots: string[]; home: string },
  log: Logger,
  deps: Omit<SubagentDeps, 'agents' | 'options' | 'log'>,
): { subagents: Subagents; disposable: vscode.Disposable } {
  let agents: readonly AgentDefinition[] = BUILT_IN_AGENTS;
  const rescan = async () => {
    try {
      agents = (await discoverAgents(fs, places(), log)).agents;
    } catch (err) {
      log.warn(`agents: could not read the agent folders: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  void rescan();
  const subagents = Subagents.create({
    ...deps,
    log,
    agents: () => agents,
    get options() {
      return {
        maxTurns: Math.floor(settings.get<number>('reverie.subagents.maxTurns')),
        maxTokens: settings.get<number>('reverie.subagents.maxTokens'),
      };
    },
  });
  const watchers = [
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => new vscode.RelativePattern(f, '**/.reverie/agents/*.md')),
    new vscode.RelativePattern(vscode.Uri.file(path.join(places().home, '.reverie', 'agents')), '*.md'),
  ].map((pattern) => {
    const w = vscode.workspace.createFileSystemWatcher(pattern);
    return vscode.Disposable.from(w, w.onDidCreate(rescan), w.onDidChange(rescan), w.onDidDelete(rescan));
  });
  return { subagents, disposable: vscode.Disposable.from(...watchers) };
}
