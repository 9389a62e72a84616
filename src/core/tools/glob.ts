/**
 * glob: files by name pattern, newest first (recently touched files are usually the relevant
 * ones), at most 100 so a broad pattern cannot flood the context.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { authorizeRead, displayPath, resolvePath } from './paths';
import { defineTool, toolError } from './tool';

export const MAX_GLOB_FILES = 100;

export const globTool = defineTool({
  name: 'glob',
  description:
    'Finds files by glob pattern, e.g. `**/*.ts`, `src/**/test_*.py`, `*.md` (a pattern without / matches ' +
    'file names at any depth). Returns paths, most recently modified first, at most 100. Respects .gitignore. ' +
    'Use grep to search file contents, list_files to see a folder\'s layout.',
  input: z.object({
    pattern: z.string().min(1).describe('The glob, relative to the search folder.'),
    path: z.string().optional().describe('The folder to search (default: the working folder).'),
  }),
  readOnly: true,
  async run(input, ctx) {
    if (path.isAbsolute(input.pattern)) {
      return toolError('The pattern must be relative to the search folder; put the folder in "path" and the rest in "pattern".');
    }
    const p = await resolvePath(ctx, input.path ?? '.');
    const refusal = await authorizeRead(ctx, 'glob', p);
    if (refusal) return refusal;
    const stat = await ctx.fs.stat(p.real);
    if (!stat) return toolError(`${p.display} does not exist.`);
    if (stat.kind !== 'directory') return toolError(`${p.display} is a file; "path" must be a folder.`);

    const pattern = input.pattern.replace(/^\.\//, '');
    const { files, truncated } = await ctx.search.glob(pattern, { cwd: p.real, limit: MAX_GLOB_FILES, signal: ctx.signal });
    if (files.length === 0) return { content: `No files match ${pattern} in ${p.display} (files ignored by .gitignore are not searched).` };
    const list = files.map((f) => displayPath(ctx, f)).join('\n');
    const note = truncated ? `\n\n(Showing the ${MAX_GLOB_FILES} most recently modified matches; there are more. Use a narrower pattern or path.)` : '';
    return { content: list + note };
  },
});
