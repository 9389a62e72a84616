/**
 * Whether a dream is due, checked after every completed turn, so it must cost almost nothing:
 * the lock's stat decides the hours (and whether a dream is running); only then, and at most once
 * per DREAM_SCAN_THROTTLE_MS, is the transcripts folder listed to count sessions since.
 */
import type { DreamLock } from './lock';
import type { DreamStore } from './store';
import { DREAM_SCAN_THROTTLE_MS, type DreamSettings } from './types';

export interface GateAnswer {
  due: boolean;
  /** For the log: why it is (not) due. */
  why: string;
  /** Sessions since the last dream (the current one excluded); [] when the scan did not run. */
  sessions: string[];
}

const HOUR_MS = 3_600_000;

export class DreamGate {
  private lastScanMs: number | undefined;

  constructor(
    private readonly lock: DreamLock,
    private readonly store: DreamStore,
    private readonly transcriptsDir: () => string,
    private readonly settings: () => DreamSettings,
    private readonly now: () => number,
  ) {}

  async check(currentSessionId?: string): Promise<GateAnswer> {
    const s = this.settings();
    if (!s.enabled) return no('dreaming is turned off');
    const { lastDreamMs, busy } = await this.lock.inspect();
    if (busy) return no(busy);
    const now = this.now();
    if (lastDreamMs !== undefined) {
      const hours = (now - lastDreamMs) / HOUR_MS;
      if (hours < s.minHours) return no(`${hours.toFixed(1)} h since the last dream; needs ${s.minHours} h`);
    }
    if (this.lastScanMs !== undefined && now - this.lastScanMs < DREAM_SCAN_THROTTLE_MS) {
      const minutes = Math.floor((now - this.lastScanMs) / 60_000);
      return no(`sessions were counted ${minutes} min ago; the next count is after ${DREAM_SCAN_THROTTLE_MS / 60_000} min`);
    }
    this.lastScanMs = now;
    const sessions = await sessionsSince(this.store, this.transcriptsDir(), lastDreamMs, currentSessionId);
    const since = lastDreamMs === undefined ? 'so far (never dreamed)' : 'since the last dream';
    if (sessions.length < s.minSessions) return { due: false, why: `${sessions.length} sessions ${since}; needs ${s.minSessions}`, sessions };
    return { due: true, why: `${sessions.length} sessions ${since}${lastDreamMs === undefined ? '' : `, ${((now - lastDreamMs) / HOUR_MS).toFixed(1)} h ago`}`, sessions };
  }
}

/** Session ids whose transcript changed after `sinceMs` (all when undefined), newest first, `exclude` left out. */
export async function sessionsSince(store: DreamStore, dir: string, sinceMs: number | undefined, exclude?: string): Promise<string[]> {
  const all = await store.sessions(dir);
  return all
    .filter((t) => t.id !== exclude && (sinceMs === undefined || t.mtimeMs > sinceMs))
    .sort((a, b) => b.mtimeMs - a.mtimeMs || a.id.localeCompare(b.id))
    .map((t) => t.id);
}

function no(why: string): GateAnswer {
  return { due: false, why, sessions: [] };
}
