import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VsCodeDiagnostics } from '../../../src/host/adapters/vscodeDiagnostics';
import { VsCodeFileSystem } from '../../../src/host/adapters/vscodeFileSystem';
import { VsCodeLanguageFeatures } from '../../../src/host/adapters/vscodeLanguageFeatures';
import { closeAllEditors, sleep, timed, workspaceRoot, writeScratch } from './adapterFixtures';

describe('VsCodeDiagnostics in a real extension host', () => {
  const diagnostics = new VsCodeDiagnostics();
  const collection = vscode.languages.createDiagnosticCollection('reverie-test');
  after(() => {
    collection.dispose();
    diagnostics.dispose();
  });
  afterEach(async () => {
    collection.clear();
    await closeAllEditors();
  });

  it('reports a file\'s problems 1-based, with severity and source, and the workspace\'s when no path is given', async () => {
    const p = writeScratch('diag/problems.ts', 'const a = 1;\nconst b = 2;\nconst c = a + b;\n');
    const error = new vscode.Diagnostic(new vscode.Range(2, 6, 2, 7), 'c is never used', vscode.DiagnosticSeverity.Error);
    error.source = 'reverie-test';
    const hint = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 5), 'prefer let', vscode.DiagnosticSeverity.Hint);
    collection.set(vscode.Uri.file(p), [error, hint]);

    const { value: found, ms } = await timed(() => diagnostics.get(p));
    assert.deepEqual(found, [
      { path: p, line: 1, column: 1, severity: 'hint', message: 'prefer let' },
      { path: p, line: 3, column: 7, severity: 'error', message: 'c is never used', source: 'reverie-test' },
    ]);
    assert.ok(ms < 500, `a file that did not just change is answered at once (${ms} ms)`);
    const all = await diagnostics.get();
    assert.ok(all.some((d) => d.path === p && d.message === 'c is never used'));
  });

  it('right after an edit, waits for the language server\'s new report (up to 1.5 s) instead of returning stale problems', async () => {
    const p = writeScratch('diag/late.ts', 'let x = 1;\n');
    const uri = vscode.Uri.file(p);
    collection.set(uri, [new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), 'stale', vscode.DiagnosticSeverity.Warning)]);
    await new VsCodeFileSystem().writeFile(p, 'let x = 2;\n');
    // A "language server" that answers 400 ms after the edit.
    setTimeout(() => collection.set(uri, [new vscode.Diagnostic(new vscode.Range(0, 4, 0, 5), 'fresh', vscode.DiagnosticSeverity.Warning)]), 400);
    const { value: found, ms } = await timed(() => diagnostics.get(p));
    assert.deepEqual(found.map((d) => d.message), ['fresh']);
    assert.ok(ms < 1_400, `returned as soon as the report arrived (${ms} ms)`);
  });

  it('gives up waiting after about 1.5 s when no report comes', async () => {
    const p = writeScratch('diag/silent.ts', 'let y = 1;\n');
    await new VsCodeFileSystem().writeFile(p, 'let y = 3;\n');
    const { value: found, ms } = await timed(() => diagnostics.get(p));
    assert.deepEqual(found, []);
    assert.ok(ms >= 1_000 && ms < 2_500, `${ms} ms`);
  });
});

describe('VsCodeLanguageFeatures in a real extension host', () => {
  const language = new VsCodeLanguageFeatures();
  afterEach(closeAllEditors);

  it('definition, references and symbols from the built-in TypeScript server, 1-based with previews', async function () {
    this.timeout(60_000);
    const root = workspaceRoot();
    const welcome = path.join(root, 'src/welcome.ts');
    const greet = path.join(root, 'src/greet.ts');
    // The TypeScript server starts lazily, and while the project loads a syntax-only server answers
    // with the local import instead of the declaration; ask until the full answer arrives.
    await vscode.window.showTextDocument(vscode.Uri.file(welcome));
    let defs: Awaited<ReturnType<typeof language.definition>> = [];
    for (let i = 0; i < 90; i++) {
      defs = await language.definition(welcome, 4, 10); // `greet` in `return greet('Reverie');`
      if (defs.some((d) => d.path === greet)) break;
      await sleep(500);
    }
    assert.deepEqual(defs, [{ path: greet, line: 1, column: 17, preview: 'export function greet(name: string): string {' }]);

    const refs = await language.references(greet, 1, 17);
    const where = refs.map((r) => `${path.basename(r.path)}:${r.line}:${r.column}`).sort();
    assert.deepEqual(where, ['greet.ts:1:17', 'welcome.ts:1:10', 'welcome.ts:4:10']);
    assert.ok(refs.every((r) => r.preview && r.preview === r.preview.trim()));

    const symbols = await language.documentSymbols(welcome);
    assert.deepEqual(symbols.map((s) => [s.name, s.kind, s.line, s.endLine]), [['welcome', 'function', 3, 5]]);
  });

  describe('with providers registered by the test (LocationLink, SymbolInformation, nested DocumentSymbol)', () => {
    const registrations: vscode.Disposable[] = [];
    let file: string;
    let flatFile: string;
    before(() => {
      file = writeScratch('lang/sample.revtest', 'define thing\n  use thing\n    use thing again\n');
      flatFile = writeScratch('lang/flat.revflat', 'one\ntwo\n');
      const uri = vscode.Uri.file(file);
      registrations.push(
        vscode.languages.registerDefinitionProvider({ pattern: '**/*.revtest' }, {
          provideDefinition: () => [{ targetUri: uri, targetRange: new vscode.Range(0, 0, 0, 12), targetSelectionRange: new vscode.Range(0, 7, 0, 12) }],
        }),
        vscode.languages.registerReferenceProvider({ pattern: '**/*.revtest' }, {
          provideReferences: () => [new vscode.Location(uri, new vscode.Position(1, 6)), new vscode.Location(uri, new vscode.Position(2, 8))],
        }),
        vscode.languages.registerDocumentSymbolProvider({ pattern: '**/*.revtest' }, {
          provideDocumentSymbols: () => {
            const outer = new vscode.DocumentSymbol('thing', 'the definition', vscode.SymbolKind.Class, new vscode.Range(0, 0, 2, 19), new vscode.Range(0, 7, 0, 12));
            outer.children = [new vscode.DocumentSymbol('use', '', vscode.SymbolKind.Method, new vscode.Range(1, 2, 1, 11), new vscode.Range(1, 2, 1, 5))];
            return [outer];
          },
        }),
        vscode.languages.registerDocumentSymbolProvider({ pattern: '**/*.revflat' }, {
          provideDocumentSymbols: (doc) => [new vscode.SymbolInformation('two', vscode.SymbolKind.Variable, '', new vscode.Location(doc.uri, new vscode.Range(1, 0, 1, 3)))],
        }),
      );
    });
    after(() => registrations.forEach((r) => r.dispose()));

    it('converts LocationLink and Location to 1-based positions with the trimmed line as preview', async () => {
      assert.deepEqual(await language.definition(file, 2, 7), [{ path: file, line: 1, column: 8, preview: 'define thing' }]);
      assert.deepEqual(await language.references(file, 1, 8), [
        { path: file, line: 2, column: 7, preview: 'use thing' },
        { path: file, line: 3, column: 9, preview: 'use thing again' },
      ]);
    });

    it('returns nested DocumentSymbols and flat SymbolInformation with 1-based line spans', async () => {
      assert.deepEqual(await language.documentSymbols(file), [
        { name: 'thing', kind: 'class', line: 1, endLine: 3, children: [{ name: 'use', kind: 'method', line: 2, endLine: 2 }] },
      ]);
      assert.deepEqual(await language.documentSymbols(flatFile), [{ name: 'two', kind: 'variable', line: 2, endLine: 2 }]);
    });
  });
});
