import * as assert from 'node:assert/strict';
import { codeWindow, describeDiagnostic, diagnosticPrompt, selectionPrompt, type FixDiagnostic } from '../../../src/host/fixThis/fixPrompt';

const lines = Array.from({ length: 60 }, (_, i) => `const v${i + 1} = ${i + 1};`);
const diag: FixDiagnostic = {
  message: "Cannot find name 'totl'.",
  severity: 'error',
  source: 'ts',
  code: 2304,
  range: { start: { line: 29, character: 9 }, end: { line: 29, character: 13 } },
};
const doc = { file: 'src/a.ts', languageId: 'typescript', lines };

describe('Fix this: the prompt', () => {
  it('the code window is ±20 lines around the problem, numbered from 1, with the problem lines marked', () => {
    const w = codeWindow(lines, 29, 29).split('\n');
    assert.equal(w.length, 41);
    assert.equal(w[0], '  10 | const v10 = 10;');
    assert.equal(w[20], '> 30 | const v30 = 30;');
    assert.equal(w[40], '  50 | const v50 = 50;');
    assert.equal(w.filter((l) => l.startsWith('>')).length, 1);
  });

  it('the window stops at the start and the end of the file, and marks every line of a multi-line range', () => {
    const top = codeWindow(lines, 0, 2).split('\n');
    assert.equal(top[0], '>  1 | const v1 = 1;');
    assert.equal(top.length, 23);
    assert.deepEqual(top.filter((l) => l.startsWith('>')).map((l) => l.slice(2, 4).trim()), ['1', '2', '3']);
    const bottom = codeWindow(lines, 59, 59).split('\n');
    assert.equal(bottom.at(-1), '> 60 | const v60 = 60;');
    assert.equal(bottom.length, 21);
  });

  it('the fix prompt carries the message, source, code, severity and position, and the code around it', () => {
    const { prompt, display } = diagnosticPrompt('fix', doc, diag);
    assert.match(prompt, /^Fix this error in src\/a\.ts\./);
    assert.match(prompt, /<diagnostic>\nerror \(ts 2304\) at src\/a\.ts:30:10: Cannot find name 'totl'\.\n<\/diagnostic>/);
    assert.match(prompt, /```typescript\n  10 \| const v10 = 10;[\s\S]*> 30 \| const v30 = 30;[\s\S]*  50 \| const v50 = 50;\n```/);
    assert.doesNotMatch(prompt, /v9 = 9|v51 = 51/);
    assert.match(prompt, /edit_file/);
    assert.equal(display, "Fix: Cannot find name 'totl'. (src/a.ts:30)");
  });

  it('explain asks not to edit; a diagnostic without source or code still reads well', () => {
    const { prompt, display } = diagnosticPrompt('explain', doc, { ...diag, source: undefined, code: undefined, severity: 'warning' });
    assert.match(prompt, /^Explain this warning in src\/a\.ts/);
    assert.match(prompt, /Do not edit any file/);
    assert.match(prompt, /warning at src\/a\.ts:30:10: Cannot find name/);
    assert.match(display, /^Explain: /);
  });

  it('code with backticks cannot close the fence around it', () => {
    const tricky = ['const s = `a`;', '// ```', 'x ```` y'];
    const { prompt } = diagnosticPrompt('fix', { file: 'a.js', lines: tricky }, { ...diag, range: { start: { line: 1, character: 0 }, end: { line: 1, character: 1 } } });
    assert.match(prompt, /`````\n/);
    assert.match(prompt, /\n`````\n/);
  });

  it('a multi-line message is one line in the diagnostic block', () => {
    assert.equal(describeDiagnostic({ ...diag, message: 'Type A\n  is not assignable\n  to B' }, 'a.ts'), 'error (ts 2304) at a.ts:30:10: Type A is not assignable to B');
  });

  it('"Ask about this" sends the question with the selected lines marked; a selection ending at column 0 leaves that line out', () => {
    const { prompt, display } = selectionPrompt(doc, { start: { line: 4, character: 0 }, end: { line: 7, character: 0 } }, 'What does this do?');
    assert.match(prompt, /^What does this do\?\n\nThis is about src\/a\.ts:5-7/);
    assert.deepEqual(prompt.split('\n').filter((l) => l.startsWith('>')).map((l) => l.slice(2, 4).trim()), ['5', '6', '7']);
    assert.equal(display, 'What does this do? (src/a.ts:5-7)');
  });
});
