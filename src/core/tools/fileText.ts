/**
 * Bytes to text and back, shared by the file tools: binary detection, UTF-8 decoding that says
 * when it had to substitute characters, line numbering like `cat -n`, and line-ending handling.
 */

/** How far into a file to look for a NUL byte (git and ripgrep use the same heuristic). */
const BINARY_PROBE = 8 * 1024;

/** A NUL byte in the first 8 KB: text files never contain one. */
export function looksBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, BINARY_PROBE).includes(0);
}

/** What a file that is not UTF-8 text is, when its first bytes say: "a PNG image", "UTF-16 text". */
export function binaryKind(bytes: Uint8Array): string | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xfe) || starts(0xfe, 0xff)) return 'UTF-16 text';
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'a PNG image';
  if (starts(0xff, 0xd8, 0xff)) return 'a JPEG image';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'a GIF image';
  if (starts(0x25, 0x50, 0x44, 0x46)) return 'a PDF document';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return 'a zip archive';
  if (starts(0x7f, 0x45, 0x4c, 0x46)) return 'an executable (ELF)';
  return undefined;
}

export interface DecodedText {
  text: string;
  /** False when some bytes were not valid UTF-8 and show as U+FFFD. */
  validUtf8: boolean;
  /** The file starts with a UTF-8 byte order mark (not part of `text`; kept when writing back). */
  bom: boolean;
}

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function decodeText(bytes: Uint8Array): DecodedText {
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: strict.decode(body), validUtf8: true, bom };
  } catch {
    return { text: lenient.decode(body), validUtf8: false, bom };
  }
}

/** Lines without their terminators; a final newline does not start an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** `cat -n` style: the number right-aligned in six columns, a tab, the line. */
export function numberLine(lineNumber: number, text: string): string {
  return `${String(lineNumber).padStart(6)}\t${text}`;
}

/** True when every line break is CRLF (and there is at least one): edits keep such files CRLF. */
export function isCrlf(text: string): boolean {
  const lf = text.split('\n').length - 1;
  return lf > 0 && text.split('\r\n').length - 1 === lf;
}

export const toLf = (text: string): string => text.replace(/\r\n/g, '\n');
export const toCrlf = (text: string): string => text.replace(/\r?\n/g, '\r\n');

/** A count with its noun, e.g. `1 line`, `3 lines`. */
export const plural = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
