/**
 * The composer's editor side (ComposerEnvironment on VS Code): `@` mention items from a cached
 * file index, the selection, diagnostics and terminal output; mention expansion through the
 * permission layer; the permission mode and `reverie.model`; the saved sessions.
 *
 * `@terminal`: VS Code has no API to read a terminal's buffer or selection, so Reverie keeps the
 * output of the last command run in each terminal through shell integration
 * (onDidStartTerminalShellExecution + read()): the active terminal's, else the latest anywhere,
 * the Reverie terminal included. A terminal without shell integration has nothing to offer.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { decide } from '../core/permissions';
import type { PermissionMode } from '../core/permissions/types';
import type { MentionItem } from '../shared/protocol';
import { COMPOSER_LIMITS } from '../shared/protocol';
import { modelChoices, type ComposerEnvironment, type ComposerState } from './composerEnvironment';
import { Disposable } from './disposable';
import { expandMentions, type MentionEnvironment } from './mentions/expandMentions';
import { rankFuzzy } from './mentions/fuzzy';
import type { PermissionState } from './permissionState';
import { SessionService } from './sessions/sessionService';

const INDEX_CAP = 5_000;
const EXCLUDE = '**/{node_modules,.git,.hg,.svn,dist,out,.test-runs}/**';
const TERMINAL_CHARS = 20_000;
const PROBLEMS_CAP = 50;
/** workspaceState key: the session the panel showed, resumed when the window reloads. */
const OPEN_SESSION = 'reverie.openSession';

export interface ComposerHostDeps {
  permissions: PermissionState;
  model(): string;
  transcriptsDir(): string;
  rgPath?: string;
  /** Where the open session is remembered across window reloads (the workspace state). */
  memento: vscode.Memento;
}

export class ComposerHost extends Disposable {
  private index: Promise<Array<{ path: string; dir: boolean }>> | undefined;
  private readonly terminalOutput = new Map<vscode.Terminal, { command: string; text: string; at: number }>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly sessions: SessionService;

  constructor(private readonly deps: ComposerHostDeps) {
    super();
    this.sessions = new SessionService({ dir: deps.transcriptsDir, rgPath: deps.rgPath });
    const watcher = this._register(vscode.workspace.createFileSystemWatcher('**/*', false, true, false));
    const stale = () => (this.index = undefined);
    this._register(watcher.onDidCreate(stale));
    this._register(watcher.onDidDelete(stale));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(stale));
    this._register(deps.permissions.onDidChange(() => this.changed.fire()));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('reverie.model') && this.changed.fire()));
    this._register(vscode.window.onDidStartTerminalShellExecution((e) => void this.capture(e.terminal, e.execution)));
    this._register(vscode.window.onDidCloseTerminal((t) => this.terminalOutput.delete(t)));
  }

  environment(): ComposerEnvironment {
    return {
      mentionItems: (query) => this.mentionItems(query),
      expandMentions: (text) => expandMentions(text, this.mentionEnvironment()),
      state: () => this.state(),
      setMode: (mode) => this.deps.permissions.set(mode),
      setModel: (model) => this.setModel(model),
      onStateChanged: (listener) => this.changed.event(listener),
      sessions: this.sessions,
      confirm: async (message, detail, action) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action,
      dreamNow: async () => void (await vscode.commands.executeCommand('reverie.dream.now')),
      openSession: {
        get: () => this.deps.memento.get<string>(OPEN_SESSION),
        set: (id) => void this.deps.memento.update(OPEN_SESSION, id),
      },
    };
  }

  private state(): ComposerState {
    const model = this.deps.model();
    return { mode: this.deps.permissions.mode, model, models: modelChoices(model) };
  }

  /** Writes `reverie.model` where it is set now (a workspace value would otherwise hide a user one). */
  private async setModel(model: string): Promise<void> {
    const config = vscode.workspace.getConfiguration('reverie');
    const inspected = config.inspect<string>('model');
    const target = inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update('model', model, target);
  }

  private async mentionItems(query: string): Promise<MentionItem[]> {
    const specials: MentionItem[] = [];
    const selection = this.selectionMention();
    if (selection) specials.push(selection);
    const problems = vscode.languages.getDiagnostics().reduce((n, [, d]) => n + d.length, 0);
    specials.push({ kind: 'problems', label: 'problems', insert: 'problems', detail: `${problems} in the workspace` });
    const terminal = this.latestTerminal();
    specials.push({ kind: 'terminal', label: 'terminal', insert: 'terminal', detail: terminal ? `output of "${terminal.command.slice(0, 60)}"` : 'no command output captured yet' });
    const files = await this.files();
    const items: MentionItem[] = [
      ...specials,
      // A path too long for the message cannot be mentioned whole; cutting it would name another file.
      ...files.filter((f) => f.path.length < COMPOSER_LIMITS.path)
        .map((f): MentionItem => ({ kind: f.dir ? 'folder' : 'file', label: f.dir ? `${f.path}/` : f.path, insert: f.path })),
    ];
    return rankFuzzy(items, query, (i) => i.label, COMPOSER_LIMITS.mentionItems);
  }

  /** The active editor's selection as `path:start-end` (the whole line range), or `selection` for an untitled editor. */
  private selectionMention(): MentionItem | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.selection.isEmpty) return undefined;
    const { start, end } = editor.selection;
    const last = end.character === 0 && end.line > start.line ? end.line : end.line + 1;
    const doc = editor.document;
    if (doc.uri.scheme !== 'file') return { kind: 'selection', label: 'selection', insert: 'selection', detail: `${path.basename(doc.fileName)}:${start.line + 1}-${last}` };
    const rel = vscode.workspace.asRelativePath(doc.uri, false);
    const where = `${rel}:${start.line + 1}-${last}`;
    if (where.length > COMPOSER_LIMITS.path) return undefined;
    return { kind: 'selection', label: 'selection', insert: where, detail: where };
  }

  private files(): Promise<Array<{ path: string; dir: boolean }>> {
    this.index ??= (async () => {
      const uris = await vscode.workspace.findFiles('**/*', EXCLUDE, INDEX_CAP);
      const files = new Set<string>();
      const dirs = new Set<string>();
      for (const uri of uris) {
        const rel = vscode.workspace.asRelativePath(uri, false);
        files.add(rel);
        for (let d = path.posix.dirname(rel); d !== '.' && d !== '/' && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
      }
      const sorted = (s: Set<string>) => [...s].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
      return [...sorted(dirs).map((p) => ({ path: p, dir: true })), ...sorted(files).map((p) => ({ path: p, dir: false }))];
    })().catch(() => []);
    return this.index;
  }

  private mentionEnvironment(): MentionEnvironment {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const permissions = this.deps.permissions.context();
    return {
      roots,
      stat: async (abs) => {
        const realPath = await fs.realpath(abs);
        const st = await fs.stat(realPath);
        return { type: st.isDirectory() ? 'dir' : 'file', size: st.size, realPath };
      },
      // The editor's text (unsaved changes included) when the file is open, as read_file would see it.
      readText: async (abs) => vscode.workspace.textDocuments.find((d) => d.uri.fsPath === abs)?.getText() ?? fs.readFile(abs, 'utf8'),
      listDir: async (abs) => (await fs.readdir(abs, { withFileTypes: true })).map((e) => ({ name: e.name, dir: e.isDirectory() })),
      readDecision: (abs) => decide({ kind: 'read', tool: 'read_file', path: abs }, permissions).behavior,
      selection: () => {
        const editor = vscode.window.activeTextEditor;
        if (!editor || editor.selection.isEmpty) return undefined;
        return { label: path.basename(editor.document.fileName), language: editor.document.languageId, text: editor.document.getText(editor.selection) };
      },
      problems: () => problemLines(roots),
      terminal: () => {
        const t = this.latestTerminal();
        return t && { label: `Output of \`${t.command}\` in the terminal`, text: t.text };
      },
    };
  }

  private latestTerminal(): { command: string; text: string } | undefined {
    const active = vscode.window.activeTerminal && this.terminalOutput.get(vscode.window.activeTerminal);
    return active ?? [...this.terminalOutput.values()].sort((a, b) => b.at - a.at)[0];
  }

  /** Keeps the tail of each terminal's latest command output. read() yields only what arrives after it is called. */
  private async capture(terminal: vscode.Terminal, execution: vscode.TerminalShellExecution): Promise<void> {
    const entry = { command: execution.commandLine.value, text: '', at: Date.now() };
    this.terminalOutput.set(terminal, entry);
    try {
      for await (const chunk of execution.read()) {
        if (this.terminalOutput.get(terminal) !== entry) return; // a newer command took over
        entry.text = (entry.text + stripAnsi(chunk)).slice(-TERMINAL_CHARS);
      }
    } catch {
      // the terminal closed mid-read: keep what arrived
    }
  }
}

function problemLines(roots: readonly string[]): string[] {
  const out: string[] = [];
  const severity = ['error', 'warning', 'info', 'hint'];
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    for (const d of [...diagnostics].sort((a, b) => a.severity - b.severity)) {
      if (out.length >= PROBLEMS_CAP) return [...out, `… and more (only the first ${PROBLEMS_CAP} are listed)`];
      const rel = roots.length ? vscode.workspace.asRelativePath(uri, false) : uri.fsPath.replace(os.homedir(), '~');
      out.push(`${rel}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severity[d.severity]}: ${d.message.replace(/\s+/g, ' ')}${d.source ? ` (${d.source})` : ''}`);
    }
  }
  return out;
}

/** Terminal colour and cursor sequences, and the shell-integration OSC markers. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g, '').replace(/\r(?!\n)/g, '');
}
