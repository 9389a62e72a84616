/**
 * Checkpoints: what the files the agent changed looked like before each user prompt, kept in
 * Reverie's own storage (never the user's git refs or index).
 *
 * Layout under the storage root:
 *   blobs/<sha256[0..2]>/<sha256>   file contents, content-addressed (one copy however many checkpoints share it)
 *   manifests/<id>.json             one CheckpointManifest per checkpoint
 */

export const CHECKPOINT_VERSION = 1;
/** Files larger than this are not snapshotted; the checkpoint notes that they were skipped. */
export const MAX_SNAPSHOT_BYTES = 1024 * 1024;
/** Files changed by one command beyond this many are not recorded one by one (a build, an install). */
export const MAX_COMMAND_CHANGES = 500;

/** What a checkpoint knows about one file's content before the agent first changed it. */
export type FileRecord =
  /** It existed with this content. */
  | { path: string; state: 'existed'; blob: string; size: number }
  /** It did not exist: a rewind deletes it. */
  | { path: string; state: 'absent' }
  /** A command changed or deleted it and nothing had read it before: its earlier content is unknown. */
  | { path: string; state: 'unknown'; reason: 'command' }
  /** Over MAX_SNAPSHOT_BYTES: not kept. */
  | { path: string; state: 'too_large'; size: number };

export interface CheckpointManifest {
  version: number;
  id: string;
  /** Strictly increasing across the store: a rewind covers this checkpoint and every later one. */
  seq: number;
  /** The conversation it belongs to. */
  sessionId: string;
  /** `prompt`: opened before a user prompt; `rewind`: the state before a rewind (undoing it restores this). */
  kind: 'prompt' | 'rewind';
  /** The user's prompt (clipped), or what was rewound. */
  label: string;
  /** ISO time. */
  createdAt: string;
  /** In the order first changed. */
  files: FileRecord[];
}

/** Reverie's own storage for checkpoints: relative names under one root folder. Writes must be atomic. */
export interface CheckpointStorage {
  /** undefined when there is nothing by that name. */
  read(name: string): Promise<Uint8Array | undefined>;
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** File names (not paths) in one folder; empty when it does not exist. */
  list(folder: string): Promise<string[]>;
  remove(name: string): Promise<void>;
}

/** Where a rewind writes: the workspace, through the editor when it can (so Undo works there too). */
export interface RestoreTarget {
  /** Applies every change at once (one edit in the host), creating folders as needed. */
  apply(changes: Array<{ path: string; content: Uint8Array } | { path: string; delete: true }>): Promise<void>;
}

/** One file a command touched, as a workspace watcher reports it. */
export interface FileChange {
  path: string;
  kind: 'created' | 'changed' | 'deleted';
}

/** Watches the workspace while a command runs; the host uses a FileSystemWatcher, tests a fake. */
export interface ChangeWatcher {
  start(): { stop(): Promise<FileChange[]> };
}
