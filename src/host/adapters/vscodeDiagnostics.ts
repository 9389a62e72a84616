import * as vscode from 'vscode';
import type { Diagnostic, Diagnostics } from '../../core/ports';
import { Disposable } from '../disposable';

const SEVERITY: Record<vscode.DiagnosticSeverity, Diagnostic['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'info',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/**
 * The Problems panel as the agent sees it. Language servers report asynchronously: right after the
 * agent edits a file, `getDiagnostics` still returns the problems of the text before the edit. So
 * when a file changed within the last `settleMs` and no new diagnostics arrived for it since, we
 * wait up to the rest of that window, returning as soon as its diagnostics change. Files that did
 * not just change are answered at once.
 */
export class VsCodeDiagnostics extends Disposable implements Diagnostics {
  /** uri -> when its text last changed / when its diagnostics last changed. */
  private readonly lastEdit = new Map<string, number>();
  private readonly lastReport = new Map<string, number>();

  constructor(private readonly settleMs = 1_500) {
    super();
    this._register(vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) this.lastEdit.set(e.document.uri.toString(), Date.now());
    }));
    this._register(vscode.workspace.onDidSaveTextDocument((d) => this.lastEdit.set(d.uri.toString(), Date.now())));
    this._register(vscode.languages.onDidChangeDiagnostics((e) => {
      const now = Date.now();
      for (const uri of e.uris) this.lastReport.set(uri.toString(), now);
    }));
  }

  async get(path?: string): Promise<Diagnostic[]> {
    if (path === undefined) {
      const all = vscode.languages.getDiagnostics().filter(([uri]) => uri.scheme === 'file');
      return all.flatMap(([uri, list]) => list.map((d) => convert(uri, d))).sort(byPosition);
    }
    const uri = vscode.Uri.file(path);
    await this.settle(uri);
    return vscode.languages.getDiagnostics(uri).map((d) => convert(uri, d)).sort(byPosition);
  }

  /** Waits for the language server to catch up with a recent change to `uri` (see the class comment). */
  /**
   * Waits for the language server to report on `uri` (see get), then for its reports to stop
   * changing for `quietMs` (at most `maxMs`), and returns them: after a fix or a save, the problems
   * as they will stay, not a half-updated set.
   */
  async quiet(uri: vscode.Uri, quietMs = 800, maxMs = 8_000): Promise<readonly vscode.Diagnostic[]> {
    await this.get(uri.fsPath);
    const wanted = uri.toString();
    await new Promise<void>((resolve) => {
      let timer: ReturnType<typeof setTimeout>;
      const done = () => {
        sub.dispose();
        clearTimeout(timer);
        clearTimeout(cap);
        resolve();
      };
      const sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (!e.uris.some((u) => u.toString() === wanted)) return;
        clearTimeout(timer);
        timer = setTimeout(done, quietMs);
      });
      timer = setTimeout(done, quietMs);
      const cap = setTimeout(done, maxMs);
    });
    return vscode.languages.getDiagnostics(uri);
  }

  private async settle(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    const edited = this.lastEdit.get(key);
    if (edited === undefined) return;
    const deadline = edited + this.settleMs;
    if (Date.now() >= deadline || (this.lastReport.get(key) ?? 0) >= edited) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        sub.dispose();
        clearTimeout(timer);
        resolve();
      };
      const sub = vscode.languages.onDidChangeDiagnostics((e) => {
        if (e.uris.some((u) => u.toString() === key)) done();
      });
      const timer = setTimeout(done, deadline - Date.now());
    });
  }
}

function convert(uri: vscode.Uri, d: vscode.Diagnostic): Diagnostic {
  const out: Diagnostic = {
    path: uri.fsPath,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    severity: SEVERITY[d.severity] ?? 'error',
    message: d.message,
  };
  if (d.source) out.source = d.source;
  return out;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column;
}
