/**
 * The `---` frontmatter block of a memory topic file or SKILL.md, parsed with `yaml` so that every
 * key, value and error keeps its position in the file. Pure: no LSP or editor types.
 */
import { isMap, isScalar, parseDocument, type Document, type Node } from 'yaml';

/** A range on one line; lines and characters are 0-based, characters in UTF-16 units (as in LSP). */
export interface LineRange {
  line: number;
  startChar: number;
  endChar: number;
}

/** Splits on \n or \r\n. A final line break does not start another line. */
export function splitLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const FENCE = /^---\s*$/;
const CLOSE = /^(---|\.\.\.)\s*$/;

/** Where the block is: it opens on line 0; `closeLine` is undefined when it is never closed. */
export interface FrontmatterBlock {
  closeLine: number | undefined;
}

export function findFrontmatter(lines: readonly string[]): FrontmatterBlock | undefined {
  if (lines.length === 0 || !FENCE.test(lines[0])) return undefined;
  for (let i = 1; i < lines.length; i++) if (CLOSE.test(lines[i])) return { closeLine: i };
  return { closeLine: undefined };
}

/** True when (line) is between the fences, where keys and values are written. */
export function insideFrontmatter(lines: readonly string[], line: number): boolean {
  const block = findFrontmatter(lines);
  return block !== undefined && line >= 1 && (block.closeLine === undefined || line < block.closeLine);
}

export interface ParsedFrontmatter {
  closeLine: number;
  /** The parsed object, or undefined when the YAML is malformed or not a mapping. */
  data: Record<string, unknown> | undefined;
  /** Problems found while parsing, already positioned in the file. */
  errors: Array<LineRange & { message: string; code: string }>;
  /** The range of a top-level key, or of its value. */
  keyRange(key: string): LineRange | undefined;
  valueRange(key: string): LineRange | undefined;
  /** The value's node, for checks that need the position of parts of it. */
  valueNode(key: string): Node | undefined;
  /** Maps an offset in the YAML source to a position in the file. */
  rangeAt(start: number, end: number): LineRange;
}

export type FrontmatterResult =
  | { ok: true; frontmatter: ParsedFrontmatter }
  | { ok: false; problem: LineRange & { message: string; code: string } };

/** Parses the block; never throws. */
export function parseFrontmatter(lines: readonly string[]): FrontmatterResult {
  const block = findFrontmatter(lines);
  if (!block) {
    return {
      ok: false,
      problem: { line: 0, startChar: 0, endChar: lines[0]?.length ?? 0, code: 'frontmatter-missing', message: 'missing frontmatter: the file must start with a "---" line, then key: value lines, then "---"' },
    };
  }
  if (block.closeLine === undefined) {
    return { ok: false, problem: { line: 0, startChar: 0, endChar: 3, code: 'frontmatter-unclosed', message: 'frontmatter is not closed: add a "---" line after the last key' } };
  }
  const closeLine = block.closeLine;
  const source = lines.slice(1, closeLine).join('\n');
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);

  const rangeAt = (start: number, end: number): LineRange => {
    const s = Math.max(0, Math.min(start, source.length));
    let l = 0;
    while (l + 1 < lineStarts.length && lineStarts[l + 1] <= s) l++;
    const lineEnd = l + 1 < lineStarts.length ? lineStarts[l + 1] - 1 : source.length;
    const startChar = s - lineStarts[l];
    const endChar = Math.max(startChar, Math.min(end, lineEnd) - lineStarts[l]);
    // An empty range (an error at a point) is widened to the rest of the line, so it can be seen.
    return { line: l + 1, startChar, endChar: endChar > startChar ? endChar : Math.max(startChar, lines[l + 1]?.length ?? 0) };
  };

  let doc: Document.Parsed;
  try {
    doc = parseDocument(source, { prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    return { ok: false, problem: { line: 1, startChar: 0, endChar: lines[1]?.length ?? 0, code: 'yaml-error', message: `malformed YAML: ${String(e)}` } };
  }
  const errors = doc.errors.map((e) => {
    // yaml reports a missing closing quote where the text ends; point at the quote that is open.
    const open = e.code === 'MISSING_CHAR' ? unclosedQuoteLine(lines, closeLine) : undefined;
    const range = open ?? rangeAt(e.pos[0], e.pos[1]);
    return { ...range, code: 'yaml-error', message: `malformed YAML: ${e.message.split('\n')[0]}` };
  });

  const pairOf = (key: string) =>
    isMap(doc.contents) ? doc.contents.items.find((p) => isScalar(p.key) && String(p.key.value) === key) : undefined;
  const nodeRange = (node: unknown): LineRange | undefined => {
    const range = (node as Node | null | undefined)?.range;
    return range ? rangeAt(range[0], range[1]) : undefined;
  };

  let data: Record<string, unknown> | undefined;
  if (errors.length === 0) {
    try {
      const value: unknown = doc.toJS();
      if (value === null || value === undefined) data = {};
      else if (typeof value === 'object' && !Array.isArray(value)) data = value as Record<string, unknown>;
      else errors.push({ line: 1, startChar: 0, endChar: lines[1]?.length ?? 0, code: 'yaml-not-mapping', message: 'frontmatter must be "key: value" lines' });
    } catch (e) {
      errors.push({ line: 1, startChar: 0, endChar: lines[1]?.length ?? 0, code: 'yaml-error', message: `malformed YAML: ${String(e)}` });
    }
  }

  return {
    ok: true,
    frontmatter: {
      closeLine,
      data,
      errors,
      keyRange: (key) => nodeRange(pairOf(key)?.key),
      valueRange: (key) => nodeRange(pairOf(key)?.value) ?? nodeRange(pairOf(key)?.key),
      valueNode: (key) => (pairOf(key)?.value as Node | null | undefined) ?? undefined,
      rangeAt,
    },
  };
}

/** The text of the YAML source a node was parsed from, and where it starts. */
export function nodeSource(lines: readonly string[], closeLine: number, node: Node): { text: string; start: number } | undefined {
  if (!node.range) return undefined;
  const source = lines.slice(1, closeLine).join('\n');
  return { text: source.slice(node.range[0], node.range[1]), start: node.range[0] };
}

/** The first frontmatter line whose value opens a quote it does not close. */
function unclosedQuoteLine(lines: readonly string[], closeLine: number): LineRange | undefined {
  for (let i = 1; i < closeLine; i++) {
    const m = /^(\s*[^:#]+:\s*|\s*-\s*)(["'])(.*)$/.exec(lines[i]);
    if (!m) continue;
    const [, lead, quote, rest] = m;
    const closed = quote === '"' ? /(^|[^\\])"/.test(rest) : rest.replace(/''/g, '').includes("'");
    if (!closed) return { line: i, startChar: lead.length, endChar: lines[i].length };
  }
  return undefined;
}
