/**
 * What a code block's Insert / Apply / Copy button does to the active editor, decided without
 * `vscode` so it is unit-tested in Node: the range to replace and the text to put there.
 * codeActions.ts carries the plan out (an undoable edit, or a diff preview then a WorkspaceEdit).
 */

/** The active editor as the plan needs it: its text and the selection, as offsets. */
export interface EditorView {
  text: string;
  selection: { start: number; end: number };
  languageId: string;
  fileName: string;
}

export type CodePlan =
  | { kind: 'copy'; text: string }
  | { kind: 'refuse'; message: string }
  | { kind: 'insert'; start: number; end: number; text: string }
  | {
      kind: 'apply'; start: number; end: number; text: string;
      /** Nothing was selected: the block replaces the whole file. */
      whole: boolean;
      /** The document as it would be after the change (the right side of the diff). */
      proposed: string;
      /** Said with the preview when the block's language does not look like the file's. */
      warning?: string;
    };

export const NO_EDITOR = 'Open a file in the editor first: Insert and Apply work on the active editor.';

/** Fence names that stand for the same language as a VS Code language id. */
const LANGUAGE_IDS: Record<string, string> = {
  ts: 'typescript', tsx: 'typescriptreact', js: 'javascript', jsx: 'javascriptreact', mjs: 'javascript', cjs: 'javascript',
  py: 'python', python3: 'python', rb: 'ruby', sh: 'shellscript', bash: 'shellscript', zsh: 'shellscript', shell: 'shellscript',
  yml: 'yaml', md: 'markdown', rs: 'rust', golang: 'go', 'c++': 'cpp', cs: 'csharp', kt: 'kotlin', ps1: 'powershell',
};
/** Families whose members are interchangeable for this check. */
const FAMILY: Record<string, string> = { typescriptreact: 'typescript', javascriptreact: 'javascript', jsonc: 'json' };

export function languageId(fence: string): string {
  const name = fence.trim().split(/\s+/, 1)[0].toLowerCase();
  return LANGUAGE_IDS[name] ?? name;
}

/** True when the block names a language and it is clearly not the file's (ts in a .ts file is fine, python in it is not). */
export function languageMismatch(fence: string, editorLanguage: string): boolean {
  if (!fence.trim() || ['text', 'plaintext', 'txt', 'diff', 'patch'].includes(fence.trim().toLowerCase())) return false;
  const family = (id: string) => FAMILY[id] ?? id;
  const a = family(languageId(fence));
  const b = family(editorLanguage);
  if (a === b) return false;
  // TypeScript files hold JavaScript happily, and the reverse is common in answers.
  const scripts = new Set(['typescript', 'javascript']);
  return !(scripts.has(a) && scripts.has(b));
}

/** `fence`: the block's language as the model wrote it (`ts`, `python`, ''). */
export function planCodeAction(action: 'insert' | 'apply' | 'copy', code: string, fence: string, editor: EditorView | undefined): CodePlan {
  if (action === 'copy') return { kind: 'copy', text: code };
  if (!editor) return { kind: 'refuse', message: NO_EDITOR };
  const { text } = editor;
  const start = clamp(Math.min(editor.selection.start, editor.selection.end), text.length);
  const end = clamp(Math.max(editor.selection.start, editor.selection.end), text.length);
  if (action === 'insert') return { kind: 'insert', start, end, text: insertText(code, text, start, end) };

  const whole = start === end;
  const from = whole ? 0 : start;
  const to = whole ? text.length : end;
  let replacement = code;
  if (whole) replacement = withFinalNewline(code, text.length === 0 || text.endsWith('\n'));
  else replacement = withFinalNewline(reindent(code, indentBefore(text, from)), text.slice(from, to).endsWith('\n'));
  const plan: CodePlan = { kind: 'apply', start: from, end: to, text: replacement, whole, proposed: text.slice(0, from) + replacement + text.slice(to) };
  if (languageMismatch(fence, editor.languageId)) {
    plan.warning = `The code block is ${fence.trim().split(/\s+/, 1)[0]}, but ${baseName(editor.fileName)} is ${editor.languageId}.`;
  }
  return plan;
}

/**
 * Code for the cursor: lines after the first take the indentation of the line the cursor is on
 * (when only whitespace precedes it), and the block's final newline is kept only when the code
 * goes in front of text at the start of a line (so that text stays on its own line).
 */
export function insertText(code: string, doc: string, start: number, end: number): string {
  const indent = indentBefore(doc, start);
  const atLineStart = start === 0 || doc[start - 1] === '\n';
  const restOfLine = doc.slice(end, lineEnd(doc, end));
  const keepNewline = atLineStart && restOfLine.trim() !== '';
  return withFinalNewline(reindent(code, indent), keepNewline);
}

/** The whitespace before `offset` on its line, when nothing else precedes it there; else ''. */
export function indentBefore(doc: string, offset: number): string {
  const lineStart = doc.lastIndexOf('\n', offset - 1) + 1;
  const before = doc.slice(lineStart, offset);
  return /^[ \t]*$/.test(before) ? before : '';
}

/** Indents every line but the first (which goes where the cursor is) by `indent`, skipping blank lines. */
export function reindent(code: string, indent: string): string {
  if (!indent) return code;
  return code.split('\n').map((line, i) => (i === 0 || line.trim() === '' ? line : indent + line)).join('\n');
}

function withFinalNewline(code: string, want: boolean): string {
  const bare = code.replace(/\r?\n$/, '');
  return want ? `${bare}\n` : bare;
}

function lineEnd(doc: string, offset: number): number {
  const nl = doc.indexOf('\n', offset);
  return nl === -1 ? doc.length : nl;
}

const clamp = (n: number, max: number) => Math.max(0, Math.min(n, max));
const baseName = (p: string) => p.split(/[\\/]/).pop() ?? p;
