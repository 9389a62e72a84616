/**
 * The checks behind the memory language server, as pure functions of a file's text (and, for the
 * index, the names of the files beside it). Lines are 0-based; characters are UTF-16 units.
 */
import { isScalar, isSeq, type Node } from 'yaml';
import {
  INDEX_FILE, INDEX_LINE_WARN, INDEX_MAX_BYTES, INDEX_MAX_LINES, SKILL_KEY_HELP, TOPIC_KEY_HELP,
  keyedMessage, skillFrontmatter, topicFrontmatter,
} from '../core/memory/schema';
import { CLAUDE_CODE_TOOLS, entryToolName, toolEntries } from '../core/skills/allowedTools';
import { nodeSource, parseFrontmatter, splitLines, type LineRange, type ParsedFrontmatter } from './frontmatter';

export { toolEntries };

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface MemoryDiagnostic extends LineRange {
  severity: Severity;
  message: string;
  /** Stable id of the rule, e.g. "index-broken-link". */
  code: string;
  /** The text is not used (shown faded), e.g. index lines past a cap. */
  unnecessary?: true;
  /** For a diagnostic over several lines: the 0-based line it ends on (`endChar` is on that line). */
  endLine?: number;
}

/** Per-line diagnostics of one kind stop after this many; a huge file gets one more covering the rest. */
const MAX_LINE_DIAGNOSTICS = 1000;

export type DocumentKind = 'index' | 'topic' | 'skill';

export const SKILL_FILE = 'SKILL.md';

/** Tool names a skill may list in `allowed-tools`, as the model sees them. */
export const KNOWN_TOOLS = [
  'read_file', 'write_file', 'edit_file', 'list_files', 'glob', 'grep', 'run_command', 'command_output',
  'get_diagnostics', 'todo_write', 'go_to_definition', 'find_references', 'document_symbols',
  'search_history', 'skill',
] as const;

/** Which checks a file gets: MEMORY.md, SKILL.md, or another .md in a folder that has a MEMORY.md. */
export function documentKind(fileName: string, siblingNames: readonly string[]): DocumentKind | undefined {
  if (fileName === INDEX_FILE) return 'index';
  if (fileName === SKILL_FILE) return 'skill';
  if (/\.md$/i.test(fileName) && siblingNames.includes(INDEX_FILE)) return 'topic';
  return undefined;
}

export function analyzeDocument(kind: DocumentKind, text: string, siblingNames: readonly string[] = []): MemoryDiagnostic[] {
  switch (kind) {
    case 'index': return analyzeIndex(text, siblingNames);
    case 'topic': return analyzeTopic(text);
    case 'skill': return analyzeSkill(text);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

/** MEMORY.md: the caps, long lines, broken links, and topic files the index does not mention. */
export function analyzeIndex(text: string, siblingNames: readonly string[]): MemoryDiagnostic[] {
  const lines = splitLines(text);
  if (text === '') return [];
  const out: MemoryDiagnostic[] = [];
  const whole = (line: number): LineRange => ({ line, startChar: 0, endChar: lines[line]?.length ?? 0 });

  // What the loader keeps: the first INDEX_MAX_LINES lines, then cut at the last line break
  // before INDEX_MAX_BYTES bytes.
  const eols = text.replace(/^\uFEFF/, '').match(/\r?\n/g) ?? [];
  const byLines = Math.min(lines.length, INDEX_MAX_LINES);
  let end = 0;
  const contentEnd: number[] = [];
  for (let i = 0; i < byLines; i++) {
    end += Buffer.byteLength(lines[i], 'utf8');
    contentEnd.push(end);
    end += Buffer.byteLength(eols[i] ?? '', 'utf8');
  }
  let loaded = byLines;
  if (byLines > 0 && contentEnd[byLines - 1] > INDEX_MAX_BYTES) {
    loaded = 0;
    while (loaded < byLines && contentEnd[loaded] < INDEX_MAX_BYTES) loaded++;
  }
  if (lines.length > INDEX_MAX_LINES) {
    out.push({ ...whole(0), severity: 'warning', code: 'index-over-lines',
      message: `${INDEX_FILE} has ${fmt(lines.length)} lines; only the first ${INDEX_MAX_LINES} are loaded. Keep one short line per entry and move detail into topic files.` });
  }
  if (loaded < byLines) {
    out.push({ ...whole(0), severity: 'warning', code: 'index-over-bytes',
      message: `${INDEX_FILE} is over ${fmt(INDEX_MAX_BYTES)} bytes; only its first ${fmt(loaded)} lines are loaded. Keep one short line per entry and move detail into topic files.` });
  }
  const perLine = Math.min(lines.length, loaded + MAX_LINE_DIAGNOSTICS);
  for (let i = loaded; i < perLine; i++) {
    const cap = i < byLines ? `${fmt(INDEX_MAX_BYTES)}-byte` : `${INDEX_MAX_LINES}-line`;
    out.push({ ...whole(i), severity: 'hint', code: 'index-not-loaded', message: `not loaded: past the ${cap} cap`, unnecessary: true });
  }
  if (perLine < lines.length) {
    // A 10 MB index would otherwise get a diagnostic per line: one covers the rest.
    out.push({ line: perLine, startChar: 0, endLine: lines.length - 1, endChar: lines[lines.length - 1].length, severity: 'hint', code: 'index-not-loaded',
      message: `not loaded: lines ${fmt(perLine + 1)}–${fmt(lines.length)} are past the cap`, unnecessary: true });
  }
  let longLines = 0;
  let brokenLinks = 0;

  const linked = new Set<string>();
  let inFence = false;
  lines.forEach((line, i) => {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) return;
    if (line.length > INDEX_LINE_WARN && longLines++ < MAX_LINE_DIAGNOSTICS) {
      out.push({ line: i, startChar: INDEX_LINE_WARN, endChar: line.length, severity: 'warning', code: 'index-line-too-long',
        message: `line is ${fmt(line.length)} characters; an index entry should be one short line (over ${INDEX_LINE_WARN} is too long). Move detail into a topic file.` });
    }
    for (const link of linksIn(line)) {
      const name = siblingTarget(link.target);
      if (name === undefined) continue;
      linked.add(name);
      if (!siblingNames.includes(name) && brokenLinks++ < MAX_LINE_DIAGNOSTICS) {
        out.push({ line: i, startChar: link.start, endChar: link.start + link.target.length, severity: 'warning', code: 'index-broken-link',
          message: `no topic file "${name}" beside ${INDEX_FILE}` });
      }
    }
  });

  const unindexed = siblingNames.filter((n) => /\.md$/i.test(n) && n !== INDEX_FILE && n !== SKILL_FILE && !linked.has(n)).sort();
  if (unindexed.length > 0) {
    out.push({ ...whole(0), severity: 'information', code: 'index-missing-topic',
      message: `not in the index: ${unindexed.join(', ')}. Add a line "- [Title](${unindexed[0]}) — hook" so Reverie knows ${unindexed.length === 1 ? 'it exists' : 'they exist'}.` });
  }
  return out;
}

/** Inline links `[text](target)` and reference definitions `[id]: target`, with the target's position. */
function linksIn(line: string): Array<{ target: string; start: number }> {
  const found: Array<{ target: string; start: number }> = [];
  const code = line.replace(/`[^`]*`/g, (m) => ' '.repeat(m.length)); // links in code spans are text
  for (const m of code.matchAll(/\[[^\]]*\]\(\s*(<[^>]*>|[^)\s]+)/g)) {
    const raw = m[1];
    const offset = m.index + m[0].length - raw.length;
    const angled = raw.startsWith('<');
    found.push({ target: angled ? raw.slice(1, -1) : raw, start: offset + (angled ? 1 : 0) });
  }
  const ref = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(code);
  if (ref) found.push({ target: ref[1], start: ref[0].length - ref[1].length });
  return found;
}

/** The sibling file a link points at, or undefined for URLs, anchors, other folders and non-markdown. */
function siblingTarget(target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#') || target.startsWith('/')) return undefined;
  let path = target.replace(/[#?].*$/, '').replace(/^\.\//, '');
  try {
    path = decodeURIComponent(path);
  } catch {
    // a stray % stays as written
  }
  return /\.md$/i.test(path) && !path.includes('/') && !path.includes('\\') ? path : undefined;
}

/** A topic file: frontmatter with name, one-line description and a known type. */
export function analyzeTopic(text: string): MemoryDiagnostic[] {
  return checkFrontmatter(text, topicFrontmatter, TOPIC_KEY_HELP);
}

/** SKILL.md: the skill schema, plus tool names in `allowed-tools`. */
export function analyzeSkill(text: string): MemoryDiagnostic[] {
  return checkFrontmatter(text, skillSchema, SKILL_KEY_HELP, checkAllowedTools);
}

/** A SKILL.md without a name (or `name: null`) loads under its folder's name, as in Claude Code: not an error. */
const skillSchema: Schema = {
  safeParse: (data) => {
    const d = data as Record<string, unknown>;
    return skillFrontmatter.safeParse(d.name === undefined || d.name === null ? { ...d, name: 'folder-name' } : d);
  },
};

interface Schema {
  safeParse(data: unknown): { success: true } | { success: false; error: { issues: ReadonlyArray<{ path: PropertyKey[]; message: string }> } };
}

function checkFrontmatter(
  text: string,
  schema: Schema,
  help: Record<string, string>,
  extra?: (fm: ParsedFrontmatter, lines: string[]) => MemoryDiagnostic[],
): MemoryDiagnostic[] {
  const lines = splitLines(text);
  const parsed = parseFrontmatter(lines);
  if (!parsed.ok) return [{ ...parsed.problem, severity: 'error' }];
  const fm = parsed.frontmatter;
  const out: MemoryDiagnostic[] = fm.errors.map((e) => ({ ...e, severity: 'error' }));
  if (!fm.data) return out;
  const data = fm.data;
  const result = schema.safeParse(data);
  if (!result.success) {
    const seen = new Set<string>();
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      if (seen.has(key)) continue;
      seen.add(key);
      if (!(key in data)) {
        out.push({ line: 0, startChar: 0, endChar: 3, severity: 'error', code: 'frontmatter-missing-key',
          message: `missing "${key}"${help[key] ? `: ${help[key]}` : ''}` });
      } else {
        const range = fm.valueRange(key) ?? { line: 0, startChar: 0, endChar: 3 };
        out.push({ ...range, severity: 'error', code: 'frontmatter-invalid', message: keyedMessage(key, issue.message) });
      }
    }
  }
  if (extra) out.push(...extra(fm, lines));
  return out;
}

function checkAllowedTools(fm: ParsedFrontmatter, lines: string[]): MemoryDiagnostic[] {
  const node = fm.valueNode('allowed-tools');
  if (!node) return [];
  const scalars: Node[] = isSeq(node) ? (node.items as Node[]) : [node];
  const out: MemoryDiagnostic[] = [];
  for (const scalar of scalars) {
    if (!isScalar(scalar) || typeof scalar.value !== 'string') continue;
    const value = scalar.value;
    const src = nodeSource(lines, fm.closeLine, scalar);
    // Positions of parts are exact when the source is the value itself, or the value in quotes.
    const shift = src && src.text === value ? 0 : src && src.text.slice(1, -1) === value ? 1 : undefined;
    for (const entry of toolEntries(value)) {
      const name = entryToolName(entry.text);
      if ((KNOWN_TOOLS as readonly string[]).includes(name)) continue;
      const range = src && shift !== undefined
        ? fm.rangeAt(src.start + shift + entry.start, src.start + shift + entry.start + name.length)
        : fm.valueRange('allowed-tools')!;
      // Claude Code skills must work unchanged: its names are mapped, so this is only information.
      const mapped = Object.hasOwn(CLAUDE_CODE_TOOLS, name) ? CLAUDE_CODE_TOOLS[name] : undefined;
      out.push(mapped
        ? { ...range, severity: 'information', code: 'skill-claude-code-tool', message: `Claude Code's name for ${mapped}; Reverie maps it` }
        : { ...range, severity: 'warning', code: 'skill-unknown-tool', message: `unknown tool "${name}"; known tools: ${KNOWN_TOOLS.join(', ')}` });
    }
  }
  return out;
}
