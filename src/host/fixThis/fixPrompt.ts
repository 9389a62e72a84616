/**
 * The prompts "Fix with Reverie", "Explain with Reverie" and "Ask Reverie about this" send: the
 * problem as the language server reported it and the code around it with line numbers. No
 * `vscode` here (positions are plain numbers), so it is unit-tested in Node.
 */

/** 0-based, like VS Code's positions. */
export interface Position { line: number; character: number }
export interface Range { start: Position; end: Position }

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface FixDiagnostic {
  message: string;
  severity: Severity;
  source?: string;
  code?: string | number;
  range: Range;
}

/** Lines shown on each side of the problem or the selection. */
export const WINDOW_RADIUS = 20;
/** A very long line (minified code) is cut in the window. */
const MAX_LINE_CHARS = 400;

/** `src/a.ts:12` or `src/a.ts:12-14` (1-based lines). */
export function where(file: string, range: Range): string {
  const a = range.start.line + 1;
  const b = range.end.line + 1;
  return b > a ? `${file}:${a}-${b}` : `${file}:${a}`;
}

/** One line: `error (ts 2304) at src/a.ts:12:5: Cannot find name 'x'.` */
export function describeDiagnostic(d: FixDiagnostic, file: string): string {
  const origin = [d.source, d.code === undefined ? undefined : String(d.code)].filter(Boolean).join(' ');
  const at = `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}`;
  return `${d.severity}${origin ? ` (${origin})` : ''} at ${at}: ${d.message.replace(/\s*\n\s*/g, ' ')}`;
}

/**
 * The lines `first..last` (0-based, inclusive) with `radius` lines on each side, numbered from 1;
 * the lines of the problem are marked with `>`.
 */
export function codeWindow(lines: readonly string[], first: number, last: number, radius = WINDOW_RADIUS): string {
  const from = Math.max(0, first - radius);
  const to = Math.min(lines.length - 1, last + radius);
  const width = String(to + 1).length;
  const out: string[] = [];
  for (let i = from; i <= to; i++) {
    const mark = i >= first && i <= last ? '>' : ' ';
    const text = lines[i].length > MAX_LINE_CHARS ? `${lines[i].slice(0, MAX_LINE_CHARS)}…` : lines[i];
    out.push(`${mark} ${String(i + 1).padStart(width)} | ${text}`);
  }
  return out.join('\n');
}

/** A code fence longer than any run of backticks in `text`, so the code cannot close it. */
function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function codeBlock(text: string, languageId: string | undefined): string {
  const f = fence(text);
  return `${f}${languageId ?? ''}\n${text}\n${f}`;
}

export interface FileText {
  /** As the user reads it (relative to the workspace). */
  file: string;
  languageId?: string;
  lines: readonly string[];
}

export interface PanelPrompt {
  /** What the panel shows as the user's message. */
  display: string;
  /** What the model gets. */
  prompt: string;
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** "Fix with Reverie" and "Explain with Reverie" on one diagnostic. */
export function diagnosticPrompt(kind: 'fix' | 'explain', doc: FileText, d: FixDiagnostic): PanelPrompt {
  const window = codeWindow(doc.lines, d.range.start.line, Math.max(d.range.start.line, d.range.end.line));
  const head = kind === 'fix'
    ? `Fix this ${d.severity} in ${doc.file}.`
    : `Explain this ${d.severity} in ${doc.file}: what it means, why it happens here, and how to fix it.`;
  const ask = kind === 'fix'
    ? 'Find the cause and make the smallest change that fixes it, with edit_file (read more of the file or other files first if you need to). ' +
      'Do not change unrelated code. When you are done, say in one or two sentences what you changed. ' +
      'Reverie checks the diagnostics of the file afterwards.'
    : 'Do not edit any file; explain, and show the fix as a short snippet if there is one.';
  const prompt = [
    head,
    '',
    '<diagnostic>',
    describeDiagnostic(d, doc.file),
    '</diagnostic>',
    '',
    `The code around it (line numbers from 1; \`>\` marks the lines of the ${d.severity}):`,
    codeBlock(window, doc.languageId),
    '',
    ask,
  ].join('\n');
  const verb = kind === 'fix' ? 'Fix' : 'Explain';
  return { display: `${verb}: ${clip(d.message.replace(/\s+/g, ' '), 200)} (${where(doc.file, d.range)})`, prompt };
}

/** "Ask Reverie about this" on a selection, with the user's question. */
export function selectionPrompt(doc: FileText, selection: Range, question: string): PanelPrompt {
  const last = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
  const window = codeWindow(doc.lines, selection.start.line, last);
  const range: Range = { start: selection.start, end: { line: last, character: 0 } };
  const prompt = [
    question,
    '',
    `This is about ${where(doc.file, range)} (the lines marked \`>\`, with the code around them; line numbers from 1):`,
    codeBlock(window, doc.languageId),
  ].join('\n');
  return { display: `${clip(question.replace(/\s+/g, ' '), 200)} (${where(doc.file, range)})`, prompt };
}
