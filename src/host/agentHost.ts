import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { createAuthorizer } from '../core/agent/authorizer';
import { validateRules } from '../core/permissions';
import type { Logger, ModelAccess } from '../core/ports';
import { Conversation } from '../core/session/conversation';
import { newSessionId } from '../core/session/sessionStore';
import { ALL_TOOLS, finalizeToolResult } from '../core/tools';
import type { ToolSession } from '../core/tools/tool';
import { NodeFileSystem } from '../node/nodeFileSystem';
import { VsCodeCommandRunner } from './adapters/vscodeCommandRunner';
import { VsCodeDiagnostics } from './adapters/vscodeDiagnostics';
import { VsCodeFileSearch } from './adapters/vscodeFileSearch';
import { VsCodeFileSystem } from './adapters/vscodeFileSystem';
import { VsCodeLanguageFeatures } from './adapters/vscodeLanguageFeatures';
import type { VsCodeApprovals } from './approvals/vscodeApprovals';
import type { PermissionState } from './permissionState';

export interface AgentHostDeps {
  context: vscode.ExtensionContext;
  access: ModelAccess;
  log: Logger;
  permissions: PermissionState;
  approvals: VsCodeApprovals;
}

/**
 * The agent on VS Code's hands: the editor's file system (edits through WorkspaceEdit), ripgrep,
 * terminals, diagnostics and language features, gated by the permission state and the approval UI.
 */
export function createEditorConversation(deps: AgentHostDeps): { conversation: Conversation; disposables: vscode.Disposable[] } {
  const fs = new VsCodeFileSystem();
  const spill = new NodeFileSystem(); // spilled tool output is Reverie's own file, not a workspace edit
  const search = new VsCodeFileSearch();
  const commands = new VsCodeCommandRunner();
  const diagnostics = new VsCodeDiagnostics();
  const language = new VsCodeLanguageFeatures();
  const storage = (deps.context.storageUri ?? deps.context.globalStorageUri).fsPath;
  /** "Always allow" rules belong to one conversation: a new conversation starts without them. */
  const sessionRules = new WeakMap<ToolSession, string[]>();
  const rulesFor = (session: ToolSession) => sessionRules.get(session) ?? sessionRules.set(session, []).get(session)!;

  const conversation = new Conversation({
    access: deps.access,
    log: deps.log,
    tools: ALL_TOOLS,
    sessionDir: () => path.join(storage, 'sessions', newSessionId()),
    toolContext: (signal, progress, session) => {
      const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
      const authorize = createAuthorizer({
        // The session folder holds spilled outputs the model is told to read back.
        permissions: () => ({ ...deps.permissions.context(), additionalDirectories: [session.dir] }),
        approvals: deps.approvals,
        sessionRules: rulesFor(session),
        log: deps.log,
      });
      return {
        cwd: roots[0] ?? os.homedir(), roots, signal, fs, search, commands, diagnostics, language, session, log: deps.log, progress,
        authorize: (request) => authorize(request, signal),
      };
    },
    finalizeResult: (result, name, session) => finalizeToolResult(result, name, session, spill),
  });
  return { conversation, disposables: [commands, diagnostics] };
}

/** Warns about permission rules that will be ignored: a typo in a deny rule means no protection. */
export function reportBadRules(log: Logger): void {
  const config = vscode.workspace.getConfiguration('reverie.permissions');
  const problems = validateRules({ allow: config.get('allow', []), ask: config.get('ask', []), deny: config.get('deny', []) });
  if (!problems.length) return;
  for (const p of problems) log.warn(`settings: ${p}`);
  void vscode.window.showWarningMessage(`Reverie: ${problems.length} permission rule(s) in your settings are malformed and ignored: ${problems[0]}`, 'Open Settings')
    .then((choice) => choice && vscode.commands.executeCommand('workbench.action.openSettings', 'reverie.permissions'));
}
