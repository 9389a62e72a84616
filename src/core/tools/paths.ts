/**
 * Turning a path the model wrote into the path that is actually touched, and asking for access to it.
 *
 * The model's path is only a spelling: `src/../../etc/passwd` and a symlink `docs -> /home/me/.ssh`
 * both look like workspace paths. So every tool resolves the path lexically first, then asks the
 * file system for the real location (symlinks resolved), and that REAL path is what the permission
 * layer judges and what the port reads or writes. For a file that does not exist yet, the real
 * path of its nearest existing parent stands in, with the missing segments appended.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { toolError, type ToolContext, type ToolResult } from './tool';
import { displayPath as relativeForDisplay } from './text';

export interface ToolPath {
  /** As the model wrote it. */
  input: string;
  /** Resolved against cwd and normalised, symlinks not yet followed. */
  absolute: string;
  /** With every symlink resolved: the path that is authorised and touched. */
  real: string;
  /** For messages to the model: relative to cwd when inside it, else absolute. */
  display: string;
  /** Set when the file has other hard links: they may be outside the workspace, so the access asks. */
  hardLinks?: number;
}

/** Resolves `input` (relative to cwd, absolute, or `~/...`) to a ToolPath. */
export async function resolvePath(ctx: ToolContext, input: string): Promise<ToolPath> {
  const absolute = absolutePath(ctx.cwd, input);
  const real = await realPathOrNearest(ctx, absolute);
  // A hard link cannot be resolved like a symlink (no name is the "real" one), so it is reported instead.
  const links = (await ctx.fs.stat(real).catch(() => undefined))?.links ?? 1;
  return { input, absolute, real, display: displayPath(ctx, real), ...(links > 1 && { hardLinks: links }) };
}

export function absolutePath(cwd: string, input: string): string {
  const trimmed = input.trim();
  if (trimmed === '~' || trimmed.startsWith('~/') || trimmed.startsWith('~\\')) {
    return path.resolve(os.homedir(), trimmed.slice(2));
  }
  return path.resolve(cwd, trimmed);
}

/**
 * The real path of `absolute`, or of its nearest existing ancestor joined with the rest, so that a
 * new file under a symlinked folder is judged by where it would really land.
 */
async function realPathOrNearest(ctx: ToolContext, absolute: string): Promise<string> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      const real = await ctx.fs.realPath(current);
      return missing.length ? path.join(real, ...missing.reverse()) : real;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return absolute;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/** Relative to cwd when inside it (shorter, and what the model is used to), else absolute. */
export function displayPath(ctx: Pick<ToolContext, 'cwd'>, absolute: string): string {
  return relativeForDisplay(ctx.cwd, absolute);
}

/** Asks for read access; undefined when granted, else the error result to return. */
export async function authorizeRead(ctx: ToolContext, tool: string, p: ToolPath): Promise<ToolResult | undefined> {
  const answer = await ctx.authorize({ kind: 'read', tool, path: p.real, ...(p.hardLinks && { hardLinks: p.hardLinks }) });
  return answer.granted ? undefined : denied('read', p, answer.reason);
}

/** The error result for a denied access, quoting the reason so the model can adjust. */
export function denied(action: 'read' | 'edit', p: ToolPath, reason: string): ToolResult {
  const where = p.real === p.absolute ? p.display : `${p.display} (really ${p.real})`;
  return toolError(`Permission to ${action} ${where} was denied: ${reason}. Do not retry the same access; ask the user or try another way.`);
}

