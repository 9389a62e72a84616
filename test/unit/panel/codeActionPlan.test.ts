import * as assert from 'node:assert/strict';
import { indentBefore, insertText, languageMismatch, NO_EDITOR, planCodeAction, type EditorView } from '../../../src/host/codeActionPlan';
import { ChatController } from '../../../src/host/chatController';

const editor = (text: string, start: number, end = start, languageId = 'typescript'): EditorView =>
  ({ text, selection: { start, end }, languageId, fileName: '/w/src/a.ts' });
const apply = (code: string, fence: string, ed: EditorView) => {
  const plan = planCodeAction('apply', code, fence, ed);
  assert.equal(plan.kind, 'apply');
  return plan as Extract<typeof plan, { kind: 'apply' }>;
};

describe('code block actions on the host (what Insert and Apply change)', () => {
  it('without an editor, Insert and Apply explain; Copy needs none', () => {
    assert.deepEqual(planCodeAction('insert', 'x', 'ts', undefined), { kind: 'refuse', message: NO_EDITOR });
    assert.deepEqual(planCodeAction('apply', 'x', 'ts', undefined), { kind: 'refuse', message: NO_EDITOR });
    assert.deepEqual(planCodeAction('copy', 'x', 'ts', undefined), { kind: 'copy', text: 'x' });
  });

  it('Insert replaces the selection, dropping the fence\'s final newline mid-line', () => {
    const doc = 'const a = OLD;\n';
    const plan = planCodeAction('insert', '42\n', 'ts', editor(doc, 10, 13));
    assert.deepEqual(plan, { kind: 'insert', start: 10, end: 13, text: '42' });
  });

  it('Insert indents the block to the cursor line, and keeps its newline in front of text at a line start', () => {
    const doc = 'function f() {\n  \n}\n';
    const cursor = doc.indexOf('  \n') + 2;
    assert.equal(indentBefore(doc, cursor), '  ');
    assert.equal(insertText('if (x) {\n  y();\n}\n', doc, cursor, cursor), 'if (x) {\n    y();\n  }');
    assert.equal(insertText('a();\n', 'b();\n', 0, 0), 'a();\n', 'code put above an existing line stays on its own line');
  });

  it('Apply with nothing selected replaces the whole file, keeping its final newline', () => {
    const plan = apply('export const x = 2;\n', 'ts', editor('export const x = 1;\n', 3));
    assert.equal(plan.whole, true);
    assert.deepEqual([plan.start, plan.end], [0, 20]);
    assert.equal(plan.proposed, 'export const x = 2;\n');
    assert.equal(plan.warning, undefined);
  });

  it('Apply over a selection replaces only it, and the diff shows the rest unchanged', () => {
    const doc = 'a();\nfunction f() {\n  return 1;\n}\nz();\n';
    const start = doc.indexOf('function');
    const end = doc.indexOf('z();');
    const plan = apply('function f() {\n  return 2;\n}\n', 'ts', editor(doc, start, end));
    assert.equal(plan.whole, false);
    assert.equal(plan.proposed, 'a();\nfunction f() {\n  return 2;\n}\nz();\n');
  });

  it('Apply warns when the block is clearly another language than the file', () => {
    assert.match(apply('print(1)\n', 'python', editor('x\n', 0)).warning ?? '', /python, but a\.ts is typescript/);
    assert.equal(languageMismatch('js', 'typescript'), false);
    assert.equal(languageMismatch('tsx', 'typescriptreact'), false);
    assert.equal(languageMismatch('', 'python'), false);
  });

  it('the controller hands a valid codeAction to the editor, and drops an invalid one', async () => {
    const seen: unknown[] = [];
    const warnings: string[] = [];
    const log = { info() {}, debug() {}, error() {}, warn: (m: string) => warnings.push(m) } as any;
    const chat = new ChatController({} as any, {
      hasApiKey: async () => true, model: () => 'm', setApiKey: async () => undefined, openSettings: async () => undefined,
      codeAction: async (m) => void seen.push(m),
    }, log);
    chat.receive({ type: 'codeAction', action: 'apply', code: 'x = 1\n', language: 'py' });
    chat.receive({ type: 'codeAction', action: 'format-disk', code: 'x', language: 'py' });
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(seen, [{ type: 'codeAction', action: 'apply', code: 'x = 1\n', language: 'py' }]);
    assert.equal(warnings.length, 1);
    chat.dispose();
  });
});
