/**
 * The memory language server: its own bundle (dist/lsp/server.js), its own Node process. Checks
 * MEMORY.md, topic files and SKILL.md (analyze.ts) and offers completion and hover in their
 * frontmatter. Transport from the command line: --node-ipc (the extension) or --stdio (tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CompletionItemKind, DiagnosticSeverity, DiagnosticTag, MarkupKind, ProposedFeatures, TextDocumentSyncKind, TextDocuments,
  createConnection, type CompletionItem, type Diagnostic, type TextDocumentChangeEvent,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, documentKind, type DocumentKind, type MemoryDiagnostic, type Severity } from './analyze';
import { completeAt } from './complete';
import { hoverAt } from './hover';
import { DIAGNOSTIC_SOURCE } from './protocol';

const DEBOUNCE_MS = 150;

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
type Change = TextDocumentChangeEvent<TextDocument>;
const pending = new Map<string, NodeJS.Timeout>();

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** The file's folder listing (files only); empty when it cannot be read. */
function siblingsOf(filePath: string): string[] {
  try {
    return fs.readdirSync(path.dirname(filePath), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

function filePathOf(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
  } catch {
    return undefined;
  }
}

function kindOf(uri: string): { kind: DocumentKind; siblings: string[] } | undefined {
  const file = filePathOf(uri);
  if (!file) return undefined;
  const siblings = siblingsOf(file);
  const kind = documentKind(path.basename(file), siblings);
  return kind ? { kind, siblings } : undefined;
}

function toLsp(d: MemoryDiagnostic): Diagnostic {
  return {
    range: { start: { line: d.line, character: d.startChar }, end: { line: d.endLine ?? d.line, character: d.endChar } },
    severity: SEVERITY[d.severity],
    message: d.message,
    code: d.code,
    source: DIAGNOSTIC_SOURCE,
    ...(d.unnecessary ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

function validate(uri: string): void {
  const document = documents.get(uri);
  if (!document) return;
  let diagnostics: Diagnostic[] = [];
  try {
    const found = kindOf(uri);
    if (found) diagnostics = analyzeDocument(found.kind, document.getText(), found.siblings).map(toLsp);
  } catch (e) {
    connection.console.error(`checking ${uri} failed: ${e instanceof Error ? e.stack : String(e)}`);
  }
  void connection.sendDiagnostics({ uri, version: document.version, diagnostics });
}

function schedule(uri: string): void {
  clearTimeout(pending.get(uri));
  pending.set(uri, setTimeout(() => {
    pending.delete(uri);
    validate(uri);
  }, DEBOUNCE_MS));
}

/** An index lists its folder, so a file appearing, changing or going away there rechecks it. */
function scheduleIndexesBeside(uri: string): void {
  const file = filePathOf(uri);
  if (!file) return;
  for (const doc of documents.all()) {
    const other = filePathOf(doc.uri);
    if (other && doc.uri !== uri && path.dirname(other) === path.dirname(file)) schedule(doc.uri);
  }
}

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    completionProvider: { triggerCharacters: [':', ' ', '-', ','] },
    hoverProvider: true,
  },
  serverInfo: { name: 'reverie-memory' },
}));

documents.onDidOpen((e: Change) => {
  schedule(e.document.uri);
  scheduleIndexesBeside(e.document.uri);
});
documents.onDidChangeContent((e: Change) => schedule(e.document.uri));
documents.onDidSave((e: Change) => scheduleIndexesBeside(e.document.uri));
documents.onDidClose((e: Change) => {
  clearTimeout(pending.get(e.document.uri));
  pending.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});
connection.onDidChangeWatchedFiles(() => {
  for (const doc of documents.all()) schedule(doc.uri);
});

connection.onCompletion((params): CompletionItem[] => {
  try {
    const document = documents.get(params.textDocument.uri);
    const found = document && kindOf(params.textDocument.uri);
    if (!document || !found) return [];
    const { line, character } = params.position;
    return completeAt(found.kind, document.getText(), line, character).map((c) => ({
      label: c.label,
      kind: c.kind === 'key' ? CompletionItemKind.Property : CompletionItemKind.EnumMember,
      documentation: { kind: MarkupKind.Markdown, value: c.documentation },
      textEdit: { range: { start: { line, character: c.replaceStart }, end: { line, character } }, newText: c.insertText },
    }));
  } catch (e) {
    connection.console.error(`completion failed: ${String(e)}`);
    return [];
  }
});

connection.onHover((params) => {
  try {
    const document = documents.get(params.textDocument.uri);
    const found = document && kindOf(params.textDocument.uri);
    if (!document || !found) return null;
    const hover = hoverAt(found.kind, document.getText(), params.position.line, params.position.character);
    if (!hover) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: hover.markdown },
      range: { start: { line: hover.line, character: hover.startChar }, end: { line: hover.line, character: hover.endChar } },
    };
  } catch (e) {
    connection.console.error(`hover failed: ${String(e)}`);
    return null;
  }
});

documents.listen(connection);
connection.listen();
