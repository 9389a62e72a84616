/**
 * Turns what a terminal emits into plain text for the model. Shell integration hands us the raw
 * stream: colours (CSI), titles and VS Code's own `633` markers (OSC), CRLF line ends and
 * carriage-return progress bars. None of that means anything to the model and it costs tokens.
 */

// OSC (incl. 633 shell-integration marks): ESC ] ... terminated by BEL or ESC \.
const OSC = /\x1b\][\s\S]*?(?:\x07|\x1b\\)/g;
// CSI: ESC [ parameters intermediates final (colours, cursor moves, erase line, bracketed paste).
const CSI = /\x1b\[[0-?]*[ -/]*[@-~]/g;
// Other two- and three-byte escapes: charset selection, keypad modes, DCS/PM/APC introducers.
const OTHER_ESC = /\x1b(?:[()*+][0-9A-Za-z]|[@-Z\\^_=>78])/g;
// Control characters that are not line structure (BEL, backspace, NUL, ...).
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]/g;

/**
 * The text with every escape sequence removed and CRLF turned into LF. A lone CR means "back to
 * the start of the line" (progress bars), so only what was written after the last one is kept.
 */
export function stripTerminalEscapes(text: string): string {
  const plain = text.replace(OSC, '').replace(CSI, '').replace(OTHER_ESC, '').replace(/\x1b/g, '').replace(CONTROL, '');
  return plain
    .replace(/\r+\n/g, '\n')
    .split('\n')
    .map((line) => (line.includes('\r') ? lastOverwrite(line) : line))
    .join('\n');
}

function lastOverwrite(line: string): string {
  const parts = line.split('\r').filter((p) => p.length > 0);
  return parts.length ? parts[parts.length - 1] : '';
}

/**
 * Strips a stream chunk by chunk for live output. An escape sequence (or a CR that may be the
 * first half of a CRLF) can be split across chunks, so an unfinished tail is held back until the
 * next chunk completes it.
 */
export class StreamingEscapeStripper {
  private pending = '';

  push(chunk: string): string {
    let text = this.pending + chunk;
    this.pending = '';
    const cut = unfinishedTail(text);
    if (cut < text.length) {
      this.pending = text.slice(cut);
      text = text.slice(0, cut);
    }
    return stripTerminalEscapes(text);
  }

  /** Whatever was held back, once the stream has ended. */
  flush(): string {
    const rest = this.pending;
    this.pending = '';
    return stripTerminalEscapes(rest);
  }
}

/** Where an unfinished escape sequence (or a trailing CR) starts, or text.length if none. */
function unfinishedTail(text: string): number {
  if (text.endsWith('\r')) return text.length - 1;
  const esc = text.lastIndexOf('\x1b');
  if (esc < 0 || text.length - esc > 4096) return text.length; // a runaway sequence is not held forever
  const tail = text.slice(esc);
  const complete = /^\x1b\][\s\S]*?(?:\x07|\x1b\\)/.test(tail) || /^\x1b\[[0-?]*[ -/]*[@-~]/.test(tail) ||
    /^\x1b(?:[()*+][0-9A-Za-z]|[@-Z^_=>78])/.test(tail);
  // A backslash right after ESC is the end of an OSC string terminator, which completes the OSC
  // that started earlier; it is never the start of something new.
  if (complete || tail.startsWith('\x1b\\')) return text.length;
  return esc;
}

/**
 * Raw output kept up to a cap, so a command that prints forever cannot exhaust the extension
 * host's memory. The start (what ran) and the end (how it finished) matter most, so both halves
 * are kept and the middle is dropped with a note saying how much.
 */
export class CappedOutput {
  private head = '';
  private tail = '';
  private dropped = 0;

  constructor(private readonly maxChars = 2_000_000) {}

  append(chunk: string): void {
    const half = this.maxChars / 2;
    if (this.head.length < half) {
      const take = chunk.slice(0, half - this.head.length);
      this.head += take;
      chunk = chunk.slice(take.length);
    }
    if (!chunk) return;
    this.tail += chunk;
    if (this.tail.length > half) {
      const excess = this.tail.length - half;
      this.dropped += excess;
      this.tail = this.tail.slice(excess);
    }
  }

  text(): string {
    if (!this.dropped) return this.head + this.tail;
    return `${this.head}\n[... ${this.dropped} characters of output omitted ...]\n${this.tail}`;
  }
}
