import * as assert from 'node:assert/strict';
import { parseShell } from '../../../src/core/permissions/shellParser';

const words = (source: string) => parseShell(source).commands.map((c) => c.words.map((w) => w.value));
const redirects = (source: string) => parseShell(source).commands.flatMap((c) => c.redirects.map((r) => [r.op, r.target.value, r.writes]));
const problems = (source: string) => parseShell(source).problems;

describe('permissions: shell parser', () => {
  it('removes quoting the way the shell does', () => {
    assert.deepEqual(words(`"r"m 'a b' c\\ d "x\\"y" 'it'\\''s' \\$HOME`), [['rm', 'a b', 'c d', 'x"y', "it's", '$HOME']]);
  });

  it('keeps operators inside quotes as text', () => {
    assert.deepEqual(words(`echo "a && b; c | d" 'e > f'`), [['echo', 'a && b; c | d', 'e > f']]);
  });

  it('marks words whose text is only known at run time', () => {
    const [cmd] = parseShell(`echo $X "\${Y}" *.ts {a,b} plain '$Z' "lit"`).commands;
    assert.deepEqual(cmd.words.map((w) => w.expands), [false, true, true, true, true, false, false, false]);
  });

  it('classifies redirects: files written, descriptors duplicated, input read', () => {
    assert.deepEqual(redirects('cmd > a 2>> b &> c 2>&1 >&- < d <> e >| f >& g 3<&0'), [
      ['>', 'a', true], ['>>', 'b', true], ['&>', 'c', true], ['>&', '1', false], ['>&', '-', false],
      ['<', 'd', false], ['<>', 'e', true], ['>|', 'f', true], ['>&', 'g', true], ['<&', '0', false],
    ]);
  });

  it('finds commands in substitutions, in the order they start', () => {
    assert.deepEqual(words('echo "$(date)" `whoami` <(ls)'), [['date'], ['whoami'], ['ls'], ['echo', '$(date)', '`whoami`', '<(ls)']]);
  });

  it('skips comments, line continuations and arithmetic', () => {
    assert.deepEqual(words('ls # rm x\necho a \\\n b $((1 + 2))'), [['ls'], ['echo', 'a', 'b', '$((1 + 2))']]);
  });

  it('reports what it cannot read with confidence', () => {
    assert.deepEqual(problems(`echo 'a`), ['a single quote is not closed']);
    assert.deepEqual(problems('echo "a'), ['a double quote is not closed']);
    assert.deepEqual(problems('echo $(ls'), ['a "(" is not closed']);
    assert.deepEqual(problems('echo `ls'), ['a backquote is not closed']);
    assert.deepEqual(problems('ls )'), ['a ")" has no matching "("']);
    assert.deepEqual(problems('f() { :; }'), ['"(" in an unexpected place (function or array?)']);
    assert.deepEqual(problems('cat <<EOF\nx'), ['the here-document "EOF" is not closed']);
    assert.deepEqual(problems('ls >'), ['">" has no target']);
    assert.deepEqual(problems('echo ${X:-$(rm x)}'), ['a command inside ${...} is not analysed']);
    assert.deepEqual(problems('ls && echo "fine" # done'), []);
  });
});
