/**
 * What dreaming needs from the file system beyond the agent's FileSystem port: the lock file's
 * time, process liveness, whole-folder copies as bytes, and removal. Implemented on Node in
 * `src/node/dreamStore.ts` (the core never touches fs itself).
 */
import * as path from 'node:path';
import { projectKey } from '../memory/locations';

export interface DreamStore {
  /** This process's id (written into the lock). */
  readonly pid: number;
  /** A fresh random token (hex). */
  token(): string;
  /** Whether a process with this id is running (signal 0). */
  isAlive(pid: number): boolean;
  /** A file's text and modification time; undefined when it does not exist. */
  readStamped(file: string): Promise<{ text: string; mtimeMs: number } | undefined>;
  /** Creates a file only if it does not exist (atomic, O_EXCL); false when it already existed. */
  createExclusive(file: string, text: string): Promise<boolean>;
  /** Replaces a file atomically (temp + rename), creating its folder. */
  writeText(file: string, text: string): Promise<void>;
  /** Sets a file's modification (and access) time. */
  setMtime(file: string, ms: number): Promise<void>;
  /** Removes a file or a folder (recursively); nothing when it does not exist. */
  remove(target: string): Promise<void>;
  /** Every file under `dir`, relative and '/'-separated, sorted; [] when `dir` does not exist. Symlinks are skipped. */
  listFiles(dir: string): Promise<string[]>;
  /** The names of the folders directly in `dir`; [] when it does not exist. */
  listFolders(dir: string): Promise<string[]>;
  /** undefined when the file does not exist. */
  readBytes(file: string): Promise<Uint8Array | undefined>;
  /** Writes bytes exactly (atomically), creating parent folders. */
  writeBytes(file: string, data: Uint8Array): Promise<void>;
  appendText(file: string, text: string): Promise<void>;
  /** Creates a folder (and its parents). */
  makeDir(dir: string): Promise<void>;
  /** The transcripts (`<id>.jsonl`) in a folder with their modification times; [] when it does not exist. */
  sessions(dir: string): Promise<Array<{ id: string; mtimeMs: number }>>;
  sleep(ms: number): Promise<void>;
}

/** Where one workspace's dreaming keeps its files. */
export interface DreamPlaces {
  /** The memory folder the dream consolidates (absolute). */
  memoryDir: string;
  /** The session transcripts of this workspace. */
  transcriptsDir: string;
  /** Staging copies live here (outside the memory folder). */
  stagingRoot: string;
  /** Snapshots for undo live here. */
  snapshotsRoot: string;
  /** Workspace roots: readable by the dream, never writable. */
  roots: string[];
  home: string;
}

/** The default places: `~/.reverie/projects/<key>/dream/{staging,snapshots}` beside the sessions. */
export function defaultDreamPlaces(o: { home: string; workspaceRoot: string; memoryDir: string; transcriptsDir: string }): DreamPlaces {
  const base = path.join(o.home, '.reverie', 'projects', projectKey(o.workspaceRoot), 'dream');
  return {
    memoryDir: o.memoryDir, transcriptsDir: o.transcriptsDir, roots: [o.workspaceRoot], home: o.home,
    stagingRoot: path.join(base, 'staging'), snapshotsRoot: path.join(base, 'snapshots'),
  };
}
