/**
 * Where memory folders live. Project memory is private by default: under the user's home, in a
 * folder keyed by the workspace's absolute path (a readable slug plus a hash, so two paths that
 * slug alike still get different folders). `workspace` puts it in the repository to be committed.
 */
import * as path from 'node:path';
import { INDEX_FILE } from './schema';

export type MemoryLocation = 'private' | 'workspace';

/** Longest slug part of a project key; the tail of the path is kept, as the most telling part. */
const SLUG_MAX = 60;

export function projectMemoryDir(options: { home: string; workspaceRoot: string; location: MemoryLocation }): string {
  if (options.location === 'workspace') return path.join(path.resolve(options.workspaceRoot), '.reverie', 'memory');
  return path.join(options.home, '.reverie', 'projects', projectKey(options.workspaceRoot), 'memory');
}

/** Where a workspace's session transcripts live; the CLI and the extension share it. */
export function transcriptsDir(home: string, workspaceRoot: string): string {
  return path.join(home, '.reverie', 'projects', projectKey(workspaceRoot), 'sessions');
}

export function userMemoryDir(home: string): string {
  return path.join(home, '.reverie', 'memory');
}

export function indexPath(memoryDir: string): string {
  return path.join(memoryDir, INDEX_FILE);
}

/**
 * A folder name for a workspace: `home-ana-src-reverie-3f9c2a1b7d4e`. Stable across runs for the
 * same absolute path (a Windows drive letter is case-folded; a trailing separator ignored).
 */
export function projectKey(workspaceRoot: string): string {
  let normalized = path.resolve(workspaceRoot);
  if (/^[A-Za-z]:/.test(normalized)) normalized = normalized[0].toLowerCase() + normalized.slice(1);
  let slug = normalized.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length > SLUG_MAX) slug = slug.slice(-SLUG_MAX).replace(/^-+/, '');
  return `${slug || 'root'}-${fnv1a64(normalized).slice(0, 12)}`;
}

/** FNV-1a, 64-bit, over the UTF-8 bytes, as hex (no Node crypto in the core). */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, '0');
}
