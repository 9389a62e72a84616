/**
 * The little markdown reading the instruction loader needs: strip HTML comments and find `@path`
 * imports, both outside fenced code blocks and inline code spans. Not a markdown parser: indented
 * code blocks and code spans that cross a line break are read as prose.
 */

export interface ImportRef {
  /** The path as written, with `\ ` unescaped. */
  target: string;
  /** 1-based line in the stripped text. */
  line: number;
}

export interface ScannedMarkdown {
  /** The text with HTML comments removed (code is left untouched). */
  text: string;
  imports: ImportRef[];
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;

/**
 * `@` at the start of a line or after whitespace, then a path-like run (escaped spaces allowed).
 * An `@` inside a word (`a@b.c`) is not an import.
 */
const IMPORT = /(?<=^|\s)@((?:[^\s\\]|\\ )+)/g;

export function scanMarkdown(source: string): ScannedMarkdown {
  const lines = source.split('\n');
  const out: string[] = [];
  const imports: ImportRef[] = [];
  let prose: string[] = [];

  const flushProse = () => {
    if (prose.length === 0) return;
    const { text, code } = stripComments(prose.join('\n'));
    const startLine = out.length + 1;
    out.push(...text.split('\n'));
    for (const ref of findImports(text, code)) imports.push({ target: ref.target, line: startLine + ref.line - 1 });
    prose = [];
  };

  for (let i = 0; i < lines.length; i++) {
    const open = FENCE_OPEN.exec(lines[i]);
    if (!open || (open[1][0] === '`' && open[2].includes('`'))) {
      prose.push(lines[i]);
      continue;
    }
    flushProse();
    const marker = open[1];
    const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}[ \\t]*\\r?$`);
    out.push(lines[i]);
    // An unclosed fence runs to the end of the text, as in CommonMark.
    for (i++; i < lines.length; i++) {
      out.push(lines[i]);
      if (close.test(lines[i])) break;
    }
  }
  flushProse();
  return { text: out.join('\n'), imports };
}

/** Removes closed `<!-- -->` comments outside code spans; returns the code spans' ranges in the result. */
function stripComments(text: string): { text: string; code: Array<[number, number]> } {
  let out = '';
  const code: Array<[number, number]> = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '`') {
      let n = 1;
      while (text[i + n] === '`') n++;
      const run = '`'.repeat(n);
      // A closing run of exactly the same length ends the span.
      let j = i + n;
      let end = -1;
      while ((j = text.indexOf(run, j)) !== -1) {
        if (text[j + n] !== '`' && text[j - 1] !== '`') {
          end = j + n;
          break;
        }
        while (text[j] === '`') j++;
      }
      if (end === -1) {
        out += run;
        i += n;
        continue;
      }
      code.push([out.length, out.length + end - i]);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end !== -1) {
        i = end + 3;
        continue;
      }
    }
    out += text[i];
    i++;
  }
  return { text: out, code };
}

function findImports(text: string, code: Array<[number, number]>): ImportRef[] {
  const refs: ImportRef[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const at = match.index;
    if (code.some(([start, end]) => at >= start && at < end)) continue;
    // Sentence punctuation after a path is not part of it: "see @docs/style.md."
    const target = match[1].replace(/[.,;:!?)\]]+$/, '').replace(/\\ /g, ' ');
    if (!looksLikePath(target)) continue;
    refs.push({ target, line: text.slice(0, at).split('\n').length });
  }
  return refs;
}

/**
 * `@docs/a.md`, `@./x`, `@~/notes.md`, `@/etc/x.md` are imports; `@alice` or `@here` are mentions.
 * A path needs a slash or a dot in it.
 */
function looksLikePath(target: string): boolean {
  return target.length > 0 && /[./]/.test(target) && !/^[./]+$/.test(target);
}
