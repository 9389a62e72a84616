/**
 * Starts the memory language server (dist/lsp/server.js) the first time a memory or skill file is
 * open, like vscode-eslint: the client lives in the extension host, the server in its own process.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { MEMORY_DOCUMENT_SELECTOR, MEMORY_SERVER_ID, MEMORY_SERVER_NAME } from './protocol';

export async function startMemoryLanguageClient(context: vscode.ExtensionContext): Promise<vscode.Disposable> {
  const selector: vscode.DocumentFilter[] = MEMORY_DOCUMENT_SELECTOR.map((f) => ({ ...f }));
  const serves = (doc: vscode.TextDocument) => vscode.languages.match(selector, doc) > 0;
  let client: LanguageClient | undefined;
  let starting: Promise<void> | undefined;
  let watcher: vscode.FileSystemWatcher | undefined;

  const start = (): Promise<void> => {
    if (starting) return starting;
    const module = context.asAbsolutePath('dist/lsp/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    // An index lists its folder: tell the server when markdown files appear or go away.
    watcher = vscode.workspace.createFileSystemWatcher('**/*.md');
    const clientOptions: LanguageClientOptions = { documentSelector: selector, synchronize: { fileEvents: watcher } };
    client = new LanguageClient(MEMORY_SERVER_ID, MEMORY_SERVER_NAME, serverOptions, clientOptions);
    starting = client.start();
    return starting;
  };

  const opened = vscode.workspace.onDidOpenTextDocument((doc) => {
    if (!serves(doc)) return;
    opened.dispose();
    start().catch((e: unknown) => console.error(`[reverie] memory language server did not start: ${String(e)}`));
  });
  if (vscode.workspace.textDocuments.some(serves)) {
    opened.dispose();
    await start();
  }

  return new vscode.Disposable(() => {
    opened.dispose();
    watcher?.dispose();
    void client?.dispose();
  });
}
