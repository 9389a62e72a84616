import * as assert from 'node:assert/strict';
import type { Diagnostic } from '../../../../src/core/ports';
import { getDiagnosticsTool } from '../../../../src/core/tools/getDiagnostics';
import { fakeContext } from './fakeContext';

describe('get_diagnostics', () => {
  const problems: Diagnostic[] = [
    { path: '/work/p/src/b.ts', line: 3, column: 1, severity: 'warning', message: "'x' is unused", source: 'eslint' },
    { path: '/work/p/src/a.ts', line: 10, column: 5, severity: 'error', message: "Type 'string' is not assignable to type 'number'.\n  Details here.", source: 'ts' },
    { path: '/elsewhere/c.ts', line: 1, column: 1, severity: 'hint', message: 'hint text' },
    { path: '/work/p/src/a.ts', line: 2, column: 7, severity: 'error', message: 'Cannot find name', source: 'ts' },
  ];

  function withProblems(list: Diagnostic[]) {
    const asked: Array<string | undefined> = [];
    const ctx = fakeContext({
      cwd: '/work/p',
      diagnostics: { async get(path) { asked.push(path); return path ? list.filter((d) => d.path === path) : list; } },
    });
    return { ctx, asked };
  }

  it('lists errors first, then by file and line, with paths relative to the working folder', async () => {
    const { ctx } = withProblems(problems);
    const result = await getDiagnosticsTool.run({}, ctx);
    assert.equal(result.content, [
      '2 errors, 1 warning, 1 hint in the workspace:',
      'src/a.ts:2:7 error [ts] Cannot find name',
      "src/a.ts:10:5 error [ts] Type 'string' is not assignable to type 'number'.",
      '      Details here.',
      "src/b.ts:3:1 warning [eslint] 'x' is unused",
      '/elsewhere/c.ts:1:1 hint hint text',
    ].join('\n'));
  });

  it('resolves a relative path against the working folder', async () => {
    const { ctx, asked } = withProblems(problems);
    const result = await getDiagnosticsTool.run({ path: 'src/b.ts' }, ctx);
    assert.deepEqual(asked, ['/work/p/src/b.ts']);
    assert.match(result.content, /^1 warning in src\/b\.ts:\n/);
  });

  it('says when there are no problems', async () => {
    const { ctx } = withProblems(problems);
    assert.deepEqual(await getDiagnosticsTool.run({ path: 'src/clean.ts' }, ctx), { content: 'No problems in src/clean.ts.' });
  });

  it('shows at most 200 and says how many more there are', async () => {
    const many: Diagnostic[] = Array.from({ length: 250 }, (_, i) => ({
      path: '/work/p/big.ts', line: i + 1, column: 1, severity: i < 5 ? 'warning' : 'error', message: `problem ${i}`,
    }));
    const { ctx } = withProblems(many);
    const lines = (await getDiagnosticsTool.run({}, ctx)).content.split('\n');
    assert.equal(lines.length, 1 + 200 + 1);
    assert.ok(lines.slice(1, 201).every((l) => l.includes(' error ')), 'the warnings are the ones left out');
    assert.match(lines[201], /50 more not shown/);
  });

  it('is an error result outside the editor', async () => {
    const result = await getDiagnosticsTool.run({}, fakeContext({ cwd: '/work/p' }));
    assert.equal(result.isError, true);
    assert.match(result.content, /not available outside the editor/);
  });
});
