/**
 * DreamStore on Node's fs: the lock file's time (utimes), process liveness (signal 0), byte-exact
 * copies for staging and snapshots, atomic writes (temp + rename).
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DreamStore } from '../core/dream/store';
import { isMissing } from './nodeFileSystem';

export class NodeDreamStore implements DreamStore {
  readonly pid = process.pid;

  token(): string {
    return randomBytes(12).toString('hex');
  }

  isAlive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      // EPERM: it exists, owned by someone else.
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  async readStamped(file: string): Promise<{ text: string; mtimeMs: number } | undefined> {
    try {
      const [text, stat] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
      return { text, mtimeMs: stat.mtimeMs };
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async createExclusive(file: string, text: string): Promise<boolean> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    try {
      await fs.writeFile(file, text, { flag: 'wx' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
  }

  writeText(file: string, text: string): Promise<void> {
    return this.writeBytes(file, new TextEncoder().encode(text));
  }

  async setMtime(file: string, ms: number): Promise<void> {
    const t = new Date(ms);
    await fs.utimes(file, t, t);
  }

  async remove(target: string): Promise<void> {
    await fs.rm(target, { recursive: true, force: true });
  }

  async listFiles(dir: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (rel: string) => {
      let entries;
      try {
        entries = await fs.readdir(path.join(dir, rel), { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      for (const e of entries) {
        const child = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(child);
        else if (e.isFile()) out.push(child);
      }
    };
    await walk('');
    return out.sort();
  }

  async listFolders(dir: string): Promise<string[]> {
    try {
      return (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }

  async readBytes(file: string): Promise<Uint8Array | undefined> {
    try {
      return await fs.readFile(file);
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }

  async writeBytes(file: string, data: Uint8Array): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temp, data);
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
  }

  async appendText(file: string, text: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.appendFile(file, text, 'utf8');
  }

  async makeDir(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
  }

  async sessions(dir: string): Promise<Array<{ id: string; mtimeMs: number }>> {
    let names: string[];
    try {
      names = (await fs.readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    const stats = await Promise.all(names.map(async (n) => {
      const s = await fs.stat(path.join(dir, n)).catch(() => undefined);
      return s?.isFile() ? { id: n.slice(0, -'.jsonl'.length), mtimeMs: s.mtimeMs } : undefined;
    }));
    return stats.filter((s): s is { id: string; mtimeMs: number } => !!s);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
