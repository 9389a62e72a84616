/**
 * The proposal is the difference between the real memory folder and the dream's staging copy,
 * file by file, with the agent's reasons attached by file name.
 */
import * as path from 'node:path';
import { LOCK_SECTION_FILE } from './lock';
import type { DreamStore } from './store';
import { DREAM_LOCK_FILE, DREAM_LOG_FILE, type DreamChangeReason, type DreamFileChange, type DreamProposal } from './types';

/** Files of a memory folder that belong to dreaming itself, never copied, compared or restored. */
export function isDreamOwnFile(rel: string): boolean {
  // The lock's critical-section file too: another window trying to dream leaves it there for a moment.
  return rel === DREAM_LOCK_FILE || rel === LOCK_SECTION_FILE || rel === DREAM_LOG_FILE || /(^|\/)\.[^/]*\.[0-9a-f]{12}\.tmp$/.test(rel);
}

/** The memory files of a folder (relative, sorted), without dreaming's own files. */
export async function memoryFiles(store: DreamStore, dir: string): Promise<string[]> {
  return (await store.listFiles(dir)).filter((f) => !isDreamOwnFile(f));
}

/** Copies the memory files of `from` into `to`, byte for byte; returns them. */
export async function copyMemory(store: DreamStore, from: string, to: string): Promise<string[]> {
  const files = await memoryFiles(store, from);
  for (const f of files) {
    const bytes = await store.readBytes(path.join(from, f));
    if (bytes) await store.writeBytes(path.join(to, f), bytes);
  }
  return files;
}

const decoder = new TextDecoder();

export async function diffFolders(store: DreamStore, realDir: string, stagingDir: string): Promise<DreamFileChange[]> {
  const [real, staged] = await Promise.all([memoryFiles(store, realDir), memoryFiles(store, stagingDir)]);
  const names = [...new Set([...real, ...staged])].sort();
  const changes: DreamFileChange[] = [];
  for (const file of names) {
    const [a, b] = await Promise.all([store.readBytes(path.join(realDir, file)), store.readBytes(path.join(stagingDir, file))]);
    if (a && b && sameBytes(a, b)) continue;
    if (!a && !b) continue;
    changes.push({
      file,
      kind: !a ? 'added' : !b ? 'deleted' : 'modified',
      ...(a ? { before: decoder.decode(a) } : {}),
      ...(b ? { after: decoder.decode(b) } : {}),
    });
  }
  return changes;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A path the agent wrote (absolute in either folder, `./x`, backslashes) as a path relative to the memory folder. */
export function relativeMemoryPath(file: string, folders: string[]): string {
  let f = file.trim();
  for (const dir of folders) {
    const rel = path.relative(dir, f);
    if (path.isAbsolute(f) && rel && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      f = rel;
      break;
    }
  }
  return path.posix.normalize(f.replace(/\\/g, '/')).replace(/^\.\//, '');
}

/** Attaches each reason to the change of the same file (the last reason given for a file wins). */
export function attachReasons(changes: DreamFileChange[], reasons: DreamChangeReason[], folders: string[]): DreamFileChange[] {
  const byFile = new Map<string, DreamChangeReason>();
  for (const r of reasons) {
    const file = relativeMemoryPath(r.file, folders);
    byFile.set(file, { ...r, file, ...(r.mergedFrom ? { mergedFrom: r.mergedFrom.map((m) => relativeMemoryPath(m, folders)) } : {}) });
  }
  return changes.map((c) => (byFile.has(c.file) ? { ...c, reason: byFile.get(c.file) } : c));
}

/**
 * merged: files the agent says it merged others into; pruned: deleted files that were not merged
 * into another; updated / created: the other modified / added files.
 */
export function countChanges(changes: DreamFileChange[]): DreamProposal['counts'] {
  const mergedSources = new Set(changes.flatMap((c) => (c.reason?.action === 'merged' ? c.reason.mergedFrom ?? [] : [])));
  const counts = { merged: 0, updated: 0, pruned: 0, created: 0 };
  for (const c of changes) {
    if (c.kind !== 'deleted' && c.reason?.action === 'merged') counts.merged++;
    else if (c.kind === 'deleted') counts.pruned += mergedSources.has(c.file) ? 0 : 1;
    else if (c.kind === 'modified') counts.updated++;
    else counts.created++;
  }
  return counts;
}
