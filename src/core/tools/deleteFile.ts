/**
 * delete_file: removes one file, after the permission layer allowed it as an edit (the file's text
 * before, nothing after). The FileSystem port has no delete, so the removal is injected: the dream
 * builds this tool with its store; it is not in ALL_TOOLS.
 */
import { z } from 'zod';
import { staleness } from './fileChanges';
import { decodeText } from './fileText';
import { denied, resolvePath } from './paths';
import { defineTool, toolError, type ToolDefinition } from './tool';
import { errorMessage } from './text';

const input = z.object({
  path: z.string().min(1).describe('The file to delete: relative to the working folder, absolute, or starting with ~/.'),
});

export function createDeleteFileTool(remove: (absolutePath: string) => Promise<void>): ToolDefinition<z.infer<typeof input>> {
  return defineTool({
    name: 'delete_file',
    description: 'Deletes one file (not a folder) that you have read with read_file in this conversation. Use it to remove a memory file that was merged into another or is no longer true.',
    input,
    readOnly: false,
    async run(args, ctx) {
      const p = await resolvePath(ctx, args.path);
      const stat = await ctx.fs.stat(p.real);
      if (!stat) return toolError(`${p.display} does not exist.`);
      if (stat.kind === 'directory') return toolError(`${p.display} is a folder; delete_file deletes files only.`);
      // Like a whole-file write: only a file read in this conversation, unchanged since, is deleted.
      const stale = staleness(ctx, p, stat);
      if (stale) return stale;
      const answer = await ctx.authorize({ kind: 'edit', tool: 'delete_file', path: p.real, before: decodeText(await ctx.fs.readFile(p.real)).text, after: '', ...(p.hardLinks && { hardLinks: p.hardLinks }) });
      if (!answer.granted) return denied('edit', p, answer.reason);
      try {
        await remove(p.real);
      } catch (err) {
        return toolError(`Could not delete ${p.display}: ${errorMessage(err)}`);
      }
      ctx.session.readFiles.delete(p.real);
      return { content: `Deleted ${p.display}.` };
    },
  });
}
