/**
 * The dream lock: one file in the memory folder. While a dream runs it holds the holder's process
 * id, a random token and the previous last-dream time; at rest it is empty, and its modification
 * time is the time of the last dream. A lock held by a dead process, or for longer than
 * DREAM_LOCK_STALE_MS, is taken over. Reading, checking and writing the lock happen inside a
 * critical section: a `.acquiring` file created with O_EXCL, so of two processes starting at the
 * same moment exactly one gets in; the other is told a dream is starting elsewhere. (A process that
 * died inside that section leaves the file behind; after ACQUIRE_STALE_MS it is cleared.)
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../ports';
import type { DreamStore } from './store';
import { DREAM_LOCK_FILE, DREAM_LOCK_STALE_MS } from './types';

/** The critical-section file, beside the lock in the memory folder (dreaming's own: never staged or diffed). */
export const LOCK_SECTION_FILE = `${DREAM_LOCK_FILE}.acquiring`;

/** A critical-section file older than this was left by a process that died taking the lock. */
export const ACQUIRE_STALE_MS = 30_000;

const holderSchema = z.object({ pid: z.number().int().positive(), token: z.string().min(1), previous: z.number().optional() });
export type LockHolder = z.infer<typeof holderSchema>;

export function parseHolder(text: string | undefined): LockHolder | undefined {
  if (!text?.trim()) return undefined;
  try {
    const parsed = holderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface LockState {
  /** When the last finished dream ended; undefined when there never was one. */
  lastDreamMs: number | undefined;
  /** Why a dream cannot start now (a live, fresh holder); undefined when it can. */
  busy: string | undefined;
}

export interface LockHandle {
  token: string;
  /** The last-dream time before this dream (restored on failure). */
  previous: number | undefined;
  /** Success: no holder, time = now. Failure or cancel: time rolled back to `previous`. */
  release(success: boolean): Promise<void>;
}

export class DreamLock {
  readonly file: string;

  constructor(
    private readonly store: DreamStore,
    memoryDir: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.file = path.join(memoryDir, DREAM_LOCK_FILE);
  }

  /** One stat and a small read: the last dream's time, and whether a live dream holds the lock. */
  async inspect(): Promise<LockState> {
    const current = await this.store.readStamped(this.file);
    if (!current) return { lastDreamMs: undefined, busy: undefined };
    const holder = parseHolder(current.text);
    if (!holder) return { lastDreamMs: current.mtimeMs, busy: undefined };
    return { lastDreamMs: holder.previous, busy: this.busyReason(holder, current.mtimeMs) };
  }

  private busyReason(holder: LockHolder, mtimeMs: number): string | undefined {
    const age = this.now() - mtimeMs;
    if (age >= DREAM_LOCK_STALE_MS || !this.store.isAlive(holder.pid)) return undefined;
    return `a dream is already running (process ${holder.pid}, for ${Math.max(0, Math.round(age / 60_000))} min)`;
  }

  async acquire(): Promise<{ ok: true; handle: LockHandle } | { ok: false; reason: string }> {
    const section = path.join(path.dirname(this.file), LOCK_SECTION_FILE);
    if (!(await this.store.createExclusive(section, String(this.store.pid)))) {
      const left = await this.store.readStamped(section);
      const stale = left !== undefined && this.now() - left.mtimeMs > ACQUIRE_STALE_MS;
      if (stale) await this.store.remove(section);
      if (!stale || !(await this.store.createExclusive(section, String(this.store.pid)))) {
        return { ok: false, reason: 'another process is starting a dream at this moment' };
      }
    }
    try {
      return await this.acquireInside();
    } finally {
      await this.store.remove(section);
    }
  }

  private async acquireInside(): Promise<{ ok: true; handle: LockHandle } | { ok: false; reason: string }> {
    const current = await this.store.readStamped(this.file);
    const holder = parseHolder(current?.text);
    if (holder && current) {
      const busy = this.busyReason(holder, current.mtimeMs);
      if (busy) return { ok: false, reason: busy };
      const minutes = Math.round((this.now() - current.mtimeMs) / 60_000);
      this.log.warn(this.store.isAlive(holder.pid)
        ? `dream: taking over a stale lock (process ${holder.pid}, ${minutes} min old)`
        : `dream: taking over the lock of process ${holder.pid}, which is no longer running`);
    }
    const previous = holder ? holder.previous : current?.mtimeMs;
    const token = this.store.token();
    await this.store.writeText(this.file, JSON.stringify({ pid: this.store.pid, token, ...(previous === undefined ? {} : { previous }) }));
    return { ok: true, handle: { token, previous, release: (success) => this.release(token, previous, success) } };
  }

  private async release(token: string, previous: number | undefined, success: boolean): Promise<void> {
    const current = parseHolder((await this.store.readStamped(this.file))?.text);
    if (current?.token !== token) {
      this.log.warn('dream: the lock was taken over while this dream ran; leaving it alone');
      return;
    }
    if (!success && previous === undefined) {
      await this.store.remove(this.file); // never dreamed before: back to "never"
      return;
    }
    await this.store.writeText(this.file, '');
    await this.store.setMtime(this.file, success ? this.now() : previous!);
  }
}
