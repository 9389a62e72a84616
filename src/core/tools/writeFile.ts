/**
 * write_file: creates a file or replaces one whole. Replacing requires a current read (see
 * fileChanges.ts), because a whole-file write from a stale picture loses whatever changed since.
 */
import { z } from 'zod';
import { commitChange, staleness } from './fileChanges';
import { decodeText, isCrlf, plural, splitLines, toCrlf } from './fileText';
import { resolvePath } from './paths';
import { defineTool, toolError } from './tool';

export const writeFileTool = defineTool({
  name: 'write_file',
  description:
    'Creates a text file, or replaces an existing one completely (parent folders are created). To replace ' +
    'an existing file you must have read it with read_file in this conversation, and it must not have ' +
    'changed since. Prefer edit_file for changes to part of a file: it is shorter and safer. The user may ' +
    'review the change and edit it before accepting; the result says so when they did.',
  input: z.object({
    path: z.string().min(1).describe('The file: relative to the working folder, absolute, or starting with ~/.'),
    content: z.string().describe('The complete new content of the file.'),
  }),
  readOnly: false,
  async run(input, ctx) {
    const p = await resolvePath(ctx, input.path);
    const stat = await ctx.fs.stat(p.real);
    if (stat?.kind === 'directory') return toolError(`${p.display} is a folder; give a file path.`);

    let before: string | undefined;
    let content = input.content;
    if (stat) {
      const stale = staleness(ctx, p, stat);
      if (stale) return stale;
      const decoded = decodeText(await ctx.fs.readFile(p.real));
      // The model saw the bytes that are not UTF-8 as U+FFFD: writing that back would destroy them.
      if (!decoded.validUtf8 && content.includes('\uFFFD')) {
        return toolError(
          `${p.display} is not valid UTF-8 (another encoding such as Latin-1), and your content has U+FFFD (�) where read_file showed ` +
            'bytes it could not decode: writing it would replace those bytes for good. It was left unchanged. Leave the file, or ask the user.',
        );
      }
      before = decoded.text;
      // A CRLF file stays CRLF when the model, as usual, writes LF.
      if (isCrlf(before) && !content.includes('\r')) content = toCrlf(content);
      if (decoded.bom) {
        before = `\ufeff${before}`;
        content = `\ufeff${content}`;
      }
    }

    const commit = await commitChange(ctx, 'write_file', p, before, content);
    if (!commit.ok) return commit.result;
    const lines = plural(splitLines(commit.written).length, 'line');
    const head = before === undefined ? `Created ${p.display} (${lines}).` : `Wrote ${p.display} (${lines}).`;
    return { content: [head, ...commit.notes].join('\n\n') };
  },
});
