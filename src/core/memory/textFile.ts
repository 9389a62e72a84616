/**
 * Reading a markdown file Reverie loads by itself (a memory topic, MEMORY.md, SKILL.md, an agent
 * definition): UTF-8 text, or a readable reason it is not. A lenient decode would turn a binary
 * file into a wall of U+FFFD, and a later write of that text would destroy the original bytes.
 */
import { decodeText, looksBinary } from '../tools/fileText';

export type MarkdownText = { text: string; problem?: undefined } | { text?: undefined; problem: string };

/** The text without a UTF-8 byte order mark, or why the bytes are not UTF-8 text. */
export function markdownText(bytes: Uint8Array): MarkdownText {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { problem: 'is UTF-16 text, not UTF-8: save it as UTF-8' };
  }
  if (looksBinary(bytes)) return { problem: 'is a binary file (it contains NUL bytes), not markdown text' };
  const decoded = decodeText(bytes);
  if (!decoded.validUtf8) {
    const at = firstInvalidUtf8(bytes);
    return { problem: `is not valid UTF-8 (byte 0x${bytes[at].toString(16).padStart(2, '0').toUpperCase()} at offset ${at}; another encoding such as Latin-1?): save it as UTF-8` };
  }
  return { text: decoded.text };
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence (-1 when all do). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const strict = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  // Binary search on the longest valid prefix; a prefix can end inside a sequence, so allow 3 bytes of slack.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (validPrefix(bytes, mid)) lo = mid;
    else hi = mid - 1;
  }
  if (lo >= bytes.length) return -1;
  // `lo` may sit inside a sequence whose lead byte is fine so far: report where that sequence starts.
  for (let k = lo; k >= Math.max(0, lo - 3); k--) {
    try {
      strict.decode(bytes.subarray(0, k));
      return k;
    } catch {
      // not a character boundary
    }
  }
  return lo;
}

/** Whether the first `end` bytes are UTF-8, allowing them to stop inside a character. */
function validPrefix(bytes: Uint8Array, end: number): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
    return true;
  } catch {
    return false;
  }
}
