import * as os from 'node:os';
import * as path from 'node:path';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import * as vscode from 'vscode';
import { createAuthorizer } from '../core/agent/authorizer';
import { projectMemoryDir, transcriptsDir, userMemoryDir, type MemoryLocation } from '../core/memory/locations';
import { loadInstructions } from '../core/memory/instructions';
import { createMemoryExtractor } from '../core/memory/extraction';
import { importGate, isMemoryRead, isMemoryTopicPath, memoryHooks, type MemoryPlaces } from '../core/memory/memoryHooks';
import { combineHooks } from '../core/session/hooks';
import { SkillCatalog } from '../core/skills/catalog';
import { createSkillTool } from '../core/tools/skill';
import { createTaskTool } from '../core/tools/task';
import { editorSubagents } from './subagentsHost';
import { createExitPlanModeTool } from '../core/tools/exitPlanMode';
import { PlanDocuments } from './plan/planDocuments';
import { skillFileProblems } from '../lsp/skillCheck';
import { transcriptRecorder } from '../core/session/transcript';
import { createSearchHistoryTool } from '../core/tools/searchHistory';
import { NodeTranscriptStore, searchHistory } from '../node/nodeTranscripts';
import { findRipgrep } from '../node/ripgrep';
import type { AccessRequest, CommandRunner, Logger, ModelAccess } from '../core/ports';
import { Conversation, textStorage } from '../core/session/conversation';
import { ALL_TOOLS, finalizeToolResult } from '../core/tools';
import type { Authorization, ToolSession } from '../core/tools/tool';
import { NodeFileSystem } from '../node/nodeFileSystem';
import { VsCodeCommandRunner } from './adapters/vscodeCommandRunner';
import { VsCodeDiagnostics } from './adapters/vscodeDiagnostics';
import { VsCodeFileSearch } from './adapters/vscodeFileSearch';
import { VsCodeFileSystem } from './adapters/vscodeFileSystem';
import { VsCodeLanguageFeatures } from './adapters/vscodeLanguageFeatures';
import type { VsCodeApprovals } from './approvals/vscodeApprovals';
import type { PermissionState } from './permissionState';
import type { ChatEnvironment } from './chatController';
import type { VsCodeModelAccess } from './modelAccess';
import { SKILL_SOURCE_LABEL } from '../core/skills/types';
import { EditorCheckpoints } from './checkpoints/editorCheckpoints';
import { settings } from './settings';

export interface AgentHostDeps {
  context: vscode.ExtensionContext;
  access: ModelAccess;
  log: Logger;
  permissions: PermissionState;
  approvals: VsCodeApprovals;
}

/** Where this window's memory, instructions and transcripts live (read fresh: settings and folders change). */
export function memoryPlaces(): MemoryPlaces & { transcripts: string } {
  const home = os.homedir();
  const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  const root = roots[0] ?? home;
  const location = settings.get<MemoryLocation>('reverie.memory.location');
  return {
    roots, cwd: root, home, reverieDir: path.join(home, '.reverie'),
    projectDir: projectMemoryDir({ home, workspaceRoot: root, location: location === 'workspace' && roots.length ? 'workspace' : 'private' }),
    userDir: userMemoryDir(home),
    transcripts: transcriptsDir(home, root),
  };
}

/** The instruction files that load at the start of a conversation, for the Memory tree. */
export async function instructionFiles(fs: import('../core/ports').FileSystem): Promise<string[]> {
  const p = memoryPlaces();
  const files = await loadInstructions(fs, { roots: p.roots, cwd: p.cwd, userDir: p.reverieDir, home: p.home, allowImport: importGate(p) });
  return files.filter((f) => !f.importedFrom).map((f) => f.path);
}

/** A topic file (not the index) in one of the memory folders; `p` as the agent gave it. */
export function isMemoryTopic(p: string): boolean {
  const places = memoryPlaces();
  const abs = path.resolve(places.cwd, p.replace(/^~(?=\/)/, places.home));
  return isMemoryTopicPath(abs, places);
}

/**
 * The agent on VS Code's hands: the editor's file system (edits through WorkspaceEdit), ripgrep,
 * terminals, diagnostics and language features, gated by the permission state and the approval UI.
 */
export function createEditorConversation(deps: AgentHostDeps): {
  conversation: Conversation;
  skills: SkillCatalog;
  extractMemories: (turn: readonly MessageParam[]) => Promise<number>;
  checkpoints: EditorCheckpoints;
  /** Plan documents (exit_plan_mode) for the panel's plan cards. */
  plans: PlanDocuments;
  /** A subagent card's Stop. */
  stopSubagent(id: string): boolean;
  disposables: vscode.Disposable[];
  /** Outside a turn (Fix this's test command): the agent's command runner and its gate for the current session. */
  commands: CommandRunner;
  authorize: (request: AccessRequest, signal: AbortSignal) => Promise<Authorization>;
} {
  const fs = new VsCodeFileSystem();
  const spill = new NodeFileSystem(); // spilled tool output is Reverie's own file, not a workspace edit
  const search = new VsCodeFileSearch();
  const commands = new VsCodeCommandRunner({
    log: (m) => deps.log.debug(m),
    useTerminal: () => settings.get<string>('reverie.commands.runIn') !== 'process',
  });
  const diagnostics = new VsCodeDiagnostics();
  const language = new VsCodeLanguageFeatures();
  const storage = (deps.context.storageUri ?? deps.context.globalStorageUri).fsPath;
  /** "Always allow" rules belong to one conversation: a new conversation starts without them. */
  const sessionRules = new WeakMap<ToolSession, string[]>();
  const rulesFor = (session: ToolSession) => sessionRules.get(session) ?? sessionRules.set(session, []).get(session)!;

  const memory = memoryHooks(fs, memoryPlaces, deps.log);
  const skills = new SkillCatalog({
    fs,
    log: deps.log,
    places: () => {
      const p = memoryPlaces();
      return {
        cwd: p.cwd, roots: p.roots, home: p.home,
        includeClaudeCode: settings.get<boolean>('reverie.skills.includeClaudeCode'),
        disabled: settings.get<string[]>('reverie.skills.disabled'),
        bundledDir: path.join(deps.context.extensionUri.fsPath, 'resources', 'skills'),
      };
    },
    checkSkillFile: skillFileProblems,
  });
  // One recorder per transcripts folder (it remembers which sessions already have their header).
  let recorder: { dir: string; record: ReturnType<typeof transcriptRecorder> } | undefined;
  const record = (id: string, messages: Parameters<ReturnType<typeof transcriptRecorder>>[1], event?: Parameters<ReturnType<typeof transcriptRecorder>>[2]) => {
    const dir = memoryPlaces().transcripts;
    if (recorder?.dir !== dir) recorder = { dir, record: transcriptRecorder(new NodeTranscriptStore(dir), { cwd: memoryPlaces().cwd, model: () => deps.access.model() }) };
    return recorder.record(id, messages, event);
  };
  // Files the agent changes are snapshotted before each prompt (checkpoints/), for rewind and fork.
  const checkpoints = new EditorCheckpoints({
    storageDir: storage, fs, log: deps.log, record, readTranscript: (id) => new NodeTranscriptStore(memoryPlaces().transcripts).read(id),
  });
  const rgPath = findRipgrep(vscode.env.appRoot);
  const searchTool = createSearchHistoryTool((o) => searchHistory({ root: memoryPlaces().transcripts, rgPath, ...o }));
  /** The one gate for a session's tools (and for Fix this's test command): rules, mode, then the approval UI. */
  const authorizerFor = (session: ToolSession) => createAuthorizer({
    // The session folder holds spilled outputs the model is told to read back.
    permissions: () => {
      const places = memoryPlaces();
      return { ...deps.permissions.context(), additionalDirectories: [session.dir], autoApprovedDirectories: [places.projectDir, places.userDir] };
    },
    approvals: deps.approvals,
    sessionRules: rulesFor(session),
    turnRules: () => session.turnRules,
    log: deps.log,
  });
  const transcriptStore = () => new NodeTranscriptStore(memoryPlaces().transcripts);
  // Subagents (the task tool, `context: fork` skills) share this conversation's permissions and recorder.
  const subagentsHost = editorSubagents(fs, memoryPlaces, deps.log, {
    access: deps.access,
    parentId: () => conversation.id,
    tools: () => tools,
    permissions: () => {
      const places = memoryPlaces();
      return { ...deps.permissions.context(), additionalDirectories: [conversation.session.dir], autoApprovedDirectories: [places.projectDir, places.userDir] };
    },
    record,
    finalizeResult: (result, name, session) => finalizeToolResult(result, name, session, spill),
    sessionDir: (id) => path.join(storage, 'sessions', id),
    hooks: memory,
    storage: textStorage(spill),
    transcriptExists: async (id) => (await transcriptStore().read(id)) !== undefined,
  });
  // Plan mode's exit_plan_mode opens the plan as a document; an approved plan stays on the session.
  const plans = new PlanDocuments(deps.permissions, (plan) => void (conversation.session.plan = plan));
  const tools = [...ALL_TOOLS, searchTool, createSkillTool(skills, subagentsHost.subagents), createTaskTool(subagentsHost.subagents), createExitPlanModeTool(plans.presenter())];
  const conversation = new Conversation({
    access: deps.access,
    log: deps.log,
    tools,
    hooks: combineHooks([memory, skills.hooks], (err) => deps.log.error(`context hook failed: ${err instanceof Error ? err.message : String(err)}`)),
    record,
    sessionDir: (id) => path.join(storage, 'sessions', id),
    compaction: () => {
      const threshold = settings.get<number>('reverie.compaction.threshold');
      return {
        autoCompact: settings.get<boolean>('reverie.compaction.auto'),
        autoCompactAt: threshold > 0 ? threshold : undefined,
        microCompaction: settings.get<boolean>('reverie.compaction.microCompaction'),
        sessionNotes: settings.get<boolean>('reverie.compaction.sessionNotes'),
      };
    },
    storage: textStorage(spill),
    keepResult: isMemoryRead(memoryPlaces),
    transcriptPath: (id) => path.join(memoryPlaces().transcripts, `${id}.jsonl`),
    toolContext: (signal, progress, session) => {
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      const authorize = authorizerFor(session);
      return {
        cwd: roots[0] ?? os.homedir(), roots, signal, fs: checkpoints.fileSystem(fs), search, commands: checkpoints.commands(commands), diagnostics, language, session, log: deps.log, progress,
        authorize: (request) => authorize(request, signal),
      };
    },
    finalizeResult: (result, name, session) => finalizeToolResult(result, name, session, spill),
  });
  const extract = createMemoryExtractor({
    access: deps.access, log: deps.log, fs, search, commands, places: memoryPlaces,
    sessionDir: (id: string) => path.join(storage, 'sessions', id),
  });
  /** The background memory pass, when the user turned it on (it costs a model call per turn). */
  const extractMemories = async (turn: Parameters<typeof extract>[0]) =>
    settings.get<boolean>('reverie.memory.extractAfterTurn') ? extract(turn, new AbortController().signal) : 0;
  return {
    conversation, skills, extractMemories, checkpoints, disposables: [commands, diagnostics, checkpoints, subagentsHost.disposable, plans],
    plans, stopSubagent: (id) => subagentsHost.subagents.stop(id),
    commands, authorize: (request, signal) => authorizerFor(conversation.session)(request, signal),
  };
}

/** What the chat controller needs from the editor: key, model, busy state, memory and skills. */
export function editorChatEnvironment(agent: ReturnType<typeof createEditorConversation>, access: VsCodeModelAccess): ChatEnvironment {
  return {
    hasApiKey: () => access.hasApiKey(),
    model: () => access.model(),
    setApiKey: async () => void (await vscode.commands.executeCommand('reverie.setApiKey')),
    openSettings: async () => void (await vscode.commands.executeCommand('workbench.action.openSettings', 'reverie.')),
    busyChanged: (busy) => void vscode.commands.executeCommand('setContext', 'reverie.busy', busy),
    isMemoryTopic,
    extractMemories: agent.extractMemories,
    checkpoints: agent.checkpoints.chat,
    stopSubagent: agent.stopSubagent,
    plans: agent.plans,
    expandSkill: (text) => agent.skills.expandCommand(text, agent.conversation.session),
    userSkills: () => agent.skills.current.skills.filter((s) => s.userInvocable && !s.disabled)
      .map((s) => ({ name: s.name, description: s.description, argumentHint: s.argumentHint, source: SKILL_SOURCE_LABEL[s.source] })),
    onSkillsChanged: (listener) => agent.skills.onDidChange(() => listener()),
  };
}
