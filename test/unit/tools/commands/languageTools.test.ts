import * as assert from 'node:assert/strict';
import type { LanguageFeatures, SourceLocation } from '../../../../src/core/ports';
import { documentSymbolsTool, findReferencesTool, goToDefinitionTool } from '../../../../src/core/tools/languageTools';
import { fakeContext } from './fakeContext';

describe('language tools', () => {
  const calls: string[] = [];
  const language: LanguageFeatures = {
    async definition(path, line, column) {
      calls.push(`definition ${path} ${line} ${column}`);
      return line === 99 ? [] : [{ path: '/work/p/src/parser.ts', line: 12, column: 17, preview: 'export function parse(text: string) {' }];
    },
    async references(path, line, column) {
      calls.push(`references ${path} ${line} ${column}`);
      return Array.from({ length: line }, (_, i): SourceLocation => ({ path: i % 2 ? '/lib/ext.ts' : '/work/p/src/use.ts', line: i + 1, column: 3, preview: `parse(${i})` }));
    },
    async documentSymbols(path) {
      if (path.endsWith('broken.ts')) throw new Error('language server crashed');
      return [
        { name: 'Parser', kind: 'class', line: 1, endLine: 40, children: [{ name: 'parse', kind: 'method', line: 5, endLine: 5 }] },
        { name: 'VERSION', kind: 'constant', line: 42, endLine: 42 },
      ];
    },
  };
  const ctx = (deny?: string) => fakeContext({ cwd: '/work/p', language, deny });
  beforeEach(() => { calls.length = 0; });

  it('go_to_definition asks to read the file, resolves it, and answers path:line:col  preview', async () => {
    const c = ctx();
    const result = await goToDefinitionTool.run({ path: 'src/main.ts', line: 3, column: 9 }, c);
    assert.deepEqual(c.requests, [{ kind: 'read', tool: 'go_to_definition', path: '/work/p/src/main.ts' }]);
    assert.deepEqual(calls, ['definition /work/p/src/main.ts 3 9']);
    assert.deepEqual(result, { content: 'src/parser.ts:12:17  export function parse(text: string) {' });
    assert.deepEqual(await goToDefinitionTool.run({ path: 'src/main.ts', line: 99, column: 1 }, c), { content: 'No definition found at src/main.ts:99:1.' });
  });

  it('find_references lists at most 200, keeping paths outside the folder absolute', async () => {
    const two = await findReferencesTool.run({ path: '/work/p/src/parser.ts', line: 2, column: 1 }, ctx());
    assert.equal(two.content, '2 references:\nsrc/use.ts:1:3  parse(0)\n/lib/ext.ts:2:3  parse(1)');
    const many = (await findReferencesTool.run({ path: 'src/parser.ts', line: 250, column: 1 }, ctx())).content.split('\n');
    assert.equal(many[0], '250 references:');
    assert.equal(many.length, 1 + 200 + 1);
    assert.equal(many[201], '... 50 more not shown.');
  });

  it('document_symbols shows the outline nested with line ranges', async () => {
    const result = await documentSymbolsTool.run({ path: 'src/parser.ts' }, ctx());
    assert.equal(result.content, 'class Parser  (lines 1-40)\n  method parse  (line 5)\nconstant VERSION  (line 42)');
  });

  it('a failing language server is an error result, not a throw', async () => {
    const result = await documentSymbolsTool.run({ path: 'src/broken.ts' }, ctx());
    assert.equal(result.isError, true);
    assert.match(result.content, /language server crashed/);
  });

  it('a denied read asks nothing of the language server', async () => {
    const result = await findReferencesTool.run({ path: 'secret.ts', line: 1, column: 1 }, ctx('protected path'));
    assert.equal(result.isError, true);
    assert.match(result.content, /protected path/);
    assert.deepEqual(calls, []);
  });

  it('each tool is an error result outside VS Code', async () => {
    const c = fakeContext({ cwd: '/work/p' });
    for (const result of [
      await goToDefinitionTool.run({ path: 'a.ts', line: 1, column: 1 }, c),
      await findReferencesTool.run({ path: 'a.ts', line: 1, column: 1 }, c),
      await documentSymbolsTool.run({ path: 'a.ts' }, c),
    ]) {
      assert.equal(result.isError, true);
      assert.match(result.content, /only available in VS Code/);
    }
  });

  it('rejects positions below 1 in the input schema', () => {
    assert.equal(goToDefinitionTool.input.safeParse({ path: 'a.ts', line: 0, column: 1 }).success, false);
  });
});
