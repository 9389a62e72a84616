import * as vscode from 'vscode';
import { searchHistory } from '../node/nodeTranscripts';

export interface HistoryCommandDeps {
  transcriptsDir(): string;
  rgPath?: string;
}

/** Searches every past session of this workspace; picking a hit opens that transcript. */
export async function searchSessions(deps: HistoryCommandDeps, query?: string): Promise<string | undefined> {
  const q = query ?? (await vscode.window.showInputBox({
    title: 'Reverie: Search Sessions',
    prompt: 'Keywords (all must match), or /a regular expression/',
    validateInput: (v) => (v.trim() ? undefined : 'Type something to search for.'),
  }));
  if (!q?.trim()) return undefined;
  const regex = /^\/.+\/$/.test(q.trim());
  const pattern = regex ? q.trim().slice(1, -1) : q.trim();
  let hits;
  try {
    hits = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Searching sessions' }, () =>
      searchHistory({ root: deps.transcriptsDir(), query: pattern, regex, limit: 50, signal: new AbortController().signal, rgPath: deps.rgPath }));
  } catch (err) {
    void vscode.window.showErrorMessage(`Reverie: ${err instanceof SyntaxError ? `not a valid regular expression: ${err.message}` : String(err)}`);
    return undefined;
  }
  if (!hits.length) {
    void vscode.window.showInformationMessage(`Reverie: no past session mentions "${q.trim()}".`);
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    hits.map((h) => ({ label: h.snippet.replace(/\s+/g, ' ').trim(), description: `${h.role} · ${new Date(h.time).toLocaleString()}`, detail: `session ${h.sessionId}`, hit: h })),
    { title: `${hits.length} match${hits.length === 1 ? '' : 'es'} for "${q.trim()}"`, matchOnDescription: true, matchOnDetail: true },
  );
  if (!pick) return undefined;
  const file = vscode.Uri.file(`${deps.transcriptsDir()}/${pick.hit.sessionId}.jsonl`);
  await vscode.window.showTextDocument(file, { preview: true });
  return pick.hit.sessionId;
}
