import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '../../..');

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module a file imports, including `import type` and `require()`, as the compiler sees them. */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

describe('layering', () => {
  it('src/core never imports vscode, not even for types', () => {
    const files = tsFiles(path.join(root, 'src/core'));
    assert.ok(files.length >= 5, `expected the core's files, found ${files.length}`);
    const offenders = files.filter((f) => importsOf(f).includes('vscode')).map((f) => path.relative(root, f));
    assert.deepEqual(offenders, []);
  });

  it('src/core and src/shared import nothing from host, lsp or the webview', () => {
    const files = [...tsFiles(path.join(root, 'src/core')), ...tsFiles(path.join(root, 'src/shared'))];
    const offenders = files.flatMap((f) =>
      importsOf(f)
        .filter((m) => m.startsWith('.'))
        .map((m) => path.relative(root, path.resolve(path.dirname(f), m)))
        .filter((target) => /^(src\/(host|lsp)|webview-ui)\b/.test(target) || target === 'src/extension')
        .map((target) => `${path.relative(root, f)} -> ${target}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('the check itself sees a type-only vscode import', () => {
    const info = ts.preProcessFile(`import type * as vscode from 'vscode';\nexport type X = vscode.Uri;`, true, true);
    assert.deepEqual(info.importedFiles.map((f) => f.fileName), ['vscode']);
  });
});
