/**
 * search_history: keyword or regex search over the past sessions' transcripts (memory tier 3).
 * The search itself is injected (the Node scan in the CLI and the extension), so the tool stays
 * free of fs; `tools/index.ts` lists it when the host has transcripts.
 */
import { z } from 'zod';
import type { HistoryHit, HistorySearchOptions } from '../memory/historySearch';
import { defineTool, toolError, type ToolDefinition } from './tool';

export type SearchFn = (options: Omit<HistorySearchOptions, 'root'>) => Promise<HistoryHit[]>;

const input = z.object({
  query: z.string().min(1).describe('Keywords separated by spaces (a message must contain all of them), or a regular expression when regex is true.'),
  regex: z.boolean().optional().describe('Treat query as a regular expression (JavaScript syntax; default false).'),
  limit: z.number().int().min(1).max(100).optional().describe('At most this many results (default 20).'),
});

export function createSearchHistoryTool(search: SearchFn): ToolDefinition<z.infer<typeof input>> {
  return defineTool({
    name: 'search_history',
    description:
      'Searches the transcripts of past sessions in this workspace (user and assistant messages and tool results), ' +
      'case-insensitively. Use it when the user refers to earlier work ("what did we decide about X", "the command ' +
      'we used last week") that is not in memory. Returns session id, time, role and a snippet, newest session first.',
    input,
    readOnly: true,
    async run(args, ctx) {
      let hits: HistoryHit[];
      try {
        hits = await search({ query: args.query, regex: args.regex, limit: args.limit, signal: ctx.signal });
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        if (err instanceof SyntaxError) return toolError(`Invalid regular expression: ${err.message}. Fix the pattern, or search with regex false.`);
        return toolError(`search_history failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!hits.length) return { content: `No past session matches ${JSON.stringify(args.query)}.` };
      return { content: hits.map(formatHit).join('\n') };
    },
  });
}

export function formatHit(h: HistoryHit): string {
  return `session ${h.sessionId} (${formatTime(h.time)}) ${h.role}: ${h.snippet}`;
}

/** `2026-11-21 13:53` in UTC (the transcript's own clock; no locale, so output is stable). */
function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ');
}
