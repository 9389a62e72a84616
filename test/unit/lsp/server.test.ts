import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

interface PublishedDiagnostics {
  uri: string;
  diagnostics: Array<{ range: { start: { line: number; character: number } }; code: string; message: string }>;
}

describe('lsp server process (stdio)', () => {
  const serverJs = path.resolve(__dirname, '../../../src/lsp/server.js');
  let dir: string;
  let proc: ChildProcess;
  let connection: MessageConnection;
  const published: PublishedDiagnostics[] = [];
  let notify: (() => void) | undefined;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-lsp-'));
    fs.writeFileSync(path.join(dir, 'build.md'), '---\nname: b\ndescription: d\ntype: project\n---\n');
    proc = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    connection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishedDiagnostics) => {
      published.push(p);
      notify?.();
    });
    connection.listen();
    const init = await connection.sendRequest<{ capabilities: { hoverProvider?: boolean } }>('initialize', {
      processId: process.pid, rootUri: null, capabilities: {},
    });
    assert.equal(init.capabilities.hoverProvider, true);
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    await connection.sendRequest('shutdown').catch(() => undefined);
    await connection.sendNotification('exit').catch(() => undefined);
    connection.dispose();
    proc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const diagnosticsFor = async (uri: string): Promise<PublishedDiagnostics> => {
    for (;;) {
      const found = published.find((p) => p.uri === uri);
      if (found) return found;
      await new Promise<void>((resolve) => (notify = resolve));
    }
  };

  it('publishes a broken-link diagnostic for an opened MEMORY.md', async () => {
    const file = path.join(dir, 'MEMORY.md');
    const text = '- [Build](build.md) — ok\n- [Gone](gone.md) — missing\n';
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    const { diagnostics } = await diagnosticsFor(uri);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['index-broken-link', 1, 9]]);
    assert.match(diagnostics[0].message, /gone\.md/);
  });

  it('completes keys in a SKILL.md and survives malformed YAML', async () => {
    const uri = pathToFileURL(path.join(dir, 'skill', 'SKILL.md')).href;
    const text = '---\nname: x\n\ndescription: "open\n---\n';
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'markdown', version: 1, text } });
    const items = await connection.sendRequest<Array<{ label: string; textEdit: { newText: string } }>>('textDocument/completion', {
      textDocument: { uri }, position: { line: 2, character: 0 },
    });
    const labels = items.map((i) => i.label);
    assert.ok(labels.includes('allowed-tools') && labels.includes('context'));
    assert.ok(!labels.includes('name'), 'name is already written');
    const { diagnostics } = await diagnosticsFor(uri);
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['yaml-error', 3]]);
  });
});
