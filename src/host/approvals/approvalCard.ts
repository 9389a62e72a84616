import * as path from 'node:path';
import { structuredPatch } from 'diff';
import type { AccessRequest } from '../../core/ports';
import { APPROVAL_LIMITS, type DiffLine } from '../../shared/approvalProtocol';
import type { ApprovalCard } from './panelApprovals';

/** Lines of context around each change in the card (the editor diff shows everything). */
const CONTEXT_LINES = 2;

/** A path as the user reads it: relative to the workspace folder that holds it, else as given. */
export function displayPath(p: string, roots: readonly string[]): string {
  for (const root of roots) {
    const rel = path.relative(root, p);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return p;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The compact diff for a card: changed lines with a little context, a `gap` line between hunks,
 * at most `maxLines` lines. Counts cover the whole change even when lines are left out.
 */
export function compactDiff(before: string, after: string, maxLines: number = APPROVAL_LIMITS.diffLines): {
  lines: DiffLine[]; added: number; removed: number; truncated: boolean;
} {
  const patch = structuredPatch('a', 'b', before, after, '', '', { context: CONTEXT_LINES });
  const all: DiffLine[] = [];
  let added = 0;
  let removed = 0;
  patch.hunks.forEach((hunk, i) => {
    if (i > 0 || hunk.oldStart > 1) all.push({ kind: 'gap', text: `line ${hunk.newStart}` });
    for (const line of hunk.lines) {
      const mark = line[0];
      if (mark === '\\') continue; // "\ No newline at end of file"
      const kind = mark === '+' ? 'add' : mark === '-' ? 'del' : 'ctx';
      if (kind === 'add') added++;
      if (kind === 'del') removed++;
      all.push({ kind, text: clip(line.slice(1), APPROVAL_LIMITS.lineText) });
    }
  });
  const truncated = all.length > maxLines;
  return { lines: truncated ? all.slice(0, maxLines) : all, added, removed, truncated };
}

/** What the panel shows for one access request. */
export function approvalCard(request: AccessRequest, roots: readonly string[]): ApprovalCard {
  switch (request.kind) {
    case 'edit':
      return {
        kind: 'edit', tool: request.tool, path: clip(displayPath(request.path, roots), APPROVAL_LIMITS.path),
        isNew: request.before === undefined, ...compactDiff(request.before ?? '', request.after),
      };
    case 'command':
      return { kind: 'command', tool: request.tool, command: clip(request.command, APPROVAL_LIMITS.command), cwd: clip(request.cwd, APPROVAL_LIMITS.path) };
    case 'read':
      return { kind: 'read', tool: request.tool, path: clip(request.path, APPROVAL_LIMITS.path) };
  }
}
