import * as vscode from 'vscode';
import type { LanguageFeatures, SourceLocation, SymbolInfo } from '../../core/ports';

/**
 * Go to Definition, Find References and the outline, answered by whatever language extensions the
 * user has installed (the same providers the editor uses). Ports are 1-based; VS Code is 0-based.
 */
export class VsCodeLanguageFeatures implements LanguageFeatures {
  async definition(path: string, line: number, column: number): Promise<SourceLocation[]> {
    const uri = await open(path);
    const found = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
      'vscode.executeDefinitionProvider', uri, new vscode.Position(line - 1, column - 1));
    return withPreviews((found ?? []).map(toLocation));
  }

  async references(path: string, line: number, column: number): Promise<SourceLocation[]> {
    const uri = await open(path);
    const found = await vscode.commands.executeCommand<vscode.Location[]>(
      'vscode.executeReferenceProvider', uri, new vscode.Position(line - 1, column - 1));
    return withPreviews((found ?? []).map(toLocation));
  }

  async documentSymbols(path: string): Promise<SymbolInfo[]> {
    const uri = await open(path);
    const found = await vscode.commands.executeCommand<Array<vscode.DocumentSymbol | vscode.SymbolInformation>>(
      'vscode.executeDocumentSymbolProvider', uri);
    return (found ?? []).map(toSymbol);
  }
}

/** Providers are only asked about documents VS Code has loaded; opening one does not show it. */
async function open(path: string): Promise<vscode.Uri> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  return doc.uri;
}

function toLocation(l: vscode.Location | vscode.LocationLink): { uri: vscode.Uri; range: vscode.Range } {
  if ('targetUri' in l) return { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange };
  return { uri: l.uri, range: l.range };
}

/** Adds each location's line text, opening each target document once. */
async function withPreviews(locations: Array<{ uri: vscode.Uri; range: vscode.Range }>): Promise<SourceLocation[]> {
  const docs = new Map<string, Promise<vscode.TextDocument | undefined>>();
  const doc = (uri: vscode.Uri) => {
    const key = uri.toString();
    if (!docs.has(key)) docs.set(key, Promise.resolve(vscode.workspace.openTextDocument(uri)).catch(() => undefined));
    return docs.get(key)!;
  };
  return Promise.all(locations.map(async ({ uri, range }) => {
    const d = await doc(uri);
    const line = range.start.line;
    const loc: SourceLocation = { path: uri.scheme === 'file' ? uri.fsPath : uri.toString(), line: line + 1, column: range.start.character + 1 };
    if (d && line < d.lineCount) loc.preview = d.lineAt(line).text.trim();
    return loc;
  }));
}

/** DocumentSymbol (hierarchical, from most servers) or the older flat SymbolInformation. */
function toSymbol(s: vscode.DocumentSymbol | vscode.SymbolInformation): SymbolInfo {
  const range = 'location' in s ? s.location.range : s.range;
  const info: SymbolInfo = { name: s.name, kind: symbolKind(s.kind), line: range.start.line + 1, endLine: range.end.line + 1 };
  if ('children' in s && s.children?.length) info.children = s.children.map(toSymbol);
  return info;
}

/** `Function`, `Class`, ... in lower case, as a word the model reads easily. */
function symbolKind(kind: vscode.SymbolKind): string {
  return (vscode.SymbolKind[kind] ?? 'symbol').toLowerCase();
}
