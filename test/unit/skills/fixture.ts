/**
 * A home and a repository in a real temp folder, for skill discovery tests:
 *   <base>/home            the user's home (~/.reverie/skills, ~/.claude/skills)
 *   <base>/outer           a folder above the repository (must never be scanned)
 *   <base>/outer/repo      the repository root (has .git)
 *   <base>/outer/repo/pkg  the working folder
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SkillPlaces } from '../../../src/core/skills/types';

export interface SkillWorld {
  base: string;
  home: string;
  repo: string;
  cwd: string;
  places: SkillPlaces;
  /** Writes `<folder>/<name>/SKILL.md` (or any file when `rel` is a path) under `base`. */
  put(rel: string, content: string): string;
  dispose(): void;
}

export function skillWorld(overrides: Partial<SkillPlaces> = {}): SkillWorld {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-skills-')));
  const home = path.join(base, 'home');
  const repo = path.join(base, 'outer', 'repo');
  const cwd = path.join(repo, 'pkg');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(cwd, { recursive: true });
  const world: SkillWorld = {
    base, home, repo, cwd,
    places: { cwd, roots: [repo], home, includeClaudeCode: true, disabled: [], ...overrides },
    put(rel, content) {
      const file = path.isAbsolute(rel) ? rel : path.join(base, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
      return file;
    },
    dispose: () => fs.rmSync(base, { recursive: true, force: true }),
  };
  return world;
}

/** A SKILL.md with the given frontmatter lines and body. */
export function skillMd(name: string | undefined, description: string, extra = '', body = `Instructions for ${name ?? 'it'}.`): string {
  return `---\n${name === undefined ? '' : `name: ${name}\n`}description: ${description}\n${extra}---\n${body}\n`;
}
