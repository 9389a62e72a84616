/**
 * What write_file and edit_file share: the read-before-write rule, approval of the change (where
 * the user may rewrite it), the write itself, and the problems the write introduced.
 *
 * The read-before-write rule exists because the model edits from memory: if it never saw the file,
 * or the file changed since (the user typed, a formatter ran), its change would silently undo
 * someone else's work. mtime and size are the cheap signal; either moving means "read it again".
 */
import { createTwoFilesPatch, structuredPatch } from 'diff';
import type { Diagnostic, FileStat } from '../ports';
import { numberLine } from './fileText';
import { denied, type ToolPath } from './paths';
import { toolError, type ToolContext, type ToolResult } from './tool';

/**
 * An error result when `p` exists but was not read in this session, or changed since; else
 * undefined. Passing it is also what lets write_file and edit_file read the current text before
 * the edit is authorised: read_file was granted read access to this same real path.
 */
export function staleness(ctx: ToolContext, p: ToolPath, stat: FileStat): ToolResult | undefined {
  const record = ctx.session.readFiles.get(p.real);
  if (!record) {
    return toolError(`${p.display} already exists and you have not read it in this conversation. Read it with read_file first, then make the change.`);
  }
  if (record.mtimeMs !== stat.mtimeMs || record.size !== stat.size) {
    return toolError(`${p.display} has changed on disk since you last read it (by the user or another program). Read it again with read_file, then redo the change on the current content.`);
  }
  return undefined;
}

export type Commit =
  | { ok: false; result: ToolResult }
  | { ok: true; written: string; notes: string[] };

/**
 * Asks for the edit, writes what was approved (the user's version when they changed it), records
 * the new version as read, and returns notes for the result: the user's changes as a diff and any
 * new errors or warnings in the file.
 */
export async function commitChange(ctx: ToolContext, tool: string, p: ToolPath, before: string | undefined, after: string): Promise<Commit> {
  const problemsBefore = await problemsOf(ctx, p.real);
  const answer = await ctx.authorize({ kind: 'edit', tool, path: p.real, before, after, ...(p.hardLinks && { hardLinks: p.hardLinks }) });
  if (!answer.granted) return { ok: false, result: denied('edit', p, answer.reason) };

  const written = answer.finalText ?? after;
  await ctx.fs.writeFile(p.real, written);
  const stat = await ctx.fs.stat(p.real);
  if (stat) ctx.session.readFiles.delete(p.real);
  if (stat) ctx.session.readFiles.set(p.real, { mtimeMs: stat.mtimeMs, size: stat.size, complete: true });

  const notes: string[] = [];
  if (written !== after) notes.push(userChanges(p, after, written));
  const problemsAfter = problemsBefore && (await problemsOf(ctx, p.real));
  if (problemsBefore && problemsAfter) {
    const added = newProblems(problemsBefore, problemsAfter);
    if (added.length) notes.push(`New problems in this file:\n${added.map(formatProblem).join('\n')}`);
  }
  return { ok: true, written, notes };
}

/** The file's problems, or undefined without diagnostics; a failure here must not turn a done write into an error. */
async function problemsOf(ctx: ToolContext, file: string): Promise<Diagnostic[] | undefined> {
  try {
    return await ctx.diagnostics?.get(file);
  } catch (err) {
    ctx.log.warn(`diagnostics for ${file} failed: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** Most of a user's rewrite fits here; a larger one is cut with a pointer to read the file. */
const MAX_USER_DIFF = 4000;

function userChanges(p: ToolPath, proposed: string, final: string): string {
  const patch = createTwoFilesPatch(p.display, p.display, proposed, final, 'your proposal', 'as accepted', { context: 2 })
    .split('\n')
    .filter((line) => !line.startsWith('====='))
    .join('\n')
    .trimEnd();
  const shown = patch.length > MAX_USER_DIFF ? `${patch.slice(0, MAX_USER_DIFF)}\n… (diff cut; read the file to see the rest)` : patch;
  return `The user changed your proposal before accepting it; the file now holds their version, not yours. Their changes:\n${shown}`;
}

/** Problems are matched by content, not position: an edit moves lines, and a moved problem is not new. */
function newProblems(before: Diagnostic[], after: Diagnostic[]): Diagnostic[] {
  const key = (d: Diagnostic) => `${d.severity}\u0000${d.source ?? ''}\u0000${d.message}`;
  const remaining = new Map<string, number>();
  for (const d of before) remaining.set(key(d), (remaining.get(key(d)) ?? 0) + 1);
  return after.filter((d) => {
    if (d.severity !== 'error' && d.severity !== 'warning') return false;
    const left = remaining.get(key(d)) ?? 0;
    if (left > 0) {
      remaining.set(key(d), left - 1);
      return false;
    }
    return true;
  }).slice(0, 20);
}

const formatProblem = (d: Diagnostic) => `- line ${d.line}:${d.column} ${d.severity}: ${d.message}${d.source ? ` (${d.source})` : ''}`;

/** At most this many numbered lines of the changed regions go back to the model. */
const MAX_SNIPPET_LINES = 60;

/**
 * The changed regions of the new text, numbered like read_file, with three lines of context, so
 * the model sees what the file now says around its change without reading it again.
 */
export function changedRegions(before: string, after: string): string {
  const { hunks } = structuredPatch('a', 'b', before, after, undefined, undefined, { context: 3 });
  const blocks: string[] = [];
  let budget = MAX_SNIPPET_LINES;
  for (const [i, hunk] of hunks.entries()) {
    if (budget <= 0) {
      blocks.push(`… and ${hunks.length - i} more changed region${hunks.length - i === 1 ? '' : 's'}`);
      break;
    }
    const lines: string[] = [];
    let n = hunk.newStart;
    for (const line of hunk.lines) {
      if (line.startsWith('-') || line.startsWith('\\')) continue;
      if (budget-- > 0) lines.push(numberLine(n, line.slice(1).replace(/\r$/, '')));
      n++;
    }
    if (budget < 0) lines.push('     …');
    blocks.push(lines.join('\n'));
  }
  return blocks.join('\n     …\n');
}
