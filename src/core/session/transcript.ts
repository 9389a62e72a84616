/**
 * Session transcripts: JSONL, one record a line, appended as things happen. The first record is a
 * `session` header; `message` records follow. Readers skip record types they do not know, so new
 * types can be added without a version bump, and a torn or garbled line costs only that line.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';

export const TRANSCRIPT_VERSION = 1;

export interface SessionHeader {
  type: 'session';
  version: number;
  id: string;
  /** Absolute working folder of the session. */
  cwd: string;
  /** ISO time. */
  startedAt: string;
  model?: string;
}

export interface MessageRecord {
  type: 'message';
  /** ISO time the message was added. */
  time: string;
  message: MessageParam;
}

/**
 * A compaction: from here on the conversation the model sees is `head` (the summary message), the
 * last `kept` messages before this record, then `appended`. Everything before stays in the file,
 * so search and a future rewind still have the full history.
 */
export interface CompactionRecord {
  type: 'compaction';
  time: string;
  trigger: 'auto' | 'manual' | 'reactive';
  summarisedMessages: number;
  tokensBefore: number;
  tokensAfter: number;
  head: MessageParam[];
  kept: number;
  appended: MessageParam[];
}

/** Tool results micro-compaction cleared from requests (the messages keep them); --resume clears them again. */
export interface ClearedRecord {
  type: 'cleared';
  time: string;
  ids: string[];
}

export type TranscriptRecord = SessionHeader | MessageRecord | CompactionRecord | ClearedRecord;

export function sessionHeader(id: string, cwd: string, model?: string, startedAt: Date = new Date()): SessionHeader {
  return { type: 'session', version: TRANSCRIPT_VERSION, id, cwd, startedAt: startedAt.toISOString(), ...(model ? { model } : {}) };
}

export function messageRecord(message: MessageParam, time: Date = new Date()): MessageRecord {
  return { type: 'message', time: time.toISOString(), message };
}

/** One line of the file, newline included. JSON.stringify never emits a raw newline, so a record is always one line. */
export function serializeRecord(record: TranscriptRecord): string {
  return JSON.stringify(record) + '\n';
}

export interface ParsedTranscript {
  header?: SessionHeader;
  /** Every message ever added, compacted or not (what search reads). */
  messages: MessageRecord[];
  /** Compactions, with how many messages came before each. */
  compactions: Array<{ at: number; record: CompactionRecord }>;
  /** Tool-use ids whose results were cleared from requests, in order. */
  cleared: string[];
  /** Lines that were not valid JSON records (a torn last line after a crash, garbage); each is skipped alone. */
  skippedLines: number;
}

export function parseTranscript(text: string): ParsedTranscript {
  const out: ParsedTranscript = { messages: [], compactions: [], cleared: [], skippedLines: 0 };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      out.skippedLines++;
      continue;
    }
    if (isHeader(record)) out.header ??= record;
    else if (isMessageRecord(record)) out.messages.push(record);
    else if (isCompactionRecord(record)) out.compactions.push({ at: out.messages.length, record });
    else if (isObject(record) && record.type === 'cleared' && Array.isArray(record.ids)) out.cleared.push(...record.ids.filter((id: unknown): id is string => typeof id === 'string'));
    else if (!isObject(record) || typeof record.type !== 'string') out.skippedLines++;
    // An object with an unknown `type` is a record from a newer writer: skipped, not counted.
  }
  return out;
}

export function isHeader(record: unknown): record is SessionHeader {
  return isObject(record) && record.type === 'session' && typeof record.id === 'string' && typeof record.startedAt === 'string';
}

export function isMessageRecord(record: unknown): record is MessageRecord {
  if (!isObject(record) || record.type !== 'message' || typeof record.time !== 'string' || !isObject(record.message)) return false;
  const m = record.message;
  return (m.role === 'user' || m.role === 'assistant') && (typeof m.content === 'string' || Array.isArray(m.content));
}

export function isCompactionRecord(record: unknown): record is CompactionRecord {
  return isObject(record) && record.type === 'compaction' && Array.isArray(record.head) && Array.isArray(record.appended) &&
    Number.isInteger(record.kept) && record.kept >= 0;
}

/** The conversation as the model last saw it: each compaction applied in order (for --resume). */
export function resumeMessages(parsed: Pick<ParsedTranscript, 'messages' | 'compactions'>): MessageParam[] {
  let history: MessageParam[] = [];
  let next = 0;
  for (const { at, record } of parsed.compactions) {
    for (; next < at; next++) history.push(parsed.messages[next].message);
    const kept = Math.min(record.kept, history.length);
    history = [...record.head, ...history.slice(history.length - kept), ...record.appended];
  }
  for (; next < parsed.messages.length; next++) history.push(parsed.messages[next].message);
  // A session that ended mid-tool (a crash, a kill) has tool calls nobody answered; the API rejects that.
  return answerOrphans(history);
}

/** What to tell the user when resuming a transcript with lines it could not read; undefined when there were none. */
export function skippedLinesNotice(skipped: number): string | undefined {
  if (skipped <= 0) return undefined;
  const lines = skipped === 1 ? '1 unreadable line was' : `${skipped} unreadable lines were`;
  return `${lines} skipped in this session's transcript (a write cut short, or an edit by hand); the rest is restored and the file is left as it is.`;
}

/** The result a tool call gets when the transcript has none (the process was killed or crashed mid-call). */
export const UNFINISHED_RESULT = 'Interrupted: the session ended before this tool call finished (Reverie was closed or stopped), so no result was recorded; it may have run in part. Check its effects before relying on it.';

/**
 * Every tool_use answered, wherever it is: calls whose results never reached the transcript get
 * UNFINISHED_RESULT in a user message right after them, as the API requires. Derived again on each
 * resume, so it holds even though the added results are not written back.
 */
export function answerOrphans(history: MessageParam[]): MessageParam[] {
  const out: MessageParam[] = [];
  for (let i = 0; i < history.length; i++) {
    const m = history[i];
    out.push(m);
    if (m.role !== 'assistant' || typeof m.content === 'string') continue;
    const ids = m.content.flatMap((b) => (b.type === 'tool_use' ? [b.id] : []));
    const next = history[i + 1];
    const nextBlocks = next?.role === 'user' && typeof next.content !== 'string' ? next.content : [];
    const answered = new Set(nextBlocks.flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])));
    const missing = ids.filter((id) => !answered.has(id));
    if (!missing.length) continue;
    // A message of its own (consecutive user messages are one turn to the API), so every resume
    // derives the same history whatever was said after it.
    out.push({ role: 'user', content: missing.map((id) => ({ type: 'tool_result' as const, tool_use_id: id, content: UNFINISHED_RESULT, is_error: true })) });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A compaction or a cleared batch, as the Conversation hands it to its recorder (the time is added there). */
export type TranscriptEvent = Omit<CompactionRecord, 'time'> | Omit<ClearedRecord, 'time'>;

/** Appends to one session's transcript; records are written in call order. */
export interface TranscriptWriter {
  append(records: TranscriptRecord[]): Promise<void>;
}

export interface TranscriptInfo {
  id: string;
  path: string;
  /** ISO time from the header (the file's birth time when the header is missing). */
  startedAt: string;
  sizeBytes: number;
  /** The start of the first user message, for a list entry. */
  firstUserText?: string;
}

/** The saved transcripts of one workspace. */
export interface TranscriptStore {
  /** Newest first. */
  list(): Promise<TranscriptInfo[]>;
  /** Undefined when there is no transcript by that id (or the id is not a valid one). */
  read(id: string): Promise<ParsedTranscript | undefined>;
  /** True when a transcript was deleted. */
  delete(id: string): Promise<boolean>;
  /** A writer for a session (the file is created by the first append). */
  writer(id: string): TranscriptWriter;
}

/**
 * A Conversation `record` hook on a TranscriptStore: the session header goes first, then each
 * message as it is added. A resumed session already has its header.
 */
export function transcriptRecorder(store: TranscriptStore, meta: { cwd: string; model: () => string }, resumed?: string) {
  const started = new Set<string>(resumed ? [resumed] : []);
  return async (sessionId: string, messages: MessageParam[], event?: TranscriptEvent): Promise<void> => {
    const records: TranscriptRecord[] = [];
    if (!started.has(sessionId)) {
      started.add(sessionId);
      records.push(sessionHeader(sessionId, meta.cwd, meta.model()));
    }
    if (event) records.push({ ...event, time: new Date().toISOString() } as TranscriptRecord);
    records.push(...messages.map((m) => messageRecord(m)));
    await store.writer(sessionId).append(records);
  };
}
