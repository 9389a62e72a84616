import * as vscode from 'vscode';
import { createDreamer } from '../../core/dream/dreamer';
import { defaultDreamPlaces } from '../../core/dream/store';
import type { Logger, ModelAccess } from '../../core/ports';
import type { HostToWebview } from '../../shared/protocol';
import { NodeCommandRunner } from '../../node/nodeCommandRunner';
import { NodeDreamStore } from '../../node/dreamStore';
import { NodeFileSystem } from '../../node/nodeFileSystem';
import { searchHistory } from '../../node/nodeTranscripts';
import { findRipgrep } from '../../node/ripgrep';
import { VsCodeFileSearch } from '../adapters/vscodeFileSearch';
import { memoryPlaces } from '../agentHost';
import { DreamController } from './dreamController';
import { readDreamSettings } from './dreamReview';
import { settings } from '../settings';

export type { DreamController };

export interface DreamingDeps {
  access: ModelAccess;
  log: Logger;
  /** The chat controller: its posts tell when a turn completed. */
  chat: { onDidPost(listener: (msg: HostToWebview) => void): vscode.Disposable };
  /** The chat's current session id. */
  sessionId: () => string | undefined;
}

/**
 * Dreaming for this window: the core's dreamer on Node adapters (the dream reads and writes
 * Reverie's own staging folder, never through the editor; its commands run as child processes,
 * not in the user's terminal), over the project memory folder, checked after every completed turn.
 */
export function setupDreaming(deps: DreamingDeps): DreamController {
  const commands = new NodeCommandRunner();
  const rgPath = findRipgrep(vscode.env.appRoot);
  const dreamSettings = () => {
    const read = readDreamSettings((key) => settings.get(`reverie.dream.${key}`));
    // No dream starts by itself in an untrusted workspace: it would read files nobody vouched for.
    return { ...read, enabled: read.enabled && vscode.workspace.isTrusted };
  };
  const dreamer = createDreamer({
    access: deps.access,
    log: deps.log,
    fs: new NodeFileSystem(),
    search: new VsCodeFileSearch({ rgPath }),
    commands,
    store: new NodeDreamStore(),
    places: () => {
      const p = memoryPlaces();
      const places = defaultDreamPlaces({ home: p.home, workspaceRoot: p.cwd, memoryDir: p.projectDir, transcriptsDir: p.transcripts });
      return p.roots.length ? { ...places, roots: p.roots } : places;
    },
    settings: dreamSettings,
    searchHistory: (o) => searchHistory({ root: memoryPlaces().transcripts, rgPath, ...o }),
  });
  const controller = new DreamController({ dreamer, log: deps.log, sessionId: deps.sessionId, settings: dreamSettings });
  controller.own(commands);
  controller.own(controller.registerCommands());
  controller.own(deps.chat.onDidPost((msg) => {
    if (msg.type === 'turnEnded' && msg.state === 'completed') void controller.afterTurn();
  }));
  return controller;
}
