/**
 * The editor's language intelligence as tools: where a symbol is defined, where it is used, and
 * the outline of a file. Unlike grep these follow the language's own rules (imports, overloads,
 * shadowing), so the agent can trace code precisely. They exist only inside VS Code; each asks
 * the permission layer before reading the file, like read_file does.
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { LanguageFeatures, SourceLocation, SymbolInfo } from '../ports';
import { defineTool, toolError, type ToolContext, type ToolResult } from './tool';
import { displayPath, errorMessage } from './text';

const MAX_REFERENCES = 200;

const position = z.object({
  path: z.string().min(1).describe('The file, absolute or relative to the working folder.'),
  line: z.number().int().min(1).describe('1-based line of the symbol.'),
  column: z.number().int().min(1).describe('1-based column of any character inside the symbol name.'),
});

export const goToDefinitionTool = defineTool({
  name: 'go_to_definition',
  description: 'Finds where the symbol at a position is defined, using the language server (follows imports and re-exports). '
    + 'Lines and columns are 1-based. Answers `path:line:column  line text` per definition.',
  input: position,
  readOnly: true,
  run: (input, ctx) => withLanguage('go_to_definition', input.path, ctx, async (language, file) => {
    const found = await language.definition(file, input.line, input.column);
    if (found.length === 0) return { content: `No definition found at ${displayPath(ctx.cwd, file)}:${input.line}:${input.column}.` };
    return { content: formatLocations(found, ctx.cwd) };
  }),
});

export const findReferencesTool = defineTool({
  name: 'find_references',
  description: 'Finds every use of the symbol at a position across the workspace, using the language server '
    + `(only real references, unlike a text search). Lines and columns are 1-based. At most ${MAX_REFERENCES} are listed.`,
  input: position,
  readOnly: true,
  run: (input, ctx) => withLanguage('find_references', input.path, ctx, async (language, file) => {
    const found = await language.references(file, input.line, input.column);
    if (found.length === 0) return { content: `No references found at ${displayPath(ctx.cwd, file)}:${input.line}:${input.column}.` };
    let content = `${found.length} reference${found.length === 1 ? '' : 's'}:\n${formatLocations(found.slice(0, MAX_REFERENCES), ctx.cwd)}`;
    if (found.length > MAX_REFERENCES) content += `\n... ${found.length - MAX_REFERENCES} more not shown.`;
    return { content };
  }),
});

export const documentSymbolsTool = defineTool({
  name: 'document_symbols',
  description: "Lists a file's outline from the language server: classes, functions, methods, variables, nested as in the code, "
    + 'each with its kind and line range. Cheaper than reading a large file to find where something is.',
  input: z.object({
    path: z.string().min(1).describe('The file, absolute or relative to the working folder.'),
  }),
  readOnly: true,
  run: (input, ctx) => withLanguage('document_symbols', input.path, ctx, async (language, file) => {
    const symbols = await language.documentSymbols(file);
    if (symbols.length === 0) return { content: `No symbols found in ${displayPath(ctx.cwd, file)}.` };
    return { content: formatSymbols(symbols, 0).join('\n') };
  }),
});

/** The shared steps: the port must exist, the read must be allowed, a failing server is a result. */
async function withLanguage(
  tool: string,
  inputPath: string,
  ctx: ToolContext,
  body: (language: LanguageFeatures, file: string) => Promise<ToolResult>,
): Promise<ToolResult> {
  if (!ctx.language) return toolError(`${tool} is only available in VS Code. Use grep to find the symbol instead.`);
  const file = path.resolve(ctx.cwd, inputPath);
  const auth = await ctx.authorize({ kind: 'read', tool, path: file });
  if (!auth.granted) return toolError(`Reading ${inputPath} was not allowed: ${auth.reason}`);
  try {
    return await body(ctx.language, file);
  } catch (err) {
    return toolError(`${tool} failed for ${displayPath(ctx.cwd, file)}: ${errorMessage(err)}`);
  }
}

function formatLocations(locations: SourceLocation[], cwd: string): string {
  return locations
    .map((l) => `${displayPath(cwd, l.path)}:${l.line}:${l.column}${l.preview ? `  ${l.preview}` : ''}`)
    .join('\n');
}

function formatSymbols(symbols: SymbolInfo[], depth: number): string[] {
  return symbols.flatMap((s) => {
    const lines = s.endLine > s.line ? `lines ${s.line}-${s.endLine}` : `line ${s.line}`;
    return [`${'  '.repeat(depth)}${s.kind} ${s.name}  (${lines})`, ...formatSymbols(s.children ?? [], depth + 1)];
  });
}
