/**
 * FileSystem on Node's fs, for the headless CLI and the tests. No permission checks here: the tools
 * resolve and authorise paths before calling (see core/ports.ts).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FileStat, FileSystem } from '../core/ports';

export class NodeFileSystem implements FileSystem {
  async stat(file: string): Promise<FileStat | undefined> {
    try {
      const s = await fs.stat(file);
      return { kind: s.isDirectory() ? 'directory' : 'file', size: s.size, mtimeMs: s.mtimeMs, ...(s.isFile() && { links: s.nlink }) };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  realPath(file: string): Promise<string> {
    return fs.realpath(file);
  }

  async readFile(file: string): Promise<Uint8Array> {
    return fs.readFile(file);
  }

  /**
   * Writes to a temporary file beside the target, then renames it over the target, so a crash or a
   * full disk never leaves a half-written file. Through a symlink the link's target is replaced (the
   * link stays), and an existing file keeps its permissions.
   */
  async writeFile(file: string, text: string): Promise<void> {
    let target = file;
    try {
      target = await fs.realpath(file);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    const mode = await fs.stat(target).then((s) => s.mode & 0o7777, () => undefined);
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, text, { encoding: 'utf8', mode: mode ?? 0o666 });
      if (mode !== undefined) await fs.chmod(temp, mode); // the umask may have narrowed it
      await fs.rename(temp, target);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async readDirectory(dir: string): Promise<Array<{ name: string; kind: 'file' | 'directory' | 'other' }>> {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    // Symlinks are 'other': following them in a walk could loop or leave the workspace unseen.
    return entries.map((e) => ({ name: e.name, kind: e.isDirectory() ? 'directory' : e.isFile() ? 'file' : 'other' }));
  }
}

export function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
