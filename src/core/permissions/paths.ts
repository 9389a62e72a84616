import * as path from 'node:path';
import picomatch from 'picomatch';

/**
 * Path containment and gitignore-like pattern matching for permission rules. Pure: nothing here
 * touches the file system, so callers must pass paths that are already absolute and symlink-resolved.
 */

/** True when `child` is `parent` or lies below it. Compares normalised absolute paths. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

/** The first folder of `dirs` that contains `target`, if any. */
export function containingDir(target: string, dirs: readonly string[] | undefined): string | undefined {
  return dirs?.find((dir) => isInside(target, dir));
}

/** Forward slashes, as picomatch expects, whatever the platform separator. */
export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** `~` and `~/x` expanded against `home`; anything else unchanged. */
export function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/')) return path.join(home, p.slice(2));
  return p;
}

/** Whether a rule's path pattern names an absolute location (`/abs/**` or `~/x/**`). */
export function isAbsolutePattern(pattern: string): boolean {
  return pattern.startsWith('/') || pattern === '~' || pattern.startsWith('~/');
}

const matchers = new Map<string, (p: string) => boolean>();

function matcher(glob: string): (p: string) => boolean {
  let m = matchers.get(glob);
  if (!m) {
    m = picomatch(glob, { dot: true });
    matchers.set(glob, m);
  }
  return m;
}

/** `a/b/c` -> `a/b/c`, `a/b`, `a`: the path and every folder above it (relative or absolute). */
function withAncestors(p: string): string[] {
  const out: string[] = [];
  for (let cur = p; cur !== '' && cur !== '/'; cur = cur.includes('/') ? cur.slice(0, cur.lastIndexOf('/')) : '') {
    out.push(cur);
  }
  return out;
}

/**
 * Whether `target` (absolute) matches a rule's path pattern, with gitignore's reading:
 * - `/abs/**` is absolute, `~/x/**` is under `home`; anything else is relative to each of `roots`;
 * - a relative pattern with no slash but a trailing one (`*.env`, `secrets`) matches at any depth;
 *   `./x` or a slash inside anchors it to the root;
 * - a pattern that matches a folder matches everything inside it; a trailing `/` matches folders only.
 */
export function matchesPathPattern(pattern: string, target: string, roots: readonly string[], home: string): boolean {
  const foldersOnly = pattern.length > 1 && pattern.endsWith('/');
  let glob = foldersOnly ? pattern.slice(0, -1) : pattern;
  const absolute = isAbsolutePattern(glob);
  if (absolute) glob = toPosix(expandHome(glob, home));
  else if (glob.startsWith('./')) glob = glob.slice(2);
  else if (!glob.includes('/')) glob = `**/${glob}`;
  const isMatch = matcher(glob);
  const test = (candidate: string) => {
    const all = withAncestors(candidate);
    return (foldersOnly ? all.slice(1) : all).some((p) => isMatch(p));
  };
  if (absolute) return test(toPosix(path.resolve(target)));
  return roots.some((root) => isInside(target, root) && test(toPosix(path.relative(path.resolve(root), path.resolve(target)))));
}

/** Escapes glob syntax so a literal folder name (`app/[id]`) can go into a suggested rule. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[\\*?[\](){}!+@]/g, (c) => `\\${c}`);
}
