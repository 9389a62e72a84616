import * as assert from 'node:assert/strict';
import { fuzzyScore, rankFuzzy } from '../../../src/host/mentions/fuzzy';

describe('fuzzy scorer for @ mentions', () => {
  it('matches the query as an ordered, case-insensitive subsequence, and nothing else', () => {
    assert.notEqual(fuzzyScore('mth', 'src/math.js'), undefined);
    assert.notEqual(fuzzyScore('MATH', 'src/math.js'), undefined);
    assert.equal(fuzzyScore('htam', 'src/math.js'), undefined, 'order matters');
    assert.equal(fuzzyScore('mathz', 'src/math.js'), undefined);
    assert.equal(fuzzyScore('', 'anything'), 0);
  });

  it('ranks a file-name prefix over a scattered match in the folders', () => {
    const paths = ['mocks/alpha/threads/helper.ts', 'lib/mathematics.md', 'src/math.js', 'test/math.test.js'];
    assert.deepEqual(rankFuzzy(paths, 'math', (p) => p, 10).slice(0, 2), ['src/math.js', 'test/math.test.js']);
    assert.equal(rankFuzzy(paths, 'math', (p) => p, 10).at(-1), 'mocks/alpha/threads/helper.ts', 'a match spread over folders comes last');
  });

  it('prefers consecutive characters and word starts (camelCase, separators)', () => {
    const paths = ['src/host/chatViewProvider.ts', 'src/host/chatController.ts'];
    assert.equal(rankFuzzy(paths, 'cvp', (p) => p, 10)[0], 'src/host/chatViewProvider.ts');
    assert.equal(rankFuzzy(paths, 'chatcon', (p) => p, 10)[0], 'src/host/chatController.ts');
    const a = fuzzyScore('parse', 'src/parse.ts')!;
    const b = fuzzyScore('parse', 'src/p_a_r_s_e.ts')!;
    assert.ok(a > b, `${a} > ${b}`);
  });

  it('prefers the shorter path when everything else is equal, keeps list order on ties, and caps the count', () => {
    assert.deepEqual(rankFuzzy(['a/b/c/util.ts', 'util.ts'], 'util', (p) => p, 10), ['util.ts', 'a/b/c/util.ts']);
    assert.deepEqual(rankFuzzy(['x/one.ts', 'y/one.ts'], 'one', (p) => p, 10), ['x/one.ts', 'y/one.ts']);
    assert.equal(rankFuzzy(Array.from({ length: 100 }, (_, i) => `f${i}.ts`), 'f', (p) => p, 7).length, 7);
  });
});
