/**
 * CheckpointStorage on Node's fs: one folder (the extension's storage, or the CLI's session folder),
 * atomic writes (temp file + rename). Names are relative and never leave the folder.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CheckpointStore } from '../core/checkpoints/store';
import { CheckpointTracker } from '../core/checkpoints/tracker';
import type { CheckpointStorage } from '../core/checkpoints/types';
import type { FileSystem, Logger } from '../core/ports';

export class NodeCheckpointStorage implements CheckpointStorage {
  constructor(private readonly root: string) {}

  private resolve(name: string): string {
    const full = path.resolve(this.root, name);
    if (!full.startsWith(this.root + path.sep)) throw new Error(`checkpoint storage: ${name} is outside the store`);
    return full;
  }

  async read(name: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(this.resolve(name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async write(name: string, bytes: Uint8Array): Promise<void> {
    const file = this.resolve(name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temp, bytes);
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async list(folder: string): Promise<string[]> {
    try {
      return (await fs.readdir(this.resolve(folder))).filter((n) => !n.endsWith('.tmp'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.resolve(name), { force: true });
  }
}

/** The CLI's checkpoints: in the session folder, for files under the working folder (its commands are not watched). */
export function cliCheckpointTracker(sessionDir: string, cwd: string, fs: FileSystem, log: Logger): CheckpointTracker {
  return new CheckpointTracker({ store: new CheckpointStore(new NodeCheckpointStorage(path.join(sessionDir, 'checkpoints'))), fs, roots: () => [cwd], log });
}
