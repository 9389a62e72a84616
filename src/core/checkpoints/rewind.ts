/**
 * Rewind: put every file the agent changed since a checkpoint back as it was when that checkpoint
 * opened. The plan comes first (for the preview); applying it snapshots the current state as a
 * new `rewind` checkpoint, so a rewind can itself be undone by rewinding to that one.
 */
import type { CheckpointStore } from './store';
import type { CheckpointTracker } from './tracker';
import type { CheckpointManifest, FileRecord, RestoreTarget } from './types';

export type RewindChange =
  /** Back to its earlier content. */
  | { path: string; action: 'restore'; blob: string; size: number }
  /** It did not exist at the checkpoint: deleted. */
  | { path: string; action: 'delete' }
  /** Changed by a command and never read before: left as it is. */
  | { path: string; action: 'unknown' }
  /** Over the snapshot size limit: left as it is. */
  | { path: string; action: 'too_large'; size: number };

export interface RewindPlan {
  target: CheckpointManifest;
  /** Files the rewind would change or cannot restore, in the order first changed. */
  changes: RewindChange[];
  /** Files recorded since the checkpoint that are already as they were. */
  unchanged: number;
}

export interface RewindResult {
  restored: number;
  deleted: number;
  /** Files left as they are (unknown earlier content, too large, or a missing snapshot). */
  leftAlone: number;
  /** Rewinding to this checkpoint undoes the rewind. */
  undoId: string;
}

/** What a rewind to `checkpointId` would do, or undefined when there is no such checkpoint. */
export async function planRewind(
  store: CheckpointStore,
  checkpointId: string,
  read: (path: string) => Promise<Uint8Array | undefined>,
): Promise<RewindPlan | undefined> {
  const target = await store.load(checkpointId);
  if (!target) return undefined;
  // The earliest record of each file in this checkpoint or a later one is its state back then.
  const earliest = new Map<string, FileRecord>();
  for (const m of (await store.list()).filter((c) => c.seq >= target.seq)) {
    for (const f of m.files) if (!earliest.has(f.path)) earliest.set(f.path, f);
  }
  const changes: RewindChange[] = [];
  let unchanged = 0;
  for (const f of earliest.values()) {
    const now = f.state === 'existed' || f.state === 'absent' ? await read(f.path) : undefined;
    if (f.state === 'absent') {
      if (now === undefined) unchanged++;
      else changes.push({ path: f.path, action: 'delete' });
    } else if (f.state === 'existed') {
      const before = await store.getBlob(f.blob);
      if (now !== undefined && before !== undefined && sameBytes(now, before)) unchanged++;
      else changes.push({ path: f.path, action: 'restore', blob: f.blob, size: f.size });
    } else if (f.state === 'unknown') changes.push({ path: f.path, action: 'unknown' });
    else changes.push({ path: f.path, action: 'too_large', size: f.size });
  }
  return { target, changes, unchanged };
}

/** Applies a plan after snapshotting what it overwrites; the result says how to undo it. */
export async function applyRewind(
  plan: RewindPlan,
  deps: { store: CheckpointStore; tracker: CheckpointTracker; target: RestoreTarget; sessionId: string },
): Promise<RewindResult> {
  const undoId = await deps.tracker.open(deps.sessionId, `before rewind to "${plan.target.label}"`, 'rewind');
  const edits: Parameters<RestoreTarget['apply']>[0] = [];
  let leftAlone = 0;
  for (const c of plan.changes) {
    if (c.action === 'restore') {
      const content = await deps.store.getBlob(c.blob);
      if (!content) {
        leftAlone++; // the blob was pruned or lost: never guess
        continue;
      }
      await deps.tracker.captureBefore(c.path);
      edits.push({ path: c.path, content });
    } else if (c.action === 'delete') {
      await deps.tracker.captureBefore(c.path);
      edits.push({ path: c.path, delete: true });
    } else leftAlone++;
  }
  await deps.target.apply(edits);
  return {
    restored: edits.filter((e) => 'content' in e).length,
    deleted: edits.filter((e) => 'delete' in e).length,
    leftAlone,
    undoId,
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
