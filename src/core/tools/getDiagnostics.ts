/**
 * get_diagnostics: the editor's Problems view (compiler errors, lint warnings) as text, so the
 * agent can check its edits without running a full build. Errors come first because they are
 * what the agent must fix; the list is capped so a workspace with thousands of lint warnings
 * does not flood the context.
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { Diagnostic } from '../ports';
import { defineTool, toolError } from './tool';
import { displayPath, errorMessage } from './text';

const MAX_DIAGNOSTICS = 200;
const SEVERITY_ORDER: Record<Diagnostic['severity'], number> = { error: 0, warning: 1, info: 2, hint: 3 };

export const getDiagnosticsTool = defineTool({
  name: 'get_diagnostics',
  description: [
    "Lists the problems the editor's language servers and linters report (VS Code's Problems view): errors first, then warnings, info and hints,",
    `one per line as \`path:line:column severity [source] message\`, at most ${MAX_DIAGNOSTICS}.`,
    'Give a path to see one file (e.g. after editing it); omit it for the whole workspace.',
    'Language servers update a moment after a file changes, so a just-edited file may still show old problems.',
  ].join(' '),
  input: z.object({
    path: z.string().optional().describe('A file, absolute or relative to the working folder. Omit for every file.'),
  }),
  readOnly: true,
  async run(input, ctx) {
    if (!ctx.diagnostics) return toolError('get_diagnostics is not available outside the editor. Run the build or linter with run_command instead.');
    const file = input.path === undefined ? undefined : path.resolve(ctx.cwd, input.path);
    let found: Diagnostic[];
    try {
      found = await ctx.diagnostics.get(file);
    } catch (err) {
      return toolError(`Could not read the problems: ${errorMessage(err)}`);
    }

    const where = file === undefined ? 'in the workspace' : `in ${displayPath(ctx.cwd, file)}`;
    if (found.length === 0) return { content: `No problems ${where}.` };

    const sorted = [...found].sort((a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
      || a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column);
    const lines = sorted.slice(0, MAX_DIAGNOSTICS).map((d) => formatDiagnostic(d, ctx.cwd));
    const summary = `${countBySeverity(found)} ${where}:`;
    if (found.length > MAX_DIAGNOSTICS) {
      const more = found.length - MAX_DIAGNOSTICS;
      lines.push(`... ${more} more not shown (${MAX_DIAGNOSTICS} of ${found.length}). Give a path to see one file's problems.`);
    }
    return { content: [summary, ...lines].join('\n') };
  },
});

function formatDiagnostic(d: Diagnostic, cwd: string): string {
  const source = d.source ? ` [${d.source}]` : '';
  // Multi-line messages (TypeScript's elaborations) stay readable, indented under their line.
  const message = d.message.trim().replace(/\r?\n/g, '\n    ');
  return `${displayPath(cwd, d.path)}:${d.line}:${d.column} ${d.severity}${source} ${message}`;
}

/** e.g. "2 errors, 1 warning"; severities with none are left out. */
function countBySeverity(found: Diagnostic[]): string {
  return (['error', 'warning', 'info', 'hint'] as const)
    .map((severity) => [severity, found.filter((d) => d.severity === severity).length] as const)
    .filter(([, n]) => n > 0)
    .map(([severity, n]) => `${n} ${severity}${n === 1 || severity === 'info' ? '' : 's'}`)
    .join(', ');
}
