/**
 * grep: regular-expression search over file contents through the FileSearch port (ripgrep where
 * there is one). Three output modes so the model can ask for as little as it needs: which files,
 * how many matches per file, or the matching lines themselves.
 */
import { z } from 'zod';
import type { GrepMatch } from '../ports';
import { authorizeRead, displayPath, resolvePath } from './paths';
import { defineTool, toolError, type ToolContext } from './tool';

export const DEFAULT_HEAD_LIMIT = 250;
/** A matched line longer than this is cut: minified files would otherwise fill the result. */
const MAX_MATCH_CHARS = 500;
/** For the per-file modes, how many matching lines may be scanned to find the files. */
const MAX_SCANNED_MATCHES = 20_000;

export const grepTool = defineTool({
  name: 'grep',
  description:
    'Searches file contents with a regular expression (ripgrep syntax, e.g. `function\\s+\\w+`, `log.*Error`; escape ' +
    'literal ( [ { . * + ?). Respects .gitignore and skips binary files. output_mode: "files_with_matches" ' +
    '(default: the files, newest first), "content" (matching lines as path:line:text, context lines as ' +
    'path-line-text), or "count" (matches per file). Narrow with path and glob (e.g. `*.ts`). At most head_limit ' +
    'entries (default 250).',
  input: z.object({
    pattern: z.string().min(1).describe('The regular expression to search for.'),
    path: z.string().optional().describe('File or folder to search (default: the working folder).'),
    glob: z.string().optional().describe('Only files matching this glob, e.g. `*.ts` or `src/**/*.tsx`.'),
    case_insensitive: z.boolean().optional().describe('Ignore case (default false).'),
    context: z.number().int().min(0).max(20).optional().describe('Lines of context around each match (content mode only).'),
    output_mode: z.enum(['content', 'files_with_matches', 'count']).optional().describe('What to return (default files_with_matches).'),
    head_limit: z.number().int().min(1).optional().describe('At most this many lines, files or counts (default 250).'),
  }),
  readOnly: true,
  async run(input, ctx) {
    const p = await resolvePath(ctx, input.path ?? '.');
    const refusal = await authorizeRead(ctx, 'grep', p);
    if (refusal) return refusal;
    if (!(await ctx.fs.stat(p.real))) return toolError(`${p.display} does not exist.`);

    const mode = input.output_mode ?? 'files_with_matches';
    const headLimit = input.head_limit ?? DEFAULT_HEAD_LIMIT;
    const context = mode === 'content' ? input.context ?? 0 : 0;
    let found: { matches: GrepMatch[]; truncated: boolean };
    try {
      found = await ctx.search.grep({
        pattern: input.pattern,
        path: p.real,
        glob: input.glob,
        caseInsensitive: input.case_insensitive,
        context,
        limit: mode === 'content' ? headLimit : MAX_SCANNED_MATCHES,
        signal: ctx.signal,
      });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      return toolError(`grep failed: ${err instanceof Error ? err.message : String(err)}\nIf the pattern is meant literally, escape regex characters such as ( [ { . * + ? with a backslash.`);
    }
    const { matches, truncated } = found;
    if (matches.length === 0) {
      return { content: `No matches for ${JSON.stringify(input.pattern)} in ${p.display}${input.glob ? ` (files matching ${input.glob})` : ''}.` };
    }
    const more = '(There are more; narrow the pattern, path or glob, or raise head_limit.)';
    if (mode === 'content') return { content: formatContent(ctx, matches, input.pattern, input.case_insensitive, context) + (truncated ? `\n\n(Stopped at ${headLimit} matching lines.) ${more}` : '') };

    const counts = new Map<string, number>();
    for (const m of matches) counts.set(m.path, (counts.get(m.path) ?? 0) + 1);
    const files = [...counts.keys()];
    if (mode === 'count') {
      const rows = files.slice(0, headLimit).map((f) => `${displayPath(ctx, f)}:${counts.get(f)}`);
      const notes = [files.length > headLimit ? `(Showing ${headLimit} of ${files.length} files.) ${more}` : '', truncated ? `(Counting stopped at ${MAX_SCANNED_MATCHES.toLocaleString('en-US')} matches; counts are lower bounds.)` : ''];
      return { content: [rows.join('\n'), ...notes.filter(Boolean)].join('\n\n') };
    }
    const newest = await byMtime(ctx, files);
    const shown = newest.slice(0, headLimit).map((f) => displayPath(ctx, f));
    const cut = newest.length > headLimit || truncated;
    return { content: `${shown.join('\n')}${cut ? `\n\n(Showing ${shown.length} files.) ${more}` : ''}` };
  },
});

/**
 * Lines as ripgrep prints them: `path:line:text` for matches, `path-line-text` for context, `--`
 * between separate groups. The port does not flag context lines, so a line counts as a match when
 * the pattern (if JavaScript can compile it) matches it.
 */
function formatContent(ctx: ToolContext, matches: GrepMatch[], pattern: string, caseInsensitive: boolean | undefined, context: number): string {
  let regex: RegExp | undefined;
  if (context > 0) {
    try {
      regex = new RegExp(pattern, caseInsensitive ? 'i' : '');
    } catch {
      regex = undefined;
    }
  }
  const out: string[] = [];
  let last: GrepMatch | undefined;
  for (const m of matches) {
    if (last && (last.path !== m.path || m.line > last.line + 1) && context > 0) out.push('--');
    const text = m.text.length > MAX_MATCH_CHARS ? `${m.text.slice(0, MAX_MATCH_CHARS)}… [cut]` : m.text;
    const sep = !regex || regex.test(m.text) ? ':' : '-';
    out.push(`${displayPath(ctx, m.path)}${sep}${m.line}${sep}${text}`);
    last = m;
  }
  return out.join('\n');
}

/** Newest first, like glob; past a thousand files the order is left as found (stat-ing them all costs more than it helps). */
async function byMtime(ctx: ToolContext, files: string[]): Promise<string[]> {
  if (files.length > 1000) return files;
  const stats = await Promise.all(files.map(async (f) => ({ f, mtime: (await ctx.fs.stat(f))?.mtimeMs ?? 0 })));
  return stats.sort((a, b) => b.mtime - a.mtime || a.f.localeCompare(b.f)).map((s) => s.f);
}
