/**
 * The checkpoint of the running turn: opened before each user prompt, it records each file's
 * content before the agent first changes it. Writes are captured before they happen (the
 * FileSystem port the tools get is wrapped); files a command changes are reported by a watcher
 * afterwards, so their earlier content comes from what the agent read this turn, or is unknown.
 */
import * as path from 'node:path';
import type { CommandRunner, FileSystem, Logger } from '../ports';
import type { CheckpointStore } from './store';
import { MAX_COMMAND_CHANGES, MAX_SNAPSHOT_BYTES, type ChangeWatcher, type CheckpointManifest, type FileChange, type FileRecord } from './types';

/** Folders whose churn is never rewound: git's own data, installed packages. */
const EXCLUDED = /(^|[\\/])(\.git|node_modules)([\\/]|$)/;
/** What the read cache may hold in one turn. */
const MAX_CACHE_BYTES = 32 * 1024 * 1024;

export interface TrackerDeps {
  store: CheckpointStore;
  /** The workspace as the user sees it, to read content before a change. */
  fs: Pick<FileSystem, 'stat' | 'readFile'>;
  /** Only files under these folders are checkpointed (not memory, not spilled output). */
  roots(): string[];
  log: Logger;
  now?(): number;
}

export class CheckpointTracker {
  private current: CheckpointManifest | undefined;
  private readonly recorded = new Set<string>();
  /** What the agent read this turn, for files a command changes later. */
  private readonly cache = new Map<string, Uint8Array>();
  private cacheBytes = 0;
  private lastSeq: number | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: TrackerDeps) {}

  get currentId(): string | undefined {
    return this.current?.id;
  }

  /** Starts a new checkpoint (before a user prompt, or before a rewind); returns its id. */
  open(sessionId: string, label: string, kind: CheckpointManifest['kind'] = 'prompt'): Promise<string> {
    return this.serial(async () => {
      this.lastSeq ??= Math.max(0, ...(await this.deps.store.list()).map((m) => m.seq));
      const seq = Math.max(this.deps.now?.() ?? Date.now(), this.lastSeq + 1);
      this.lastSeq = seq;
      const id = `cp-${seq}`;
      this.current = { version: 1, id, seq, sessionId, kind, label: label.slice(0, 200), createdAt: new Date(seq).toISOString(), files: [] };
      this.recorded.clear();
      this.cache.clear();
      this.cacheBytes = 0;
      await this.deps.store.save(this.current);
      return id;
    });
  }

  /** Records a file's content before its first change in this checkpoint (later changes keep the first). */
  captureBefore(file: string): Promise<void> {
    return this.serial(async () => {
      if (!this.tracks(file)) return;
      const record = await this.snapshot(file);
      if (record) await this.add([record]);
    });
  }

  /** Remembers what a tool read, in case a command changes that file later in the turn. */
  noteRead(file: string, bytes: Uint8Array): void {
    if (!this.current || !this.inRoots(file) || bytes.byteLength > MAX_SNAPSHOT_BYTES) return;
    const old = this.cache.get(file);
    if (old) this.cacheBytes -= old.byteLength;
    if (this.cacheBytes + bytes.byteLength > MAX_CACHE_BYTES) return;
    this.cache.set(file, bytes);
    this.cacheBytes += bytes.byteLength;
  }

  /** Files a command touched: content the agent read is known; a new file did not exist; the rest is unknown. */
  recordCommandChanges(changes: readonly FileChange[]): Promise<void> {
    return this.serial(async () => {
      const first = new Map<string, FileChange['kind']>();
      for (const c of changes) if (this.tracks(c.path) && !first.has(c.path)) first.set(c.path, c.kind);
      if (first.size > MAX_COMMAND_CHANGES) this.deps.log.warn(`checkpoint: a command changed ${first.size} files; only the first ${MAX_COMMAND_CHANGES} are recorded`);
      const records: FileRecord[] = [];
      for (const [file, kind] of [...first].slice(0, MAX_COMMAND_CHANGES)) {
        const cached = this.cache.get(file);
        if (cached) records.push({ path: file, state: 'existed', blob: await this.deps.store.putBlob(cached), size: cached.byteLength });
        else if (kind === 'created') records.push({ path: file, state: 'absent' });
        else records.push({ path: file, state: 'unknown', reason: 'command' });
      }
      await this.add(records);
    });
  }

  /** The port the tools get: reads fill the cache, writes are captured first. */
  fileSystem(fs: FileSystem): FileSystem {
    return {
      stat: (p) => fs.stat(p),
      realPath: (p) => fs.realPath(p),
      readDirectory: (p) => fs.readDirectory(p),
      readFile: async (p) => {
        const bytes = await fs.readFile(p);
        this.noteRead(p, bytes);
        return bytes;
      },
      writeFile: async (p, text) => {
        // A checkpoint that cannot be saved is logged (by serial) and never blocks the agent's write.
        await this.captureBefore(p).catch(() => undefined);
        await fs.writeFile(p, text);
      },
    };
  }

  /** The runner the tools get: the workspace is watched while each command runs. */
  commandRunner(runner: CommandRunner, watcher: ChangeWatcher): CommandRunner {
    return {
      run: async (command, options) => {
        if (!this.current) return runner.run(command, options);
        const watch = watcher.start();
        try {
          return await runner.run(command, options);
        } finally {
          const changes = await watch.stop().catch((err) => {
            this.deps.log.warn(`checkpoint: watching the workspace failed: ${err instanceof Error ? err.message : String(err)}`);
            return [];
          });
          await this.recordCommandChanges(changes).catch(() => undefined);
        }
      },
      // A background command outlives the turn: what it changes later is not checkpointed.
      startBackground: (command, options) => runner.startBackground(command, options),
      readBackground: (id) => runner.readBackground(id),
      killBackground: (id) => runner.killBackground(id),
    };
  }

  private tracks(file: string): boolean {
    return this.current !== undefined && !this.recorded.has(file) && this.inRoots(file);
  }

  private inRoots(file: string): boolean {
    if (EXCLUDED.test(file)) return false;
    return this.deps.roots().some((root) => {
      const rel = path.relative(root, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  }

  private async snapshot(file: string): Promise<FileRecord | undefined> {
    const stat = await this.deps.fs.stat(file);
    if (!stat) return { path: file, state: 'absent' };
    if (stat.kind !== 'file') return undefined;
    if (stat.size > MAX_SNAPSHOT_BYTES) return { path: file, state: 'too_large', size: stat.size };
    const bytes = await this.deps.fs.readFile(file);
    if (bytes.byteLength > MAX_SNAPSHOT_BYTES) return { path: file, state: 'too_large', size: bytes.byteLength };
    return { path: file, state: 'existed', blob: await this.deps.store.putBlob(bytes), size: bytes.byteLength };
  }

  private async add(records: FileRecord[]): Promise<void> {
    if (!this.current || !records.length) return;
    for (const r of records) this.recorded.add(r.path);
    this.current.files.push(...records);
    await this.deps.store.save(this.current);
  }

  /** One change at a time, so two captures of one file cannot both count as the first. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch((err) => this.deps.log.error(`checkpoint: ${err instanceof Error ? err.message : String(err)}`));
    return next;
  }
}
