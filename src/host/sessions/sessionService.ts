/**
 * The saved sessions of this workspace, for the panel's sessions view: list (newest first), search
 * (the fast history search), read (for resume), rename, delete. Titles the user gives live in a
 * sidecar `titles.json` next to the transcripts (versioned, written atomically), so transcripts
 * stay append-only and readers of the JSONL never meet a new record type.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SESSION_ID } from '../../core/session/sessionStore';
import type { ParsedTranscript } from '../../core/session/transcript';
import { NodeTranscriptStore, searchHistory } from '../../node/nodeTranscripts';
import { COMPOSER_LIMITS, type SessionSummary } from '../../shared/protocol';

export const TITLES_FILE = 'titles.json';
const TITLES_VERSION = 1;

interface TitlesFile {
  version: number;
  titles: Record<string, string>;
}

export interface SessionServiceDeps {
  /** The transcripts folder (read fresh: the workspace can change). */
  dir(): string;
  rgPath?: string;
}

export class SessionService {
  /** Title writes are chained, so two renames in a row cannot lose one. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: SessionServiceDeps) {}

  /** Newest first; with a query, the sessions whose title or messages match it, with a snippet. */
  async list(query: string, currentId?: string): Promise<SessionSummary[]> {
    const dir = this.deps.dir();
    const [infos, titles] = await Promise.all([new NodeTranscriptStore(dir).list(), this.titles(dir)]);
    const q = query.trim();
    let snippets: Map<string, string> | undefined;
    if (q) {
      snippets = new Map();
      const hits = await searchHistory({ root: dir, query: q, limit: COMPOSER_LIMITS.sessions, signal: new AbortController().signal, rgPath: this.deps.rgPath })
        .catch(() => []);
      for (const h of hits) if (!snippets.has(h.sessionId)) snippets.set(h.sessionId, h.snippet.replace(/\s+/g, ' ').trim());
    }
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const out: SessionSummary[] = [];
    for (const info of infos) {
      const title = clip(titles[info.id] ?? info.firstUserText ?? '(no message)', COMPOSER_LIMITS.title);
      const titleMatch = words.length > 0 && words.every((w) => title.toLowerCase().includes(w));
      if (snippets && !snippets.has(info.id) && !titleMatch) continue;
      const snippet = snippets?.get(info.id);
      out.push({
        id: info.id, title, startedAt: info.startedAt, sizeBytes: info.sizeBytes, current: info.id === currentId,
        ...(snippet ? { snippet: clip(snippet, COMPOSER_LIMITS.text) } : {}),
      });
      if (out.length >= COMPOSER_LIMITS.sessions) break;
    }
    return out;
  }

  read(id: string): Promise<ParsedTranscript | undefined> {
    return new NodeTranscriptStore(this.deps.dir()).read(id);
  }

  /** An empty title removes the custom one (the first message is shown again). */
  rename(id: string, title: string): Promise<void> {
    if (!SESSION_ID.test(id)) return Promise.reject(new Error(`invalid session id ${JSON.stringify(id)}`));
    const t = title.replace(/\s+/g, ' ').trim().slice(0, COMPOSER_LIMITS.title);
    return this.updateTitles((titles) => {
      if (t) titles[id] = t;
      else delete titles[id];
    });
  }

  /** Deletes the transcript and its title; false when there was no such session. */
  async delete(id: string): Promise<boolean> {
    const deleted = await new NodeTranscriptStore(this.deps.dir()).delete(id);
    await this.updateTitles((titles) => void delete titles[id]);
    return deleted;
  }

  private async titles(dir: string): Promise<Record<string, string>> {
    try {
      const parsed = JSON.parse(await fs.readFile(path.join(dir, TITLES_FILE), 'utf8')) as Partial<TitlesFile>;
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.titles !== 'object' || parsed.titles === null) return {};
      const out: Record<string, string> = {};
      for (const [id, title] of Object.entries(parsed.titles)) if (SESSION_ID.test(id) && typeof title === 'string') out[id] = title;
      return out;
    } catch {
      return {}; // missing or unreadable: no custom titles
    }
  }

  private updateTitles(change: (titles: Record<string, string>) => void): Promise<void> {
    const run = this.writing.catch(() => undefined).then(async () => {
      const dir = this.deps.dir();
      const titles = await this.titles(dir);
      const before = JSON.stringify(titles);
      change(titles);
      if (JSON.stringify(titles) === before) return;
      await fs.mkdir(dir, { recursive: true });
      const file = path.join(dir, TITLES_FILE);
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await fs.writeFile(tmp, JSON.stringify({ version: TITLES_VERSION, titles } satisfies TitlesFile, null, 2), { mode: 0o600 });
      await fs.rename(tmp, file);
    });
    this.writing = run;
    return run;
  }
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
