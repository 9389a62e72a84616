import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReverieApi } from '../../../src/extension';
import { memoryPlaces } from '../../../src/host/agentHost';
import { searchSessions } from '../../../src/host/historyCommands';
import { createMemory } from '../../../src/host/memoryCommands';
import { MockAnthropicServer, reply } from '../../fixtures/mockAnthropic';
import { activateReverie, until } from './helpers';

describe('Memory in the running extension', () => {
  let api: ReverieApi;
  let mock: MockAnthropicServer;
  const config = () => vscode.workspace.getConfiguration('reverie');

  before(async () => {
    mock = await MockAnthropicServer.start({ apiKeys: ['memory-key'] });
    api = await activateReverie();
    await config().update('baseUrl', mock.url, vscode.ConfigurationTarget.Global);
    process.env.ANTHROPIC_API_KEY = 'memory-key';
  });
  after(async () => {
    await config().update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    delete process.env.ANTHROPIC_API_KEY;
    await mock.close();
  });

  it('a memory created by command appears in the tree and in the next conversation\'s first request, without its body', async () => {
    const file = await createMemory(api.memoryTree.deps, { type: 'feedback', name: 'Prefers tabs', description: 'indentation style for this project' });
    fs.appendFileSync(file, '\nThe user indents with tabs, never spaces.\n');
    assert.ok(file.startsWith(memoryPlaces().projectDir), file);
    // The Memory group lists the index, then the topic files; the watcher refreshes it.
    const labels = async (): Promise<string[]> => {
      const groups = api.memoryTree.getChildren();
      const items = await Promise.all(groups.map(async (g) => ({ g, label: String((await api.memoryTree.getTreeItem(g)).label) })));
      const memory = items.find((i) => i.label === 'Memory')!.g;
      const children = await api.memoryTree.getChildren(memory);
      return Promise.all(children.map(async (c) => String((await api.memoryTree.getTreeItem(c)).label)));
    };
    let seen: string[] = [];
    for (const end = Date.now() + 10_000; !seen.some((l) => /Prefers tabs|prefers-tabs/.test(l)); ) {
      assert.ok(Date.now() < end, `the new memory did not appear in the tree: ${seen.join(', ')}`);
      seen = await labels();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(seen.some((l) => /MEMORY\.md/.test(l)), `the index is listed: ${seen.join(', ')}`);

    await api.chat.newConversation();
    mock.enqueue(reply('Tabs it is.'));
    await api.chat.submit('How should I indent?');
    const opening = JSON.stringify(mock.requests.at(-1)!.body.messages[0]);
    assert.match(opening, /\[Prefers tabs\]\(prefers-tabs\.md\)/);
    assert.doesNotMatch(opening, /never spaces/);
  });

  it('the conversation was saved as a transcript, and "Search Sessions" finds it and opens it', async () => {
    const picked = searchSessions({ transcriptsDir: () => memoryPlaces().transcripts }, 'indent should');
    await new Promise((r) => setTimeout(r, 1_500)); // the quick pick opens
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const id = await picked;
    assert.match(id ?? '', /^[A-Za-z0-9_-]{8,64}$/);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor?.document.uri.fsPath.endsWith(`${id}.jsonl`), editor?.document.uri.fsPath);
    const records = editor!.document.getText().trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(records[0].type, 'session');
    assert.ok(records.some((r) => r.type === 'message' && JSON.stringify(r.message).includes('How should I indent?')));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the language server marks a broken link in MEMORY.md', async () => {
    const dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.reverie', 'memory');
    fs.mkdirSync(dir, { recursive: true });
    const index = path.join(dir, 'MEMORY.md');
    fs.writeFileSync(index, '- [Gone](missing-topic.md) — this file does not exist\n');
    const doc = await vscode.workspace.openTextDocument(index);
    await vscode.window.showTextDocument(doc);
    const reverie = () => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'reverie');
    await until(() => reverie().some((d) => /missing-topic\.md/.test(d.message)), 30_000, 'diagnostics from the memory language server');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
