import * as vscode from 'vscode';
import type { AgentOutcome } from '../../core/agent/events';
import type { AccessRequest, CommandRunner, Logger } from '../../core/ports';
import type { Authorization } from '../../core/tools/tool';
import type { FixResultEntry } from '../../shared/approvalProtocol';
import { VsCodeDiagnostics } from '../adapters/vscodeDiagnostics';
import { Disposable } from '../disposable';
import { diagnosticPrompt, selectionPrompt, where, type FileText, type FixDiagnostic, type Range } from './fixPrompt';
import { verdict, type DiagnosticKey, type TestOutcome, type Verdict } from './verification';
import { settings } from '../settings';

export const FIX_COMMAND = 'reverie.fixThis';
export const EXPLAIN_COMMAND = 'reverie.explainThis';
export const ASK_COMMAND = 'reverie.askAboutThis';
const ASK_KIND = vscode.CodeActionKind.Refactor.append('reverie');

/** How long to wait for the first new report after an edit, then for the reports to stop changing. */
const FIRST_REPORT_MS = 5_000;
const TEST_TIMEOUT_MS = 10 * 60_000;

export interface FixThisDeps {
  chat: {
    sendPrompt(display: string, prompt: string): Promise<AgentOutcome | undefined>;
    addFixResult(result: Omit<FixResultEntry, 'role' | 'id' | 'canContinue'>, onContinue?: () => void): unknown;
  };
  /** Shows the chat panel. */
  reveal(): Promise<void>;
  /** The agent's command runner and permission gate, for `reverie.fix.testCommand`. */
  commands: CommandRunner;
  authorize(request: AccessRequest, signal: AbortSignal): Promise<Authorization>;
  log: Logger;
}

/** One fix being worked on: what to check when a turn about it ends. */
interface FixJob {
  uri: vscode.Uri;
  where: string;
  target: DiagnosticKey;
  before: DiagnosticKey[];
  beforeText: string;
}

const SEVERITY: Record<vscode.DiagnosticSeverity, FixDiagnostic['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/**
 * "Fix with Reverie" and "Explain with Reverie" on diagnostics, "Ask Reverie about this" on a
 * selection: a code action provider and three commands. The commands take no arguments: they read
 * the active editor's selection and the diagnostics under it when they run, so a stale lightbulb
 * cannot put text of its own into the prompt. A fix is checked afterwards (see `verify`).
 */
export class FixThis extends Disposable implements vscode.CodeActionProvider {
  private readonly diagnostics = this._register(new VsCodeDiagnostics(FIRST_REPORT_MS));
  private readonly abort = new AbortController();

  constructor(private readonly deps: FixThisDeps) {
    super();
    this._register(vscode.languages.registerCodeActionsProvider({ scheme: 'file' }, this, {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, ASK_KIND],
    }));
    this._register(vscode.commands.registerCommand('reverie.fixThis', () => this.fix()));
    this._register(vscode.commands.registerCommand('reverie.explainThis', () => this.explain()));
    this._register(vscode.commands.registerCommand('reverie.askAboutThis', () => this.ask()));
    this._register({ dispose: () => this.abort.abort() });
  }

  provideCodeActions(_doc: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const wanted = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind);
    const out: vscode.CodeAction[] = [];
    if (context.diagnostics.length && wanted(vscode.CodeActionKind.QuickFix)) {
      for (const [title, command] of [['Fix with Reverie', FIX_COMMAND], ['Explain with Reverie', EXPLAIN_COMMAND]]) {
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.command = { command, title }; // no arguments: the command reads the editor when it runs
        action.diagnostics = [...context.diagnostics];
        out.push(action);
      }
    }
    if (!range.isEmpty && wanted(ASK_KIND)) {
      const action = new vscode.CodeAction('Ask Reverie about this', ASK_KIND);
      action.command = { command: ASK_COMMAND, title: 'Ask Reverie about this' };
      out.push(action);
    }
    return out;
  }

  /** Fixes the problem under the cursor, then checks; resolves to the verdict (undefined if no check ran). */
  async fix(): Promise<Verdict | undefined> {
    const found = this.problemAtCursor();
    if (!found) return undefined;
    const { editor, diagnostic } = found;
    const doc = editor.document;
    const { display, prompt } = diagnosticPrompt('fix', fileText(doc), toFix(diagnostic));
    const job: FixJob = {
      uri: doc.uri,
      where: where(relative(doc.uri), toFix(diagnostic).range),
      target: key(diagnostic),
      before: vscode.languages.getDiagnostics(doc.uri).map(key),
      beforeText: doc.getText(),
    };
    return this.runFix(job, display, prompt);
  }

  async explain(): Promise<AgentOutcome | undefined> {
    const found = this.problemAtCursor();
    if (!found) return undefined;
    const { display, prompt } = diagnosticPrompt('explain', fileText(found.editor.document), toFix(found.diagnostic));
    await this.deps.reveal();
    return this.deps.chat.sendPrompt(display, prompt);
  }

  async ask(): Promise<AgentOutcome | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void vscode.window.showInformationMessage('Reverie: select some code in an editor first.');
    const selection = editor.selection;
    const range: Range = selection.isEmpty
      ? { start: { line: selection.active.line, character: 0 }, end: { line: selection.active.line, character: 0 } }
      : { start: selection.start, end: selection.end };
    const place = where(relative(editor.document.uri), range);
    const question = (await vscode.window.showInputBox({
      title: `Ask Reverie about ${place}`,
      prompt: 'Your question; the selected code and the lines around it go with it.',
      placeHolder: 'What does this do? Is there a bug here?',
      ignoreFocusOut: true,
    }))?.trim();
    if (!question) return undefined;
    // Read again: the editor may have changed while the box was open.
    const { display, prompt } = selectionPrompt(fileText(editor.document), range, question);
    await this.deps.reveal();
    return this.deps.chat.sendPrompt(display, prompt);
  }

  private async runFix(job: FixJob, display: string, prompt: string): Promise<Verdict | undefined> {
    await this.deps.reveal();
    const outcome = await this.deps.chat.sendPrompt(display, prompt);
    if (!outcome || outcome.state !== 'completed') return undefined; // busy, stopped or failed: nothing to check
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Reverie: checking the fix' },
      () => this.verify(job),
    );
    const onContinue = result.followUp === undefined
      ? undefined
      : () => void this.runFix(job, `Continue fixing ${job.where}`, result.followUp!).catch((err) => this.deps.log.error(`fix failed: ${String(err)}`));
    this.deps.chat.addFixResult({ fixed: result.fixed, text: result.text }, onContinue);
    return result;
  }

  /**
   * After a fix turn: was the file changed, are its diagnostics (once they settle) without the
   * problem, and, when `reverie.fix.testCommand` is set and the problem is gone, does it pass?
   */
  private async verify(job: FixJob): Promise<Verdict> {
    const doc = await vscode.workspace.openTextDocument(job.uri);
    const edited = doc.getText() !== job.beforeText;
    const after = edited ? await this.settledDiagnostics(job.uri) : vscode.languages.getDiagnostics(job.uri);
    const input = { where: job.where, target: job.target, before: job.before, after: after.map(key), edited };
    const first = verdict(input);
    if (!first.fixed) return first;
    const command = settings.get<string>('reverie.fix.testCommand', job.uri).trim();
    if (!command) return first;
    return verdict({ ...input, test: { command, outcome: await this.runTests(command, job.uri) } });
  }

  /** The file's problems once the language server has reported and stopped changing them. */
  private settledDiagnostics(uri: vscode.Uri): Promise<readonly vscode.Diagnostic[]> {
    return this.diagnostics.quiet(uri);
  }

  /** The test command through the agent's gate (rules, mode, the approval card) and command runner. */
  private async runTests(command: string, uri: vscode.Uri): Promise<TestOutcome> {
    const cwd = (vscode.workspace.getWorkspaceFolder(uri) ?? vscode.workspace.workspaceFolders?.[0])?.uri.fsPath;
    if (!cwd) return { status: 'not_run', why: 'no workspace folder' };
    const signal = this.abort.signal;
    const auth = await this.deps.authorize({ kind: 'command', tool: 'run_command', command, cwd }, signal);
    if (!auth.granted) return { status: 'not_run', why: 'not allowed' };
    try {
      const r = await this.deps.commands.run(command, { cwd, timeoutMs: TEST_TIMEOUT_MS, signal });
      if (r.exitCode === 0) return { status: 'passed' };
      if (r.timedOut || r.interrupted) return { status: 'not_run', why: r.timedOut ? 'it timed out' : 'it was interrupted' };
      return { status: 'failed', exitCode: r.exitCode, output: r.output };
    } catch (err) {
      this.deps.log.warn(`fix: the test command failed to start: ${err instanceof Error ? err.message : String(err)}`);
      return { status: 'not_run', why: 'it could not start' };
    }
  }

  /** The active editor and the most severe diagnostic under its cursor or selection. */
  private problemAtCursor(): { editor: vscode.TextEditor; diagnostic: vscode.Diagnostic } | undefined {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Reverie: open a file and put the cursor on a problem first.');
      return undefined;
    }
    const diagnostic = diagnosticsAt(editor)[0];
    if (!diagnostic) void vscode.window.showInformationMessage('Reverie: there is no problem at the cursor.');
    return diagnostic && { editor, diagnostic };
  }
}

/** Under the selection (or the cursor); else on the cursor's line. Most severe first, then by position. */
export function diagnosticsAt(editor: vscode.TextEditor): vscode.Diagnostic[] {
  const sel = editor.selection;
  const all = vscode.languages.getDiagnostics(editor.document.uri);
  const under = all.filter((d) => (sel.isEmpty ? d.range.contains(sel.active) : d.range.intersection(sel) !== undefined));
  const line = sel.active.line;
  const list = under.length ? under : all.filter((d) => d.range.start.line <= line && d.range.end.line >= line);
  return list.sort((a, b) => a.severity - b.severity || a.range.start.compareTo(b.range.start));
}

function toFix(d: vscode.Diagnostic): FixDiagnostic {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return { message: d.message, severity: SEVERITY[d.severity] ?? 'error', source: d.source, code, range: { start: d.range.start, end: d.range.end } };
}

function key(d: vscode.Diagnostic): DiagnosticKey {
  const { message, severity, source, code } = toFix(d);
  return { message, severity, source, code };
}

function relative(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}

function fileText(doc: vscode.TextDocument): FileText {
  const lines: string[] = [];
  for (let i = 0; i < doc.lineCount; i++) lines.push(doc.lineAt(i).text);
  return { file: relative(doc.uri), languageId: doc.languageId, lines };
}
