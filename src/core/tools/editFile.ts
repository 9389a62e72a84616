/**
 * edit_file: exact string replacement, one edit or several applied in order in memory, written
 * once. Exact matching (not line numbers or fuzzy patches) means an edit either lands where the
 * model meant or fails loudly; the failures say how to fix the call (closest line, match count).
 */
import { z } from 'zod';
import { changedRegions, commitChange, staleness } from './fileChanges';
import { binaryKind, decodeText, isCrlf, looksBinary, plural, splitLines, toCrlf, toLf } from './fileText';
import { resolvePath } from './paths';
import { defineTool, toolError } from './tool';

const edit = z.object({
  old_string: z.string().describe('The exact text to replace, including indentation; enough context to match once.'),
  new_string: z.string().describe('The text to put in its place.'),
  replace_all: z.boolean().optional().describe('Replace every occurrence instead of exactly one (default false).'),
});
type Edit = z.infer<typeof edit>;

export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replaces exact text in a file. Give old_string/new_string (and replace_all to change every occurrence), ' +
    'or edits: a list of such replacements applied in order, all or none. old_string must match the file ' +
    'exactly, including whitespace, and exactly once unless replace_all is set; copy it from read_file output ' +
    'without the line-number prefix. The file must have been read with read_file in this conversation and ' +
    'not changed since. Line endings are kept. The user may edit the change before accepting it.',
  input: z.object({
    path: z.string().min(1).describe('The file: relative to the working folder, absolute, or starting with ~/.'),
    old_string: z.string().optional().describe('For one edit: the exact text to replace.'),
    new_string: z.string().optional().describe('For one edit: the replacement.'),
    replace_all: z.boolean().optional().describe('For one edit: replace every occurrence (default false).'),
    edits: z.array(edit).min(1).optional().describe('Several edits to this file, applied in order; use instead of old_string/new_string.'),
  }),
  readOnly: false,
  async run(input, ctx) {
    const single = input.old_string !== undefined || input.new_string !== undefined;
    if (single && input.edits) return toolError('Give either old_string/new_string or edits, not both.');
    if (!single && !input.edits) return toolError('Give old_string and new_string, or edits: [{old_string, new_string}, ...].');
    if (single && (input.old_string === undefined || input.new_string === undefined)) {
      return toolError('Give both old_string and new_string.');
    }
    const edits: Edit[] = input.edits ?? [{ old_string: input.old_string!, new_string: input.new_string!, replace_all: input.replace_all }];

    const p = await resolvePath(ctx, input.path);
    const stat = await ctx.fs.stat(p.real);
    if (!stat) return toolError(`${p.display} does not exist. Use write_file to create a new file.`);
    if (stat.kind === 'directory') return toolError(`${p.display} is a folder, not a file.`);
    const stale = staleness(ctx, p, stat);
    if (stale) return stale;

    const bytes = await ctx.fs.readFile(p.real);
    const kind = binaryKind(bytes);
    if (kind || looksBinary(bytes)) return toolError(`${p.display} is ${kind === 'UTF-16 text' ? 'UTF-16 text, not UTF-8' : `a binary file${kind ? ` (${kind})` : ''}`}; edit_file changes UTF-8 text files only. It was left unchanged.`);
    const decoded = decodeText(bytes);
    if (!decoded.validUtf8) {
      return toolError(`${p.display} is not valid UTF-8; editing it would replace the bytes that are not. Leave it, or ask the user.`);
    }

    // Work in LF when the file is all CRLF (or has no CR at all), so LF strings from the model match.
    const crlf = isCrlf(decoded.text);
    const normalise = crlf || !decoded.text.includes('\r');
    const norm = (s: string) => (normalise ? toLf(s) : s);
    let text = norm(decoded.text);
    let replacements = 0;
    for (const [i, e] of edits.entries()) {
      const which = edits.length > 1 ? `Edit ${i + 1} of ${edits.length}: ` : '';
      const outcome = applyEdit(text, norm(e.old_string), norm(e.new_string), e.replace_all ?? false, p.display, i > 0);
      if ('error' in outcome) return toolError(`${which}${outcome.error}${edits.length > 1 ? ' No edits were made.' : ''}`);
      text = outcome.text;
      replacements += outcome.count;
    }

    const bom = decoded.bom ? '\ufeff' : '';
    const before = bom + decoded.text;
    const after = bom + (crlf ? toCrlf(text) : text);
    const commit = await commitChange(ctx, 'edit_file', p, before, after);
    if (!commit.ok) return commit.result;

    const summary = `Edited ${p.display} (${plural(replacements, 'replacement')}). The changed part now reads:`;
    const noBom = (t: string) => t.replace(/^\ufeff/, '');
    return { content: [`${summary}\n${changedRegions(noBom(before), noBom(commit.written))}`, ...commit.notes].join('\n\n') };
  },
});

type Applied = { text: string; count: number } | { error: string };

function applyEdit(text: string, oldString: string, newString: string, all: boolean, display: string, afterOthers: boolean): Applied {
  if (oldString === '') return { error: 'old_string is empty. To create or replace a whole file use write_file.' };
  if (oldString === newString) return { error: 'old_string and new_string are the same, so there is nothing to change.' };
  const count = occurrences(text, oldString);
  if (count === 0) {
    const where = afterOthers ? `${display} (after the earlier edits)` : display;
    return { error: `old_string was not found in ${where}. ${noMatchHint(text, oldString)}` };
  }
  if (count > 1 && !all) {
    return {
      error:
        `old_string matches ${count} places in ${display}. Add surrounding lines to old_string so it matches exactly one, ` +
        'or set replace_all to change all of them.',
    };
  }
  if (all) return { text: text.split(oldString).join(newString), count };
  const at = text.indexOf(oldString);
  return { text: text.slice(0, at) + newString + text.slice(at + oldString.length), count: 1 };
}

/** Non-overlapping occurrences, as split/join replaces them. */
function occurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

/** The likeliest reason a string did not match, so the next call can succeed. */
function noMatchHint(text: string, oldString: string): string {
  const oldLines = splitLines(oldString);
  if (oldLines.length && oldLines.every((l) => /^\s*\d+\t/.test(l))) {
    return 'It seems to include the line-number prefixes from read_file output; leave those out.';
  }
  const lines = splitLines(text);
  const wanted = oldLines.map((l) => l.trim());
  const first = wanted.findIndex((l) => l !== '');
  if (first === -1) return 'Read the file again and copy the exact text.';
  for (let i = 0; i + oldLines.length <= lines.length; i++) {
    if (wanted.every((w, k) => lines[i + k].trim() === w)) {
      return `It matches at line ${i + 1} if indentation and spacing are ignored: copy the whitespace exactly (tabs or spaces) from read_file output.`;
    }
  }
  let best = { line: 0, score: 0 };
  lines.forEach((l, i) => {
    const score = similarity(l.trim(), wanted[first]);
    if (score > best.score) best = { line: i + 1, score };
  });
  if (best.score >= 0.5) {
    return `The closest line is ${best.line}: ${JSON.stringify(lines[best.line - 1].trim())}. Read the file again and copy the exact text.`;
  }
  return 'Nothing similar is in the file; read it again and copy the exact text.';
}

/** Dice coefficient over character pairs: cheap, and good at "same line with a small typo". */
function similarity(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length < 2 || b.length < 2) return 0;
  const pairs = new Map<string, number>();
  for (let i = 0; i < a.length - 1; i++) pairs.set(a.slice(i, i + 2), (pairs.get(a.slice(i, i + 2)) ?? 0) + 1);
  let shared = 0;
  for (let i = 0; i < b.length - 1; i++) {
    const left = pairs.get(b.slice(i, i + 2)) ?? 0;
    if (left > 0) {
      shared++;
      pairs.set(b.slice(i, i + 2), left - 1);
    }
  }
  return (2 * shared) / (a.length + b.length - 2);
}
