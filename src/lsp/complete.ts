/**
 * Completions inside the frontmatter of topic files and SKILL.md: keys (with their help) and the
 * values that have a fixed set. Pure: the server turns these into LSP completion items.
 */
import { MEMORY_TYPES, MEMORY_TYPE_HELP, SKILL_KEY_HELP, TOPIC_KEY_HELP } from '../core/memory/schema';
import { KNOWN_TOOLS, type DocumentKind } from './analyze';
import { insideFrontmatter, splitLines } from './frontmatter';

export interface CompletionEntry {
  label: string;
  kind: 'key' | 'value';
  /** Markdown. */
  documentation: string;
  insertText: string;
  /** The completion replaces the line from this character to the cursor. */
  replaceStart: number;
}

const BOOLEAN_SKILL_KEYS = ['disable-model-invocation', 'user-invocable'];

export function keyHelp(kind: DocumentKind): Record<string, string> | undefined {
  return kind === 'topic' ? TOPIC_KEY_HELP : kind === 'skill' ? SKILL_KEY_HELP : undefined;
}

/** What the value of `key` may be, when it is one of a fixed set. */
export function valueChoices(kind: DocumentKind, key: string): Array<{ value: string; help: string }> {
  if (kind === 'topic' && key === 'type') return MEMORY_TYPES.map((t) => ({ value: t, help: MEMORY_TYPE_HELP[t] }));
  if (kind !== 'skill') return [];
  if (BOOLEAN_SKILL_KEYS.includes(key)) return ['true', 'false'].map((v) => ({ value: v, help: SKILL_KEY_HELP[key] }));
  if (key === 'context') return [{ value: 'fork', help: SKILL_KEY_HELP.context }];
  if (key === 'allowed-tools') return KNOWN_TOOLS.map((t) => ({ value: t, help: `Let the skill use \`${t}\` without asking.` }));
  return [];
}

export function completeAt(kind: DocumentKind, text: string, line: number, character: number): CompletionEntry[] {
  const help = keyHelp(kind);
  const lines = splitLines(text);
  if (!help || !insideFrontmatter(lines, line)) return [];
  const before = (lines[line] ?? '').slice(0, character);

  const keyPrefix = /^[A-Za-z_-]*$/.exec(before);
  if (keyPrefix) {
    const present = new Set(lines.map((l, i) => (i === line ? undefined : /^([A-Za-z_-]+)\s*:/.exec(l)?.[1])));
    return Object.entries(help)
      .filter(([key]) => !present.has(key))
      .map(([key, doc]) => ({ label: key, kind: 'key', documentation: doc, insertText: `${key}: `, replaceStart: 0 }));
  }

  const keyValue = /^([A-Za-z_-]+)\s*:\s*(.*)$/.exec(before);
  const listItem = /^\s+-\s*([\w-]*)$/.exec(before);
  const key = keyValue?.[1] ?? (listItem ? enclosingKey(lines, line) : undefined);
  if (!key) return [];
  // allowed-tools holds several names; complete the one being typed.
  const typed = key === 'allowed-tools' ? (/[\w-]*$/.exec(before)?.[0] ?? '') : keyValue ? keyValue[2] : listItem![1];
  if (key !== 'allowed-tools' && listItem === null && /\s/.test(typed.trim())) return [];
  return valueChoices(kind, key).map((c) => ({
    label: c.value, kind: 'value', documentation: c.help, insertText: c.value, replaceStart: character - typed.length,
  }));
}

/** The top-level key a `  - item` line belongs to. */
function enclosingKey(lines: readonly string[], line: number): string | undefined {
  for (let i = line - 1; i >= 1; i--) {
    const m = /^([A-Za-z_-]+)\s*:/.exec(lines[i]);
    if (m) return m[1];
    if (!/^\s/.test(lines[i])) return undefined;
  }
  return undefined;
}
