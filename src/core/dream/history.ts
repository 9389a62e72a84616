/**
 * Applying a dream, and taking it back: a snapshot of the whole memory folder before any write
 * (the last DREAM_SNAPSHOTS_KEPT kept), the chosen files written or deleted, and a dated section in
 * the dream log naming every deletion, merge and update with its reason and sessions. Undo puts
 * back the exact bytes of a snapshot and says so in the log. The log itself is never snapshotted
 * or restored: it only grows.
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../ports';
import { memoryFiles, sameBytes } from './diff';
import type { DreamStore } from './store';
import { DREAM_LOG_FILE, DREAM_SNAPSHOTS_KEPT, type DreamFileChange, type DreamProposal } from './types';

/** Apply refused: these chosen files changed in the real folder after the dream started. */
export class DreamConflictError extends Error {
  constructor(readonly files: string[]) {
    super(`Not applied: ${files.join(', ')} changed in the memory folder since the dream started. Nothing was changed; dream again to include the new content.`);
    this.name = 'DreamConflictError';
  }
}

const metaSchema = z.object({ version: z.literal(1), id: z.string(), createdAt: z.number(), summary: z.string(), files: z.array(z.string()) });
type SnapshotMeta = z.infer<typeof metaSchema>;

const encoder = new TextEncoder();

export class DreamHistory {
  constructor(
    private readonly store: DreamStore,
    private readonly memoryDir: () => string,
    private readonly snapshotsRoot: () => string,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  async apply(proposal: DreamProposal, files?: string[]): Promise<{ applied: string[]; snapshotId: string }> {
    const chosen = files === undefined ? proposal.changes : proposal.changes.filter((c) => files.includes(c.file));
    const unknown = (files ?? []).filter((f) => !proposal.changes.some((c) => c.file === f));
    if (unknown.length) throw new Error(`Not part of this dream: ${unknown.join(', ')}`);
    const dir = proposal.memoryDir;
    const conflicts: string[] = [];
    for (const c of chosen) {
      const current = await this.store.readBytes(path.join(dir, c.file));
      const expected = c.before === undefined ? undefined : encoder.encode(c.before);
      if (!(current === undefined ? expected === undefined : expected !== undefined && sameBytes(current, expected))) conflicts.push(c.file);
    }
    if (conflicts.length) throw new DreamConflictError(conflicts);

    const snapshotId = await this.snapshot(dir, proposal.summary);
    for (const c of chosen) {
      const target = path.join(dir, c.file);
      if (c.kind === 'deleted') await this.store.remove(target);
      else await this.store.writeBytes(target, encoder.encode(c.after ?? ''));
    }
    await this.appendLog(dir, logSection(proposal, chosen, snapshotId, this.now()));
    await this.store.remove(proposal.stagingDir);
    this.log.info(`dream ${proposal.id}: applied ${chosen.length} of ${proposal.changes.length} changes (snapshot ${snapshotId})`);
    return { applied: chosen.map((c) => c.file), snapshotId };
  }

  /** Copies every memory file (not the log, not the lock) into a new snapshot; drops the oldest beyond the limit. */
  private async snapshot(dir: string, summary: string): Promise<string> {
    const createdAt = this.now();
    const id = `${new Date(createdAt).toISOString().replace(/[-:.]/g, '')}-${this.store.token().slice(0, 6)}`;
    const folder = path.join(this.snapshotsRoot(), id);
    const files = await memoryFiles(this.store, dir);
    for (const f of files) {
      const bytes = await this.store.readBytes(path.join(dir, f));
      if (bytes) await this.store.writeBytes(path.join(folder, 'files', f), bytes);
    }
    const meta: SnapshotMeta = { version: 1, id, createdAt, summary, files };
    await this.store.writeText(path.join(folder, 'meta.json'), JSON.stringify(meta, null, 2));
    const all = await this.list();
    for (const old of all.slice(DREAM_SNAPSHOTS_KEPT)) await this.store.remove(path.join(this.snapshotsRoot(), old.id));
    return id;
  }

  /** Newest first; unreadable snapshots are left out. */
  async list(): Promise<SnapshotMeta[]> {
    const root = this.snapshotsRoot();
    const metas: SnapshotMeta[] = [];
    for (const name of await this.store.listFolders(root)) {
      const raw = await this.store.readStamped(path.join(root, name, 'meta.json'));
      try {
        const meta = metaSchema.safeParse(raw && JSON.parse(raw.text));
        if (meta.success && meta.data.id === name) metas.push(meta.data);
      } catch {
        this.log.warn(`dream: snapshot ${name} has no readable meta.json; skipped`);
      }
    }
    return metas.sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  }

  /** Restores the folder to the snapshot's exact files (files added since are removed); the snapshot is used up. */
  async undo(snapshotId?: string): Promise<{ restored: string[]; snapshotId: string } | undefined> {
    const meta = snapshotId ? (await this.list()).find((m) => m.id === snapshotId) : (await this.list())[0];
    if (!meta) return undefined;
    const dir = this.memoryDir();
    const folder = path.join(this.snapshotsRoot(), meta.id);
    const keep = new Set(meta.files);
    const restored: string[] = [];
    for (const f of await memoryFiles(this.store, dir)) {
      if (!keep.has(f)) {
        await this.store.remove(path.join(dir, f));
        restored.push(f);
      }
    }
    for (const f of meta.files) {
      const bytes = await this.store.readBytes(path.join(folder, 'files', f));
      if (!bytes) throw new Error(`snapshot ${meta.id} is missing ${f}; nothing more was restored`);
      const current = await this.store.readBytes(path.join(dir, f));
      if (current && sameBytes(current, bytes)) continue;
      await this.store.writeBytes(path.join(dir, f), bytes);
      restored.push(f);
    }
    await this.appendLog(dir, `## Undo, ${stamp(this.now())}\n\nRestored the memory folder from snapshot ${meta.id} (taken ${stamp(meta.createdAt)}): ${restored.length ? restored.sort().map((f) => `\`${f}\``).join(', ') : 'nothing differed'}.\n\n`);
    await this.store.remove(folder);
    this.log.info(`dream: undo restored ${restored.length} files from snapshot ${meta.id}`);
    return { restored: restored.sort(), snapshotId: meta.id };
  }

  private async appendLog(dir: string, section: string): Promise<void> {
    const file = path.join(dir, DREAM_LOG_FILE);
    if (!(await this.store.readStamped(file))) await this.store.appendText(file, '# Dream log\n\nWhat each dream changed in this memory folder, and why.\n\n');
    await this.store.appendText(file, section);
  }
}

/** `2026-05-01 14:03 UTC`. */
export function stamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The log section of one applied dream: every applied change with its reason and sessions. */
export function logSection(proposal: DreamProposal, applied: DreamFileChange[], snapshotId: string, now: number): string {
  const mergedInto = new Map<string, string>();
  for (const c of proposal.changes) for (const src of c.reason?.action === 'merged' ? c.reason.mergedFrom ?? [] : []) mergedInto.set(src, c.file);
  const lines = applied.map((c) => {
    const r = c.reason;
    const action = c.kind === 'deleted' ? 'deleted' : r?.action === 'merged' ? 'merged' : c.kind === 'added' ? 'created' : 'updated';
    const into = c.kind === 'deleted' && mergedInto.has(c.file) ? ` (merged into \`${mergedInto.get(c.file)}\`)` : '';
    const from = action === 'merged' && r?.mergedFrom?.length ? ` ← ${r.mergedFrom.map((f) => `\`${f}\``).join(', ')}` : '';
    const sessions = r?.sessions?.length ? ` (sessions: ${r.sessions.join(', ')})` : '';
    return `- **${action}** \`${c.file}\`${from}${into}: ${r?.reason?.trim() || 'no reason given'}${sessions}`;
  });
  const skipped = proposal.changes.filter((c) => !applied.includes(c)).map((c) => `\`${c.file}\``);
  return [
    `## Dream of ${stamp(now)}`,
    '',
    proposal.summary.trim() || '(no summary)',
    '',
    `Sessions looked at: ${proposal.sessions.length ? proposal.sessions.join(', ') : 'none'}`,
    '',
    ...lines,
    ...(skipped.length ? ['', `Not applied (rejected): ${skipped.join(', ')}`] : []),
    '',
    `Snapshot before this dream: ${snapshotId}`,
    '',
    '',
  ].join('\n');
}
