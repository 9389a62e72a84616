/**
 * Text helpers for what commands print: terminal escape codes out, line endings normalised, and
 * long output cut in the middle. The middle goes because a command's first lines say what it
 * is doing and its last lines say how it ended (the error, the summary, the exit).
 */
import * as path from 'node:path';

// Alternatives, in order: OSC (`ESC ] ... BEL | ESC \`, which covers VS Code's shell-integration
// OSC 633 marks and OSC 8 hyperlinks; an unterminated one at the very end is dropped too),
// DCS/SOS/PM/APC strings, CSI (colours, cursor moves), the 8-bit CSI, any other ESC sequence
// (charset selection, keypad modes, reset; its final byte is never one that opens a longer
// sequence, so a half-received CSI is not mistaken for a complete one), and finally a stray ESC.
const ESCAPES =
  /\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|$)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-OQ-WYZ\\`a-~]|\x1b/g;

/** Control characters that carry no text (BEL, backspace, NUL ...); tab, LF and CR are kept. */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/** The same sequences, anchored: does `text` start with one that is complete? */
const COMPLETE_ESCAPE =
  /^(?:\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b\[[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-OQ-WYZ\\`a-~])/;

/**
 * Removes terminal escape sequences and turns CRLF into LF. A lone CR means "back to the start of
 * the line" (progress bars), so only what was written after the last one on a line is kept.
 */
export function stripAnsi(text: string): string {
  return text
    .replace(ESCAPES, '')
    .replace(CONTROL, '')
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => (line.includes('\r') ? lastOverwrite(line) : line))
    .join('\n');
}

function lastOverwrite(line: string): string {
  const parts = line.split('\r').filter((p) => p.length > 0);
  return parts.length ? parts[parts.length - 1] : '';
}

const MARKER = /\.\.\. \[(\d+) characters omitted\] \.\.\.\n?/g;
const marker = (omitted: number) => `... [${omitted} characters omitted] ...`;

/** How far a cut may move to land on a line boundary, so the kept parts start and end on whole lines. */
const SNAP = 200;

/**
 * `text` if it fits in `max` characters; otherwise its head and its tail with a line
 * `... [N characters omitted] ...` between them. The result is at most about `max` long.
 */
export function headTail(text: string, max: number): string {
  if (text.length <= max) return text;
  const keep = Math.max(0, max - marker(text.length).length - 2);
  let headEnd = Math.ceil(keep / 2);
  let tailStart = text.length - Math.floor(keep / 2);
  const lineEnd = text.lastIndexOf('\n', headEnd - 1);
  if (lineEnd >= 0 && headEnd - lineEnd <= SNAP) headEnd = lineEnd + 1;
  const lineStart = text.indexOf('\n', tailStart - 1);
  if (lineStart >= 0 && lineStart + 1 - tailStart <= SNAP && lineStart + 1 < text.length) tailStart = lineStart + 1;

  // When the output was already cut upstream (the runner keeps ~2 MB), count what that cut
  // dropped too, so the number the model sees is the real one.
  const middle = text.slice(headEnd, tailStart);
  let omitted = middle.length;
  for (const m of middle.matchAll(MARKER)) omitted += Number(m[1]) - m[0].length;

  const head = text.slice(0, headEnd);
  return `${head}${head === '' || head.endsWith('\n') ? '' : '\n'}${marker(omitted)}\n${text.slice(tailStart)}`;
}

/**
 * Keeps the first and the last `max / 2` characters of a stream of unknown length, so a command
 * that prints gigabytes costs a bounded amount of memory. The tail is trimmed in batches.
 */
export class HeadTailBuffer {
  private head = '';
  private tail = '';
  private omitted = 0;

  constructor(private readonly max: number) {}

  append(text: string): void {
    const room = Math.ceil(this.max / 2) - this.head.length;
    if (room > 0 && this.tail === '') {
      this.head += text.slice(0, room);
      text = text.slice(room);
    }
    if (text === '') return;
    this.tail += text;
    const tailMax = Math.floor(this.max / 2);
    if (this.tail.length > tailMax + 65_536) this.trimTail(tailMax);
  }

  get isEmpty(): boolean {
    return this.head === '' && this.tail === '';
  }

  toString(): string {
    this.trimTail(Math.floor(this.max / 2));
    if (this.omitted === 0) return this.head + this.tail;
    const sep = this.head.endsWith('\n') ? '' : '\n';
    return `${this.head}${sep}${marker(this.omitted)}\n${this.tail}`;
  }

  /** Everything held, then empties the buffer (for reading a background job's new output). */
  take(): string {
    const text = this.toString();
    this.head = '';
    this.tail = '';
    this.omitted = 0;
    return text;
  }

  private trimTail(tailMax: number): void {
    if (this.tail.length <= tailMax) return;
    const cut = this.tail.length - tailMax;
    this.omitted += cut;
    this.tail = this.tail.slice(cut);
  }
}

/**
 * Strips escapes from text that arrives in chunks. A sequence (or a CRLF) split across two chunks
 * would otherwise leak half of itself into the output, so an incomplete one at the end of a chunk
 * is held back until the next.
 */
export class TerminalTextStream {
  private carry = '';

  push(chunk: string): string {
    let text = this.carry + chunk;
    let end = text.length;
    const esc = text.lastIndexOf('\x1b');
    if (esc >= 0 && end - esc <= 4096 && !COMPLETE_ESCAPE.test(text.slice(esc))) end = esc;
    if (end > 0 && text[end - 1] === '\r') end--;
    this.carry = text.slice(end);
    text = text.slice(0, end);
    return stripAnsi(text);
  }

  /** What is still held back, at the end of the stream. */
  flush(): string {
    const text = this.carry;
    this.carry = '';
    return stripAnsi(text);
  }
}

/** A path as the model should see it: relative to `cwd` when inside it, absolute otherwise. */
export function displayPath(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  if (rel === '') return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** The message of something caught, for an error result. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
