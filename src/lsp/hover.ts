/** Hover text for frontmatter keys (and the memory type values). Pure, like complete.ts. */
import { MEMORY_TYPES, MEMORY_TYPE_HELP, type MemoryType } from '../core/memory/schema';
import type { DocumentKind } from './analyze';
import { keyHelp } from './complete';
import { insideFrontmatter, splitLines, type LineRange } from './frontmatter';

export interface HoverText extends LineRange {
  /** Markdown. */
  markdown: string;
}

export function hoverAt(kind: DocumentKind, text: string, line: number, character: number): HoverText | undefined {
  const help = keyHelp(kind);
  const lines = splitLines(text);
  if (!help || !insideFrontmatter(lines, line)) return undefined;
  const m = /^([A-Za-z_-]+)(\s*:\s*)(.*?)\s*$/.exec(lines[line]);
  if (!m) return undefined;
  const [, key, colon, value] = m;
  if (character <= key.length) {
    const doc = help[key];
    return doc ? { line, startChar: 0, endChar: key.length, markdown: `**${key}**\n\n${doc}` } : undefined;
  }
  const valueStart = key.length + colon.length;
  const bare = value.replace(/^(["'])(.*)\1$/, '$2');
  if (kind === 'topic' && key === 'type' && character >= valueStart && (MEMORY_TYPES as readonly string[]).includes(bare)) {
    return { line, startChar: valueStart, endChar: valueStart + value.length, markdown: `**${bare}** memory\n\n${MEMORY_TYPE_HELP[bare as MemoryType]}` };
  }
  return undefined;
}
