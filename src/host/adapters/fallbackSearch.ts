import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GrepMatch, GrepOptions } from '../../core/ports';

/**
 * Search for when VS Code's ripgrep cannot be found. workspace.findFiles applies `files.exclude`
 * but not .gitignore, and the grep is a plain line-by-line JS RegExp test: slower and less
 * faithful than rg, but the agent keeps working.
 */

/** How many candidate files the fallback looks at before sorting; keeps a huge tree bounded. */
const MAX_CANDIDATES = 20_000;

export async function fallbackGlob(pattern: string, cwd: string, limit: number, signal: AbortSignal): Promise<{ files: string[]; truncated: boolean }> {
  const uris = await findFiles(cwd, pattern, signal);
  const stats = await Promise.all(uris.map(async (u) => ({ path: u.fsPath, mtime: (await vscode.workspace.fs.stat(u).then((s) => s.mtime, () => 0)) })));
  stats.sort((a, b) => b.mtime - a.mtime);
  return { files: stats.slice(0, limit).map((s) => s.path), truncated: stats.length > limit };
}

export async function fallbackGrep(options: GrepOptions): Promise<{ matches: GrepMatch[]; truncated: boolean }> {
  const { signal } = options;
  const regex = new RegExp(options.pattern, options.caseInsensitive ? 'i' : '');
  const root = vscode.Uri.file(options.path);
  const isDir = ((await vscode.workspace.fs.stat(root)).type & vscode.FileType.Directory) !== 0;
  const files = isDir ? (await findFiles(options.path, options.glob ?? '**/*', signal)).sort((a, b) => a.fsPath.localeCompare(b.fsPath)) : [root];
  const matches: GrepMatch[] = [];
  let count = 0;
  for (const file of files) {
    if (signal.aborted) throw signal.reason;
    const bytes = await vscode.workspace.fs.readFile(file).then((b) => b, () => undefined);
    if (!bytes || bytes.subarray(0, 8000).includes(0)) continue; // unreadable or binary
    const lines = Buffer.from(bytes).toString('utf8').split(/\r?\n/);
    const keep = new Set<number>();
    for (let i = 0; i < lines.length; i++) {
      if (!regex.test(lines[i])) continue;
      if (count >= options.limit) return { matches: [...matches, ...withContext(file.fsPath, lines, keep)], truncated: true };
      count++;
      const c = options.context ?? 0;
      for (let j = Math.max(0, i - c); j <= Math.min(lines.length - 1, i + c); j++) keep.add(j);
    }
    matches.push(...withContext(file.fsPath, lines, keep));
  }
  return { matches, truncated: false };
}

function withContext(file: string, lines: string[], keep: Set<number>): GrepMatch[] {
  return [...keep].sort((a, b) => a - b).map((i) => ({ path: file, line: i + 1, text: lines[i] }));
}

/**
 * findFiles with ripgrep's glob reading: a pattern without a slash matches at any depth, as in
 * .gitignore (`*.ts`), while VS Code's globs would anchor it at the base folder.
 */
async function findFiles(base: string, pattern: string, signal: AbortSignal): Promise<vscode.Uri[]> {
  const glob = pattern.includes('/') ? pattern : `**/${pattern}`;
  const cts = new vscode.CancellationTokenSource();
  const onAbort = () => cts.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(vscode.Uri.file(base), glob), undefined, MAX_CANDIDATES, cts.token);
    if (signal.aborted) throw signal.reason;
    return uris.filter((u) => !path.relative(base, u.fsPath).startsWith('..'));
  } finally {
    signal.removeEventListener('abort', onAbort);
    cts.dispose();
  }
}
