import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { capResult, MAX_RESULT_CHARS, ResultBudget } from '../../../../src/core/tools/output';
import { readFileTool } from '../../../../src/core/tools/readFile';
import { NodeFileSystem } from '../../../../src/node/nodeFileSystem';
import { harness, type Harness } from './harness';

describe('tool output caps', () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.dispose());
  const spill = (file: string, text: string) => new NodeFileSystem().writeFile(file, text);

  it('passes a result of 50,000 characters or fewer through untouched', async () => {
    const result = { content: 'x'.repeat(MAX_RESULT_CHARS) };
    assert.equal(await capResult(result, 'grep', h.session, spill), result);
  });

  it('spills a longer result to the session folder and shows its head, the path and how to read it', async () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `output line ${i + 1}`).join('\n');
    const r = await capResult({ content: text, isError: true }, 'run_command', h.session, spill);
    const file = path.join(h.session.dir, 'tool-results', 'run_command-1.txt');
    assert.equal(fs.readFileSync(file, 'utf8'), text);
    assert.equal(r.isError, true);
    assert.ok(r.content.length < 3000, `preview is short (${r.content.length})`);
    assert.match(r.content, /^output line 1\noutput line 2\n/);
    assert.ok(r.content.includes(file));
    assert.match(r.content, /read_file .*offset and limit/);

    const second = await capResult({ content: text }, 'run_command', h.session, spill);
    assert.ok(second.content.includes('run_command-2.txt'), 'each spill gets its own file');

    // The model can follow the instructions (the permission layer is asked about the session folder).
    const page = await h.run(readFileTool, { path: file, offset: 5000, limit: 2 });
    assert.equal(page.content.split('\n\n')[0], '  5000\toutput line 5000\n  5001\toutput line 5001');
  });

  it('still caps the result when saving the spill fails', async () => {
    const r = await capResult({ content: 'y'.repeat(60_000) }, 'grep', h.session, async () => { throw new Error('disk full'); });
    assert.ok(r.content.length < 3000);
    assert.match(r.content, /Saving the rest failed \(disk full\)/);
  });

  it('ResultBudget passes results while they fit, then says the turn\'s budget is spent', () => {
    const budget = new ResultBudget(100);
    const a = { content: 'a'.repeat(60) };
    assert.equal(budget.take(a), a);
    assert.equal(budget.remaining, 40);
    const tooBig = budget.take({ content: 'b'.repeat(50) });
    assert.equal(tooBig.isError, true);
    assert.match(tooBig.content, /budget for tool output \(100 characters\) is spent.*Be more selective/);
    const small = { content: 'c'.repeat(40) };
    assert.equal(budget.take(small), small, 'a result that fits what is left still passes');
    assert.equal(budget.take({ content: 'd' }).isError, true);
  });

  it('ResultBudget defaults to 200,000 characters a turn', () => {
    const budget = new ResultBudget();
    for (let i = 0; i < 4; i++) assert.equal(budget.take({ content: 'x'.repeat(50_000) }).isError, undefined);
    assert.equal(budget.take({ content: 'x' }).isError, true);
  });
});
