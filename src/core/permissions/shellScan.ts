/**
 * Scanners that find where a shell construct ends without interpreting it, for `shellParser.ts`.
 * Each takes the whole source and a start index and returns positions; none of them throws.
 */

/**
 * At `((` (index of the first `(`): the index just past the closing `))` of an arithmetic
 * expression, which runs no command. Undefined when it is not one (a subshell in a subshell such
 * as `((ls) | wc)`), or when it holds a substitution: parsed as nested groups, the command inside
 * is then found like any other.
 */
export function arithmeticEnd(src: string, start: number): number | undefined {
  let depth = 0;
  let innerClose = -1;
  for (let i = start; i < src.length; i++) {
    if (src[i] === '(') depth++;
    else if (src[i] === ')') {
      if (--depth === 1) innerClose = i;
      if (depth === 0) {
        return innerClose === i - 1 && !/\$\(|`/.test(src.slice(start, i)) ? i + 1 : undefined;
      }
    }
  }
  return undefined;
}

/** Index of the `}` closing a `${` whose content starts at `i`, skipping quotes and nested braces; -1 if none. */
export function closingBrace(src: string, i: number): number {
  let depth = 1;
  for (; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === "'" || c === '"') i = Math.max(src.indexOf(c, i + 1), i);
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** A here-document's body from `start` (the line after its command) up to the delimiter line. */
export function heredocBody(src: string, start: number, delimiter: string, stripTabs: boolean): { body: string; end: number; closed: boolean } {
  let body = '';
  let pos = start;
  while (pos < src.length) {
    const eol = src.indexOf('\n', pos);
    const line = src.slice(pos, eol === -1 ? src.length : eol);
    pos = eol === -1 ? src.length : eol + 1;
    if ((stripTabs ? line.replace(/^\t+/, '') : line) === delimiter) return { body, end: pos, closed: true };
    body += line + '\n';
  }
  return { body, end: pos, closed: false };
}
