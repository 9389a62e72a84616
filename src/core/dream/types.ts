/**
 * Dreaming: a background pass that consolidates a memory folder (merges near-duplicates, resolves
 * contradictions, prunes stale facts, tidies MEMORY.md) and leaves a change the user can review.
 *
 * The dream agent never writes the real memory folder: it works on a staging copy, and the change
 * is the difference between the two. Applying it snapshots the folder first (undo), and appends
 * every deletion and merge, with its reason and source sessions, to the dream log.
 */

/** When a dream may start: checked after each completed turn, cheap (a stat, then a folder list). */
export interface DreamSettings {
  enabled: boolean;
  /** At least this many hours since the last dream (default 24). */
  minHours: number;
  /** At least this many sessions since the last dream, the current one excluded (default 5). */
  minSessions: number;
}

export const DEFAULT_DREAM_SETTINGS: DreamSettings = { enabled: true, minHours: 24, minSessions: 5 };
/** The gate scans the transcripts folder at most this often. */
export const DREAM_SCAN_THROTTLE_MS = 10 * 60 * 1000;
/** A lock held longer than this (a crashed dream) is taken over. */
export const DREAM_LOCK_STALE_MS = 60 * 60 * 1000;
/** Snapshots kept for undo. */
export const DREAM_SNAPSHOTS_KEPT = 10;

/** The lock file in the memory folder; its modification time records the last dream. */
export const DREAM_LOCK_FILE = '.dream.lock';
/** The dream log, markdown, in the memory folder (the dream itself cannot edit it). */
export const DREAM_LOG_FILE = 'dream-log.md';

/** What the dream agent reports it did, per file (parsed from its final answer). */
export interface DreamChangeReason {
  /** Path relative to the memory folder. */
  file: string;
  action: 'merged' | 'updated' | 'deleted' | 'created';
  reason: string;
  /** For a merge: the files merged into this one (relative). */
  mergedFrom?: string[];
  /** Session ids the evidence came from. */
  sessions?: string[];
}

/** One file of a proposed dream, comparing the real memory folder with the dream's staging copy. */
export interface DreamFileChange {
  /** Relative to the memory folder, '/'-separated. */
  file: string;
  kind: 'added' | 'modified' | 'deleted';
  /** Text before (undefined when added) and after (undefined when deleted). */
  before?: string;
  after?: string;
  /** The agent's reason, when it gave one. */
  reason?: DreamChangeReason;
}

export interface DreamProposal {
  id: string;
  /** The real memory folder (absolute). */
  memoryDir: string;
  /** The staging copy the dream wrote (absolute). */
  stagingDir: string;
  changes: DreamFileChange[];
  /** The agent's closing summary (what was merged, updated, pruned, or that nothing needed to change). */
  summary: string;
  counts: { merged: number; updated: number; pruned: number; created: number };
  /** Sessions the dream looked at (since the last dream). */
  sessions: string[];
  usage: { inputTokens: number; outputTokens: number; cacheCreationInputTokens: number; cacheReadInputTokens: number };
}

export type DreamOutcome =
  | { status: 'proposed'; proposal: DreamProposal }
  | { status: 'nothing'; summary: string; usage: DreamProposal['usage'] }
  | { status: 'busy'; reason: string }
  | { status: 'failed'; reason: string }
  | { status: 'cancelled' };

/**
 * The API the editor and the CLI use (implemented in core/dream/*.ts on Node adapters from
 * src/node/dreamStore.ts):
 *
 *   createDreamer(deps: DreamerDeps): Dreamer
 *   interface Dreamer {
 *     // After each completed turn: cheap; true when a dream is due (hours, sessions, throttle, not locked).
 *     isDue(currentSessionId?: string): Promise<{ due: boolean; why: string; sessions: string[] }>;
 *     // Takes the lock, stages, runs the agent, diffs. The lock's time is rolled back on failure/cancel.
 *     dream(signal: AbortSignal, progress: (text: string) => void, currentSessionId?: string): Promise<DreamOutcome>;
 *     // Applies the chosen files of a proposal (all when omitted): snapshot first, then write, then the dream log.
 *     apply(proposal: DreamProposal, files?: string[]): Promise<{ applied: string[]; snapshotId: string }>;
 *     // Drops a proposal (its staging copy is removed).
 *     discard(proposal: DreamProposal): Promise<void>;
 *     // Restores the memory folder exactly as it was before the latest applied dream (or the given one).
 *     undo(snapshotId?: string): Promise<{ restored: string[]; snapshotId: string } | undefined>;
 *     snapshots(): Promise<Array<{ id: string; createdAt: number; summary: string }>>;
 *   }
 */

/** The API of the comment above, as a type (implemented by `createDreamer` in core/dream/dreamer.ts). */
export interface Dreamer {
  isDue(currentSessionId?: string): Promise<{ due: boolean; why: string; sessions: string[] }>;
  dream(signal: AbortSignal, progress: (text: string) => void, currentSessionId?: string): Promise<DreamOutcome>;
  apply(proposal: DreamProposal, files?: string[]): Promise<{ applied: string[]; snapshotId: string }>;
  discard(proposal: DreamProposal): Promise<void>;
  undo(snapshotId?: string): Promise<{ restored: string[]; snapshotId: string } | undefined>;
  snapshots(): Promise<Array<{ id: string; createdAt: number; summary: string }>>;
}
