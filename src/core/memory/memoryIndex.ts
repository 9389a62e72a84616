/**
 * The memory index, MEMORY.md: always loaded, so it is capped. First the first 200 lines, then,
 * if that is still over 25,000 UTF-8 bytes, up to the last line break before that many bytes.
 * A cut is never silent: `notice` tells the model which cap cut it and what to do about it.
 */
import type { FileSystem } from '../ports';
import { INDEX_FILE, INDEX_LINE_SOFT_MAX, INDEX_MAX_BYTES, INDEX_MAX_LINES } from './schema';
import { markdownText } from './textFile';

export interface LoadedIndex {
  path: string;
  /** What goes to the model: the file, or its first part when a cap cut it. */
  content: string;
  totalLines: number;
  totalBytes: number;
  /** Lines in `content`. */
  loadedLines: number;
  /** The cap that decided where the content ends. */
  truncatedBy?: 'lines' | 'bytes';
  /** For the model, when a cap cut the index or it could not be loaded at all. */
  notice?: string;
  /** Why nothing was loaded: the file is binary, UTF-16 or not valid UTF-8 (`notice` says so too). */
  problem?: string;
}

/** undefined when the index does not exist. */
export async function loadIndex(fs: FileSystem, file: string): Promise<LoadedIndex | undefined> {
  const stat = await fs.stat(file);
  if (stat?.kind !== 'file') return undefined;
  const bytes = await fs.readFile(file);
  const read = markdownText(bytes);
  if (read.problem !== undefined) {
    return {
      path: file, content: '', totalLines: 0, totalBytes: bytes.length, loadedLines: 0, problem: read.problem,
      notice: `${file} ${read.problem}. It was not loaded, so memory from it is missing; ask the user to fix the file.`,
    };
  }
  return capIndex(file, read.text);
}

/** The caps alone, on text already read. */
export function capIndex(file: string, text: string): LoadedIndex {
  const encoder = new TextEncoder();
  const totalBytes = encoder.encode(text).length;
  const lines = splitLines(text);
  const totalLines = lines.length;

  let content = text;
  let truncatedBy: LoadedIndex['truncatedBy'];
  if (totalLines > INDEX_MAX_LINES) {
    content = lines.slice(0, INDEX_MAX_LINES).join('\n');
    truncatedBy = 'lines';
  }
  const contentBytes = encoder.encode(content);
  if (contentBytes.length > INDEX_MAX_BYTES) {
    content = cutAtLineBreak(contentBytes, INDEX_MAX_BYTES);
    truncatedBy = 'bytes';
  }
  const loadedLines = truncatedBy ? splitLines(content).length : totalLines;
  const index: LoadedIndex = { path: file, content, totalLines, totalBytes, loadedLines };
  if (truncatedBy) {
    index.truncatedBy = truncatedBy;
    index.notice = truncationNotice(file, truncatedBy, totalLines, totalBytes, loadedLines);
  }
  return index;
}

function truncationNotice(file: string, by: 'lines' | 'bytes', totalLines: number, totalBytes: number, loadedLines: number): string {
  const cap =
    by === 'lines'
      ? `the index is capped at ${INDEX_MAX_LINES} lines`
      : `the index is capped at ${INDEX_MAX_BYTES.toLocaleString('en-US')} bytes`;
  return (
    `${file} has ${totalLines} lines (${totalBytes.toLocaleString('en-US')} bytes); only the first ${loadedLines} lines ` +
    `were loaded because ${cap}. Entries past that point are invisible to you. Shorten ${INDEX_FILE}: keep one short ` +
    `line per entry (under ~${INDEX_LINE_SOFT_MAX} characters) and move detail into topic files.`
  );
}

/** Lines of a text; a final line break does not start another line. */
function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The text before the last line break that lies within the first `max` bytes. With no line break
 * there, the longest whole-character prefix within `max` bytes.
 */
function cutAtLineBreak(bytes: Uint8Array, max: number): string {
  const newline = bytes.subarray(0, max).lastIndexOf(0x0a);
  let end = newline;
  if (end <= 0) {
    end = max;
    while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back off a continuation byte
  }
  return new TextDecoder().decode(bytes.subarray(0, end)).replace(/\r$/, '');
}

export interface IndexLink {
  title: string;
  /** The link target as written (relative to the index). */
  file: string;
  /** The text after the dash; '' when there is none. */
  hook: string;
  /** 1-based. */
  line: number;
  /** 1-based column where the link target starts (for diagnostics). */
  column: number;
}

const ENTRY = /^(\s*[-*+]\s+\[((?:[^\]\\]|\\.)*)\]\(\s*)(<[^>]*>|[^\s)]+)(?:\s+"[^"]*")?\s*\)\s*(?:[—–-]+\s*(.*))?$/;

/** `- [Title](file.md) — hook` entries, outside fenced code blocks. */
export function indexLinks(content: string): IndexLink[] {
  const links: IndexLink[] = [];
  let fence: string | undefined;
  content.split('\n').forEach((raw, i) => {
    const text = raw.replace(/\r$/, '');
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence !== undefined) return;
    const m = ENTRY.exec(text);
    if (!m) return;
    const target = m[3].startsWith('<') ? m[3].slice(1, -1) : m[3];
    links.push({
      title: m[2].replace(/\\(.)/g, '$1'),
      file: target,
      hook: (m[4] ?? '').trim(),
      line: i + 1,
      column: m[1].length + (m[3].startsWith('<') ? 2 : 1),
    });
  });
  return links;
}
