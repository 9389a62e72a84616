import * as vscode from 'vscode';
import { createEditorConversation, editorChatEnvironment, memoryPlaces } from './host/agentHost';
import { VsCodeApprovals } from './host/approvals/vscodeApprovals';
import { ChatController } from './host/chatController';
import { ChatViewProvider } from './host/chatViewProvider';
import { CodeActions } from './host/codeActions';
import { ComposerHost } from './host/composerHost';
import { ContextStatus } from './host/contextStatus';
import { setupDreaming, type DreamController } from './host/dream/setupDreaming';
import { FixThis } from './host/fixThis/fixThis';
import { Watch } from './host/watch/watch';
import { findRipgrep } from './node/ripgrep';
import { searchSessions } from './host/historyCommands';
import { registerMemoryCommands } from './host/memoryCommands';
import type { MemoryTreeProvider } from './host/memoryTreeProvider';
import { createMemoryView } from './host/memoryView';
import { VsCodeModelAccess, registerApiKeyCommands } from './host/modelAccess';
import { outputLogger } from './host/outputLog';
import { watchSettings } from './host/settings';
import { PermissionState } from './host/permissionState';
import { registerSkillCommands } from './host/skillCommands';
import { startMemoryLanguageClient } from './lsp/client';
import type { SkillRegistry } from './core/skills/types';

/** What activate() returns: a small surface for other extensions and for the integration tests. */
export interface ReverieApi {
  readonly chat: ChatController;
  readonly chatView: ChatViewProvider;
  readonly memoryTree: MemoryTreeProvider;
  readonly permissions: PermissionState;
  readonly approvals: VsCodeApprovals;
  readonly skills: SkillRegistry;
  readonly dream: DreamController;
  readonly watch: Watch;
}

/** The composition root: build the adapters, wire the core, register everything VS Code shows. */
export function activate(context: vscode.ExtensionContext): ReverieApi {
  const started = performance.now(); // the activation time below is read by bench/activation.bench.ts
  const sub = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };

  // 1. Adapters for the core's ports.
  const channel = sub(vscode.window.createOutputChannel('Reverie', { log: true }));
  const log = outputLogger(channel);
  const access = sub(new VsCodeModelAccess(context.secrets));
  const permissions = sub(new PermissionState());
  const approvals = sub(new VsCodeApprovals(context.globalStorageUri));
  sub(approvals.registerCommands());

  // 2. The core agent on the editor's hands, and the controller that connects it to the panel.
  const agent = createEditorConversation({ context, access, log, permissions, approvals });
  agent.disposables.forEach(sub);
  const composer = sub(new ComposerHost({ permissions, model: () => access.model(), transcriptsDir: () => memoryPlaces().transcripts, rgPath: findRipgrep(vscode.env.appRoot), memento: context.workspaceState }));
  const codeActions = sub(new CodeActions(log)); // a code block's Insert / Apply / Copy buttons
  const chat = sub(new ChatController(agent.conversation, { ...editorChatEnvironment(agent, access), composer: composer.environment(), codeAction: (m) => codeActions.run(m), approvals: approvals.panel }, log));
  void agent.skills.scan();
  sub(access.onDidChange(() => void chat.refreshAuth()));
  sub(vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('reverie.model')) void chat.refreshPanel();
    if (e.affectsConfiguration('reverie.memory')) memoryTree.refresh();
  }));
  sub(watchSettings(log)); // a wrong settings value or permission rule: a warning naming it
  const contextStatus = sub(new ContextStatus(vscode));
  sub(chat.onDidPost((msg) => contextStatus.observe(msg)));
  const dream = sub(setupDreaming({ access, log, chat, sessionId: () => agent.conversation.id })); // checked after each completed turn

  // 3. Views.
  const chatView = sub(new ChatViewProvider(context.extensionUri, chat));
  sub(vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, chatView));
  sub(new FixThis({ chat, reveal: () => chatView.reveal(), commands: agent.commands, authorize: agent.authorize, log })); // lightbulb + commands
  const memoryView = createMemoryView(agent.skills);
  const memoryTree = memoryView.tree;
  sub(memoryView.disposable);

  // 4. Commands (titles and icons are declared in package.json).
  const command = (id: string, run: (...args: any[]) => unknown) => sub(vscode.commands.registerCommand(id, run));
  sub(registerApiKeyCommands(access));
  command('reverie.newConversation', () => chat.newConversation());
  command('reverie.stop', () => chat.stop());
  command('reverie.compact', () => chatView.reveal().then(() => chat.compact()));
  command('reverie.focusChat', () => chatView.reveal());
  command('reverie.showLog', () => channel.show());
  command('reverie.setPermissionMode', () => permissions.pick());
  sub(registerMemoryCommands(memoryTree, memoryTree.deps));
  sub(registerSkillCommands(agent.skills, { home: () => memoryPlaces().home }));
  command('reverie.sessions.search', () => searchSessions({ transcriptsDir: () => memoryPlaces().transcripts, rgPath: findRipgrep(vscode.env.appRoot) }));

  // 5. The language server for memory and skill files starts when one is first opened.
  startMemoryLanguageClient(context).then(sub, (err) => log.error(`memory language server: ${err instanceof Error ? err.message : String(err)}`));

  const watch = sub(new Watch({ chat, panel: chatView, commands: agent.commands, authorize: agent.authorize, log }));
  log.info(`Reverie ${context.extension.packageJSON.version} activated in ${(performance.now() - started).toFixed(1)} ms (VS Code ${vscode.version})`);
  return { chat, chatView, memoryTree, permissions, approvals, skills: agent.skills, dream, watch };
}

export function deactivate(): void {}
