import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ReverieApi } from '../../../src/extension';
import { activateReverie, until } from './helpers';

/**
 * A stand-in for a linter that runs on save: 200 ms after a `.watch.txt` file is saved, every word
 * starting with BROKEN becomes an error in the Problems view.
 */
function fakeLinter(): { reports: Map<string, number>; dispose(): void } {
  const collection = vscode.languages.createDiagnosticCollection('reverie-watch-test');
  const reports = new Map<string, number>();
  const sub = vscode.workspace.onDidSaveTextDocument((doc) => {
    if (!doc.uri.fsPath.endsWith('.watch.txt')) return;
    setTimeout(() => {
      const found: vscode.Diagnostic[] = [];
      doc.getText().split('\n').forEach((line, i) => {
        for (const m of line.matchAll(/BROKEN\w*/g)) {
          const d = new vscode.Diagnostic(new vscode.Range(i, m.index!, i, m.index! + m[0].length), `Unknown word '${m[0]}'`, vscode.DiagnosticSeverity.Error);
          d.source = 'fakelint';
          found.push(d);
        }
      });
      collection.set(doc.uri, found);
      reports.set(doc.uri.toString(), (reports.get(doc.uri.toString()) ?? 0) + 1);
    }, 200);
  });
  return { reports, dispose: () => (sub.dispose(), collection.dispose()) };
}

describe('Watch: offers help after a save brings new errors', function () {
  this.timeout(60_000);
  let api: ReverieApi;
  let linter: ReturnType<typeof fakeLinter>;
  const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
  const setEnabled = (on: boolean) => vscode.workspace.getConfiguration('reverie.watch').update('enabled', on, vscode.ConfigurationTarget.Global);

  before(async () => {
    api = await activateReverie();
    linter = fakeLinter();
  });

  after(async () => {
    await setEnabled(false);
    linter.dispose();
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  /** Opens (creating) a file, appends a line, saves, and waits for the linter's report and the watch's check. */
  async function appendAndSave(name: string, line: string): Promise<vscode.Uri> {
    const file = path.join(root(), name);
    if (!fs.existsSync(file)) fs.writeFileSync(file, 'all fine here\n');
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc);
    const reported = linter.reports.get(doc.uri.toString()) ?? 0;
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(doc.lineCount, 0), `${line}\n`)));
    assert.ok(await doc.save(), 'saved');
    await until(() => (linter.reports.get(doc.uri.toString()) ?? 0) > reported, 10_000, 'the linter to report');
    await api.watch.idle();
    return doc.uri;
  }

  it('with reverie.watch.enabled off (the default), nothing is offered', async () => {
    await setEnabled(false);
    const count = api.watch.offerCount;
    const uri = await appendAndSave('off.watch.txt', 'this is BROKENoff');
    assert.equal(vscode.languages.getDiagnostics(uri).length, 1, 'the error is in the Problems view');
    assert.equal(api.watch.offerCount, count);
  });

  it('on: one offer for the new error, and none for a second save within the minute', async () => {
    await setEnabled(true);
    const count = api.watch.offerCount;
    await appendAndSave('a.watch.txt', 'now BROKENone');
    assert.equal(api.watch.offerCount, count + 1, 'one offer');
    const offer = api.watch.lastOffer!;
    assert.equal(offer.kind, 'errors');
    assert.equal(offer.file, 'a.watch.txt');
    assert.equal(offer.text, `Reverie: 1 new error in a.watch.txt after the save ("Unknown word 'BROKENone'").`);

    // Another new error in the same file: without the rate limit this would be a second offer.
    const uri = await appendAndSave('a.watch.txt', 'and BROKENtwo');
    assert.equal(vscode.languages.getDiagnostics(uri).length, 2);
    assert.equal(api.watch.offerCount, count + 1, 'no second offer within a minute');
    assert.equal(api.watch.lastOffer, offer);
  });
});
