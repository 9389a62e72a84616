/**
 * Transcripts on Node: `<root>/<id>.jsonl`, appended with O_APPEND (mode 0o600), and the fast
 * history search over them.
 *
 * Search reads files newest first through a bounded pool and stops once the newest sessions have
 * given `limit` hits. It never JSON-parses a line the query cannot match: a case-sensitive keyword
 * search scans the raw bytes with Buffer.indexOf (the keyword least often present is tried
 * first); a case-insensitive or regex search asks ripgrep (when there is one) which files can
 * match, then finds the lines in JavaScript. Only candidate lines are parsed, and the query is
 * confirmed against the messages' text, never the JSON around it.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_CONTEXT_CHARS, DEFAULT_HISTORY_LIMIT, keywords, messageSegments, snippet, textMatcher,
  type HistoryHit, type HistorySearchOptions, type TextMatcher,
} from '../core/memory/historySearch';
import { SESSION_ID } from '../core/session/sessionStore';
import {
  isMessageRecord, parseTranscript, serializeRecord,
  type ParsedTranscript, type TranscriptInfo, type TranscriptRecord, type TranscriptStore, type TranscriptWriter,
} from '../core/session/transcript';

const EXT = '.jsonl';
/** How much of a file list() reads to find the header and the first user message. */
const LIST_PEEK_BYTES = 64 * 1024;
const FIRST_TEXT_CHARS = 200;

export class NodeTranscriptStore implements TranscriptStore {
  private readonly pending = new Map<string, Promise<void>>();
  /** Sessions this store has appended to (their files end with a newline). */
  private readonly started = new Set<string>();

  constructor(readonly root: string) {}

  writer(id: string): TranscriptWriter {
    if (!SESSION_ID.test(id)) throw new Error(`invalid session id ${JSON.stringify(id)}`);
    return { append: (records) => this.append(id, records) };
  }

  /** Appends are chained per session, so records land in call order even when calls overlap. */
  private append(id: string, records: TranscriptRecord[]): Promise<void> {
    if (!records.length) return this.pending.get(id) ?? Promise.resolve();
    const text = records.map(serializeRecord).join('');
    const next = (this.pending.get(id) ?? Promise.resolve()).catch(() => undefined).then(async () => {
      await fs.mkdir(this.root, { recursive: true });
      // A file this process did not start may end in a line torn by a crash: start on a new line,
      // or the first record appended would be glued to the torn one and lost with it.
      const torn = !this.started.has(id) && (await endsMidLine(this.file(id)));
      this.started.add(id);
      await fs.appendFile(this.file(id), torn ? `\n${text}` : text, { mode: 0o600 });
    });
    this.pending.set(id, next);
    void next.finally(() => this.pending.get(id) === next && this.pending.delete(id)).catch(() => undefined);
    return next;
  }

  async list(): Promise<TranscriptInfo[]> {
    const files = await transcriptFiles(this.root);
    const infos = await Promise.all(files.map((f) => peek(f).catch(() => undefined)));
    return infos.filter((i): i is TranscriptInfo => !!i).sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.id.localeCompare(b.id));
  }

  async read(id: string): Promise<ParsedTranscript | undefined> {
    if (!SESSION_ID.test(id)) return undefined;
    const text = await fs.readFile(this.file(id), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : parseTranscript(text);
  }

  async delete(id: string): Promise<boolean> {
    if (!SESSION_ID.test(id)) return false;
    await this.pending.get(id)?.catch(() => undefined);
    try {
      await fs.unlink(this.file(id));
      return true;
    } catch {
      return false;
    }
  }

  private file(id: string): string {
    return path.join(this.root, id + EXT);
  }
}

/** True when the file exists and its last byte is not a newline. */
async function endsMidLine(file: string): Promise<boolean> {
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

interface FileEntry { id: string; path: string; size: number; mtimeMs: number; birthtimeMs: number }

/** `<id>.jsonl` files with a valid id, newest change first. */
async function transcriptFiles(root: string): Promise<FileEntry[]> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const entries = await Promise.all(names.map(async (name) => {
    const id = name.slice(0, -EXT.length);
    if (!name.endsWith(EXT) || !SESSION_ID.test(id)) return undefined;
    const p = path.join(root, name);
    const st = await fs.stat(p).catch(() => undefined);
    return st?.isFile() ? { id, path: p, size: st.size, mtimeMs: st.mtimeMs, birthtimeMs: st.birthtimeMs } : undefined;
  }));
  return entries.filter((e): e is FileEntry => !!e).sort((a, b) => b.mtimeMs - a.mtimeMs || a.id.localeCompare(b.id));
}

async function peek(f: FileEntry): Promise<TranscriptInfo> {
  const handle = await fs.open(f.path, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(Math.min(LIST_PEEK_BYTES, f.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    text = buf.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
  const parsed = parseTranscript(text);
  // The first message starts with a `<system-reminder>` block (memory, skills): the title is what the user typed.
  const typed = (s: { role: string; text: string }) => s.role === 'user' && !s.text.trimStart().startsWith('<system-reminder>');
  const first = parsed.messages.find((m) => m.message.role === 'user' && messageSegments(m.message).some(typed));
  const firstText = first && messageSegments(first.message).find(typed)?.text.replace(/\s+/g, ' ').trim();
  return {
    id: f.id,
    path: f.path,
    startedAt: parsed.header?.startedAt ?? new Date(f.birthtimeMs || f.mtimeMs).toISOString(),
    sizeBytes: f.size,
    ...(firstText ? { firstUserText: firstText.slice(0, FIRST_TEXT_CHARS) } : {}),
  };
}

export interface NodeHistorySearchOptions extends HistorySearchOptions {
  /** A ripgrep binary for case-insensitive and regex searches; without it they run in JavaScript. */
  rgPath?: string;
  /** Files read at once (default 8). */
  concurrency?: number;
}

/** Hits, newest session first (in transcript order within a session). Throws a SyntaxError for an invalid regex. */
export async function searchHistory(options: NodeHistorySearchOptions): Promise<HistoryHit[]> {
  const { signal } = options;
  signal.throwIfAborted();
  const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
  const context = options.contextChars ?? DEFAULT_CONTEXT_CHARS;
  const matcher = textMatcher(options.query, options);
  if (!options.regex && keywords(options.query).length === 0) return [];
  const scanner = lineScanner(options);

  let files = await transcriptFiles(options.root);
  const rgFiles = options.rgPath && scanner.rgArgs ? await ripgrepFiles(options.rgPath, scanner.rgArgs, options.root, signal) : undefined;
  if (rgFiles) files = files.filter((f) => rgFiles.has(path.resolve(f.path)));

  const results: Array<HistoryHit[] | undefined> = new Array(files.length);
  let next = 0;
  let done = 0; // files[0..done) are finished and counted
  let found = 0;
  const enough = () => found >= limit;
  async function worker(): Promise<void> {
    while (next < files.length && !enough()) {
      signal.throwIfAborted();
      const i = next++;
      results[i] = await searchFile(files[i], scanner, matcher, limit, context, signal);
      while (done < files.length && results[done]) found += results[done++]!.length;
    }
  }
  const pool = Math.max(1, options.concurrency ?? 8);
  await Promise.all(Array.from({ length: Math.min(pool, files.length) }, worker));
  signal.throwIfAborted();
  return results.slice(0, done).flatMap((r) => r ?? []).slice(0, limit);
}

async function searchFile(f: FileEntry, scanner: LineScanner, matcher: TextMatcher, limit: number, context: number, signal: AbortSignal): Promise<HistoryHit[]> {
  const buf = await fs.readFile(f.path, { signal }).catch((err) => {
    if (signal.aborted) throw err;
    return undefined; // deleted or unreadable since the listing
  });
  const hits: HistoryHit[] = [];
  if (!buf) return hits;
  let n = 0;
  for (const line of scanner.lines(buf)) {
    if (++n % 256 === 0) signal.throwIfAborted();
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    if (!isMessageRecord(record)) continue;
    for (const seg of messageSegments(record.message)) {
      const at = matcher(seg.text);
      if (!at) continue;
      hits.push({ sessionId: f.id, time: record.time, role: seg.role, snippet: snippet(seg.text, at, context) });
      if (hits.length >= limit) return hits;
    }
  }
  return hits;
}

/** Finds the lines of a file that may match (a superset of those that do), without parsing JSON. */
interface LineScanner {
  lines(buf: Buffer): Iterable<string>;
  /** ripgrep arguments that select the files that may match, when ripgrep can tell. */
  rgArgs?: string[];
}

/** A keyword as it appears inside a JSON string. */
const jsonEscaped = (s: string) => JSON.stringify(s).slice(1, -1);
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function lineScanner(o: HistorySearchOptions): LineScanner {
  if (o.regex) {
    // Anchors, quotes and backslashes read differently on a raw JSON line: no prefilter, every
    // line is parsed. Otherwise a match spanning a JSON-escaped character (a line break, a tab) may be missed.
    if (/(^|[^\\])[\^$"]|\\\\/.test(o.query)) return { lines: allLines };
    const raw = new RegExp(o.query, o.caseSensitive ? 'g' : 'gi');
    return { lines: (buf) => regexLines(buf.toString('utf8'), raw), rgArgs: [o.caseSensitive ? '-s' : '-i', '-e', o.query] };
  }
  const words = keywords(o.query).map(jsonEscaped);
  if (o.caseSensitive) return { lines: literalLines(words.map((w) => Buffer.from(w))), rgArgs: ['-s', '-F', '-e', longest(words)] };
  // Case-insensitive: ASCII keywords fold the same in latin1 and UTF-8, so a latin1 view has byte offsets.
  const ascii = words.filter((w) => /^[\x20-\x7e]+$/.test(w));
  const rgArgs = ['-i', '-F', '-e', longest(words)];
  if (!ascii.length) return { lines: allLines, rgArgs };
  const res = ascii.map((w) => new RegExp(escapeRegex(w), 'gi'));
  return { lines: (buf) => foldedLines(buf, res), rgArgs };
}

const longest = (words: string[]) => words.reduce((a, b) => (b.length > a.length ? b : a));

function* allLines(buf: Buffer): Iterable<string> {
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    if (end < 0) end = buf.length;
    if (end > start) yield buf.toString('utf8', start, end);
    start = end + 1;
  }
}

/**
 * Lines holding every needle. The needle missing from a file most often so far is looked for
 * first, so most files are rejected by one scan.
 */
function literalLines(needles: Buffer[]): (buf: Buffer) => Iterable<string> {
  const misses = needles.map(() => 0);
  return function* (buf) {
    const order = needles.map((_, i) => i).sort((a, b) => misses[b] - misses[a]);
    for (const i of order) {
      if (buf.indexOf(needles[i]) < 0) {
        misses[i]++;
        return;
      }
    }
    const [first, ...rest] = order.map((i) => needles[i]);
    let from = 0;
    for (let at = buf.indexOf(first, from); at >= 0; at = buf.indexOf(first, from)) {
      const start = buf.lastIndexOf(10, at) + 1;
      let end = buf.indexOf(10, at);
      if (end < 0) end = buf.length;
      const line = buf.subarray(start, end);
      if (rest.every((n) => line.indexOf(n) >= 0)) yield buf.toString('utf8', start, end);
      from = end + 1;
    }
  };
}

function* foldedLines(buf: Buffer, res: RegExp[]): Iterable<string> {
  const text = buf.toString('latin1');
  if (!res.every((re) => ((re.lastIndex = 0), re.test(text)))) return;
  const [first, ...rest] = res;
  first.lastIndex = 0;
  for (let m = first.exec(text); m; m = first.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    let end = text.indexOf('\n', m.index);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    if (rest.every((re) => ((re.lastIndex = 0), re.test(line)))) yield buf.toString('utf8', start, end);
    first.lastIndex = end + 1;
  }
}

function* regexLines(text: string, re: RegExp): Iterable<string> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    let end = text.indexOf('\n', m.index);
    if (end < 0) end = text.length;
    yield text.slice(start, end);
    re.lastIndex = end + 1;
  }
}

/** The transcript files ripgrep says may match, or undefined when it cannot tell (bad pattern for its syntax, failure). */
function ripgrepFiles(rg: string, args: string[], root: string, signal: AbortSignal): Promise<Set<string> | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(rg, ['-l', '--no-ignore', '--hidden', '--no-messages', '--max-depth', '1', '-g', '*' + EXT, ...args, '--', '.'], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'], signal });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', (err) => (signal.aborted ? reject(signal.reason ?? err) : resolve(undefined)));
    child.on('close', (code) => {
      if (signal.aborted) return reject(signal.reason);
      if (code !== 0 && code !== 1) return resolve(undefined);
      resolve(new Set(out.split('\n').filter(Boolean).map((p) => path.resolve(root, p))));
    });
  });
}
