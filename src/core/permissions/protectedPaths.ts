import * as path from 'node:path';
import { containingDir, isInside, toPosix } from './paths';
import type { PermissionContext } from './types';

/**
 * Paths that always need a person's approval, whatever the mode or allow rules say, because a
 * change there outlives the conversation or widens the agent's own powers: git internals (hooks
 * run code), editor config (tasks and launch configs run code), Reverie's settings (they hold the
 * permission rules), and shell startup files (run in every new terminal). Reads ask too: these
 * files often hold credentials (remote URLs with tokens, exported API keys).
 */

/** Folder names whose whole content is protected, anywhere in a path. */
const PROTECTED_FOLDERS = ['.git', '.vscode'];

/** Startup files a shell runs on its own, matched by name anywhere (a repo can hold a home-like tree). */
const SHELL_STARTUP_FILES = new Set([
  '.bashrc', '.bash_profile', '.bash_login', '.bash_logout', '.profile',
  '.zshrc', '.zprofile', '.zshenv', '.zlogin', '.zlogout', '.inputrc',
]);

/**
 * Why `target` (absolute, resolved) is protected, or undefined. Names are compared case-insensitively,
 * because on macOS and Windows `.GIT/hooks` is the same folder as `.git/hooks`.
 */
export function protectedReason(target: string, ctx: Pick<PermissionContext, 'home' | 'autoApprovedDirectories'>): string | undefined {
  // Windows also opens `.git` as `.git.`, `.git ` and `.git::$INDEX_ALLOCATION`: compare names in that form.
  const segments = toPosix(path.resolve(target)).toLowerCase().split('/').filter(Boolean).map((s) => s.replace(/::\$[a-z_]*$/, '').replace(/[. ]+$/, '') || s);
  for (const folder of PROTECTED_FOLDERS) {
    if (segments.includes(folder)) return `${folder} is protected`;
  }
  const name = segments[segments.length - 1] ?? '';
  if (segments[segments.length - 2] === '.reverie' && /^settings.*\.json$/.test(name)) {
    return 'Reverie settings are protected';
  }
  // Lower-cased for the same reason; the exemption stays exact, so a look-alike folder is not exempt.
  const homeReverie = path.join(ctx.home, '.reverie').toLowerCase();
  if (isInside(target.toLowerCase(), homeReverie) && !containingDir(target, ctx.autoApprovedDirectories)) {
    return '~/.reverie is protected';
  }
  if (SHELL_STARTUP_FILES.has(name) || segments.slice(-3).join('/') === '.config/fish/config.fish') {
    return `shell startup file ${name} is protected`;
  }
  return undefined;
}
