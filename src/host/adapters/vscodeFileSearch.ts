import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FileSearch, GrepMatch, GrepOptions } from '../../core/ports';
import { fallbackGlob, fallbackGrep } from './fallbackSearch';
import { findRipgrep, runRipgrep } from '../../node/ripgrep';

/** Longest line text handed back per match: a minified bundle must not flood the model's context. */
const MAX_LINE_CHARS = 2_000;

/**
 * Finds files and text with the ripgrep VS Code ships, so results honour .gitignore and the
 * user's `files.exclude` exactly as the editor's own search does. Without that binary (a trimmed
 * distribution), it falls back to workspace.findFiles and a line-by-line search in JS, which are
 * slower and do not read .gitignore.
 */
export class VsCodeFileSearch implements FileSearch {
  private readonly rg: string | undefined;

  /** `rgPath: null` forces the fallback (tests); undefined looks for VS Code's own ripgrep. */
  constructor(options: { rgPath?: string | null } = {}) {
    this.rg = options.rgPath === null ? undefined : (options.rgPath ?? findRipgrep(vscode.env.appRoot));
  }

  /** Whether searches run on ripgrep (false: the slower fallback without .gitignore). */
  get usesRipgrep(): boolean {
    return this.rg !== undefined;
  }

  async glob(pattern: string, options: { cwd: string; limit: number; signal: AbortSignal }): Promise<{ files: string[]; truncated: boolean }> {
    const { cwd, limit, signal } = options;
    const relative = path.isAbsolute(pattern) ? path.relative(cwd, pattern) : pattern;
    if (!this.rg) return fallbackGlob(relative, cwd, limit, signal);
    const files: string[] = [];
    let truncated = false;
    // As in VS Code's own search: dotfiles included, and a .gitignore counts even outside a git
    // repository. --sortr modified puts the newest first (and makes rg single-threaded, fine for a listing).
    const args = ['--no-config', '--files', '--hidden', '--no-require-git', '--sortr', 'modified', '--glob', relative, ...excludeGlobs(cwd)];
    const run = await runRipgrep(this.rg, args, cwd, signal, (line) => {
      if (!line) return true;
      if (files.length >= limit) {
        truncated = true;
        return false;
      }
      files.push(path.resolve(cwd, line));
      return true;
    });
    if (run.code === 2 && files.length === 0) throw new Error(`ripgrep: ${run.stderr || 'failed'}`);
    return { files, truncated };
  }

  async grep(options: GrepOptions): Promise<{ matches: GrepMatch[]; truncated: boolean }> {
    if (!this.rg) return fallbackGrep(options);
    const isDir = (await fs.promises.stat(options.path)).isDirectory();
    // rg matches --glob patterns relative to its working folder, so run it in the searched folder.
    const cwd = isDir ? options.path : path.dirname(options.path);
    const args = ['--no-config', '--json', '--hidden', '--no-require-git', ...excludeGlobs(cwd)];
    if (options.caseInsensitive) args.push('--ignore-case');
    if (options.context) args.push('--context', String(options.context));
    if (options.glob) args.push('--glob', options.glob);
    args.push('--regexp', options.pattern, '--', options.path);

    const matches: GrepMatch[] = [];
    let matchLines = 0;
    let lastHit: GrepMatch | undefined;
    let truncated = false;
    const run = await runRipgrep(this.rg, args, cwd, options.signal, (line) => {
      const hit = parseJsonLine(line);
      if (!hit) return true;
      if (hit.isMatch) {
        if (matchLines >= options.limit) {
          truncated = true;
          // The context after the last kept match stays; the context before the dropped one goes.
          const end = (lastHit?.line ?? 0) + (options.context ?? 0);
          while (matches.length && matches[matches.length - 1] !== lastHit) {
            const m = matches[matches.length - 1];
            if (m.path === lastHit?.path && m.line <= end) break;
            matches.pop();
          }
          return false;
        }
        matchLines++;
        lastHit = hit.match;
      }
      matches.push(hit.match);
      return true;
    });
    // 2 with results means some files could not be read; 2 without any is a bad pattern or path.
    if (run.code === 2 && matches.length === 0) throw new Error(`ripgrep: ${run.stderr || 'failed'}`);
    return { matches, truncated };
  }
}

/**
 * `files.exclude` as negated rg globs. Only entries set to true: the `{ when: ... }` form depends
 * on sibling files, which rg cannot express.
 */
function excludeGlobs(cwd: string): string[] {
  const exclude = vscode.workspace.getConfiguration('files', vscode.Uri.file(cwd)).get<Record<string, unknown>>('exclude') ?? {};
  return Object.entries(exclude).filter(([, on]) => on === true).flatMap(([glob]) => ['--glob', `!${glob}`]);
}

interface RgText {
  text?: string;
  bytes?: string;
}

/** One `rg --json` line as a match or context line (context lines are returned but not counted). */
function parseJsonLine(line: string): { match: GrepMatch; isMatch: boolean } | undefined {
  let msg: { type?: string; data?: { path?: RgText; lines?: RgText; line_number?: number } };
  try {
    msg = JSON.parse(line);
  } catch {
    return undefined;
  }
  if ((msg.type !== 'match' && msg.type !== 'context') || !msg.data?.path || !msg.data.lines) return undefined;
  const text = rgText(msg.data.lines).replace(/\r?\n$/, '');
  return {
    isMatch: msg.type === 'match',
    match: { path: rgText(msg.data.path), line: msg.data.line_number ?? 0, text: text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}…` : text },
  };
}

/** rg sends text that is not valid UTF-8 as base64 `bytes`. */
function rgText(t: RgText): string {
  return t.text ?? Buffer.from(t.bytes ?? '', 'base64').toString('utf8');
}
