/**
 * read_file: a text file with line numbers, the way the model's edits later refer to it.
 *
 * Limits keep one read from flooding the context: a whole-file read stops at 256 KB, a result at
 * about 25,000 tokens, and both errors say exactly which offset/limit to use instead. Each read is
 * recorded in the session, so write_file and edit_file can insist the model saw the current file.
 */
import { z } from 'zod';
import { binaryKind, decodeText, looksBinary, numberLine, plural, splitLines } from './fileText';
import { authorizeRead, resolvePath } from './paths';
import { defineTool, toolError, type ToolSession } from './tool';

export const MAX_WHOLE_FILE_BYTES = 256 * 1024;
export const DEFAULT_READ_LINES = 2000;
/** About 25,000 tokens at four characters a token. */
export const MAX_READ_CHARS = 100_000;
/** Longer lines (minified code, data) are cut so one line cannot use up the whole result. */
const MAX_LINE_CHARS = 2000;

/**
 * What read_file last showed of each file, per session: a repeat of the same range of an
 * unchanged file gets a short notice instead of the same content again.
 */
const shown = new WeakMap<ToolSession, Map<string, { mtimeMs: number; size: number; start: number; count: number }>>();

export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Reads a text file and returns it with line numbers (like `cat -n`: number, tab, line). Reads up to ' +
    '2,000 lines from the start by default; use offset (1-based line) and limit for other parts. Files over ' +
    '256 KB must be read in parts with offset/limit. Lines longer than 2,000 characters are cut. Binary files ' +
    'are refused. Use list_files for folders and grep to find lines in large files. A file must be read ' +
    'before write_file or edit_file changes it.',
  input: z.object({
    path: z.string().min(1).describe('The file: relative to the working folder, absolute, or starting with ~/.'),
    offset: z.number().int().min(0).optional().describe('1-based line number to start at. Only for files too large to read at once.'),
    limit: z.number().int().min(1).optional().describe('How many lines to read (default 2,000).'),
  }),
  readOnly: true,
  async run(input, ctx) {
    const p = await resolvePath(ctx, input.path);
    const refusal = await authorizeRead(ctx, 'read_file', p);
    if (refusal) return refusal;

    const stat = await ctx.fs.stat(p.real);
    if (!stat) return toolError(`${p.display} does not exist. Use glob or list_files to find the right path.`);
    if (stat.kind === 'directory') return toolError(`${p.display} is a folder, not a file. Use list_files to see what it holds.`);

    const start = Math.max(1, input.offset ?? 1);
    const count = input.limit ?? DEFAULT_READ_LINES;
    const partial = input.offset !== undefined || input.limit !== undefined;

    const seen = shown.get(ctx.session)?.get(p.real);
    const record = ctx.session.readFiles.get(p.real);
    if (seen && record && sameVersion(seen, stat) && sameVersion(record, stat) && seen.start === start && seen.count === count) {
      return { content: `${p.display} has not changed since you read ${partial ? 'these lines' : 'it'} earlier in this conversation; that content is still current, so it is not repeated here.` };
    }

    const bytes = await ctx.fs.readFile(p.real);
    const kind = binaryKind(bytes);
    if (kind === 'UTF-16 text') {
      return toolError(`${p.display} is UTF-16 text (${formatSize(bytes.length)}, it starts with a UTF-16 byte order mark); read_file reads UTF-8 only. ` +
        'Convert a copy (e.g. `iconv -f UTF-16 -t UTF-8`) to read it, or ask the user.');
    }
    if (kind || looksBinary(bytes)) {
      return toolError(`${p.display} is a binary file${kind ? ` (${kind})` : ''} (${formatSize(bytes.length)}); read_file shows text only.`);
    }
    const decoded = decodeText(bytes);
    const lines = splitLines(decoded.text);
    const total = lines.length;

    if (!partial && bytes.length > MAX_WHOLE_FILE_BYTES) {
      return toolError(
        `${p.display} is ${formatSize(bytes.length)} (${plural(total, 'line')}), more than the ${formatSize(MAX_WHOLE_FILE_BYTES)} ` +
          `read_file reads at once. Read it in parts: offset 1 and limit ${DEFAULT_READ_LINES}, then offset ${DEFAULT_READ_LINES + 1}, ` +
          `and so on; or use grep to find the lines you need first.`,
      );
    }
    if (total === 0) {
      remember(ctx.session, p.real, stat, start, count, true);
      return { content: `${p.display} is empty.` };
    }
    if (start > total) {
      return toolError(`${p.display} has ${plural(total, 'line')}; offset ${start} is past the end. Use an offset from 1 to ${total}.`);
    }

    const end = Math.min(total, start + count - 1);
    const out: string[] = [];
    let chars = 0;
    let cutLines = false;
    for (let n = start; n <= end; n++) {
      const line = lines[n - 1];
      const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line cut: ${line.length} characters]` : line;
      cutLines ||= text !== line;
      const numbered = numberLine(n, text);
      chars += numbered.length + 1;
      if (chars > MAX_READ_CHARS) {
        const fits = n - start;
        return toolError(
          `Lines ${start}–${end} of ${p.display} come to more than ${MAX_READ_CHARS.toLocaleString('en-US')} characters (about ` +
            `${(MAX_READ_CHARS / 4).toLocaleString('en-US')} tokens), the most one read returns. Read fewer lines at a time: ` +
            `offset ${start} and limit ${fits}, then offset ${start + fits}. Or use grep to find the lines you need.`,
        );
      }
      out.push(numbered);
    }

    const notes: string[] = [];
    if (end < total) notes.push(`(Showing lines ${start}–${end} of ${total}. To read more, call read_file with offset ${end + 1}.)`);
    if (cutLines) notes.push(`(Lines longer than ${MAX_LINE_CHARS.toLocaleString('en-US')} characters were cut.)`);
    if (!decoded.validUtf8) {
      notes.push(
        `(Note: ${p.display} is not valid UTF-8, probably another encoding such as Latin-1; bytes that are not UTF-8 are ` +
          'shown as �. edit_file refuses such files because it would replace those bytes.)',
      );
    }
    remember(ctx.session, p.real, stat, start, count, start === 1 && end === total && !cutLines);
    return { content: [out.join('\n'), ...notes].join('\n\n') };
  },
});

function remember(session: ToolSession, path: string, stat: { mtimeMs: number; size: number }, start: number, count: number, complete: boolean) {
  session.readFiles.delete(path); // re-inserted: the map's order is most recently read last
  session.readFiles.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, complete });
  let files = shown.get(session);
  if (!files) shown.set(session, (files = new Map()));
  files.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, start, count });
}

const sameVersion = (a: { mtimeMs: number; size: number }, b: { mtimeMs: number; size: number }) =>
  a.mtimeMs === b.mtimeMs && a.size === b.size;

function formatSize(bytes: number): string {
  if (bytes < 1024) return plural(bytes, 'byte');
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
