/**
 * YAML frontmatter: a `---` block at the very start of a markdown file. Parsing never throws: a
 * malformed block comes back as an error with a 1-based line number in the whole file, so the
 * language server can point at it and the loader can still show the file.
 */
import { parseDocument } from 'yaml';
import { keyedMessage, TOPIC_KEY_HELP, topicFrontmatter, type TopicFrontmatter } from './schema';

export interface FrontmatterIssue {
  message: string;
  /** 1-based line in the whole file. */
  line: number;
}

export interface ParsedFrontmatter {
  /** The YAML value; undefined when there is no frontmatter or it is malformed. */
  data: unknown;
  /** The text after the closing `---` (the whole text when there is no frontmatter). */
  body: string;
  /** Present when there is a block but it cannot be read. */
  error?: FrontmatterIssue;
  /** Whether the text starts with a frontmatter block at all. */
  present: boolean;
  /** The raw YAML between the fences, for locating keys. */
  yaml?: string;
}

const OPEN = /^\uFEFF?---[ \t]*\r?\n/;
const CLOSE = /^(?:---|\.\.\.)[ \t]*\r?$/;

export function parseFrontmatter(text: string): ParsedFrontmatter {
  const open = OPEN.exec(text);
  if (!open) return { data: undefined, body: text, present: false };
  const rest = text.slice(open[0].length);
  const lines = rest.split('\n');
  let offset = 0;
  for (let i = 0; i < lines.length; i++) {
    if (CLOSE.test(lines[i])) {
      const yaml = rest.slice(0, offset);
      const after = offset + lines[i].length + 1;
      const body = after > rest.length ? '' : rest.slice(after);
      return { ...readYaml(yaml), body, present: true, yaml };
    }
    offset += lines[i].length + 1;
  }
  return {
    data: undefined,
    body: text,
    present: true,
    error: { message: 'frontmatter is not closed: end it with a line containing only ---', line: 1 },
  };
}

/** The YAML of a block whose first line is line 2 of the file. */
function readYaml(yaml: string): { data: unknown; error?: FrontmatterIssue } {
  try {
    const doc = parseDocument(yaml, { prettyErrors: true });
    const first = doc.errors[0];
    if (first) {
      const line = (first.linePos?.[0]?.line ?? 1) + 1;
      const message = first.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      return { data: undefined, error: { message: `malformed YAML: ${message}`, line } };
    }
    return { data: doc.toJS() ?? {} };
  } catch (err) {
    // toJS can still throw (e.g. an alias bomb past maxAliasCount): report it, never crash.
    return { data: undefined, error: { message: `malformed YAML: ${err instanceof Error ? err.message : String(err)}`, line: 2 } };
  }
}

export interface ParsedTopic {
  /** The validated frontmatter; undefined when there are issues. */
  frontmatter?: TopicFrontmatter;
  body: string;
  /** Readable problems, each with the line it is about (the key's line when there is one). */
  issues: FrontmatterIssue[];
}

/** A topic file (one memory): frontmatter checked against `topicFrontmatter`. */
export function parseTopic(text: string): ParsedTopic {
  const parsed = parseFrontmatter(text);
  if (!parsed.present) {
    return { body: text, issues: [{ message: 'no frontmatter: start the file with a --- block holding name, description and type', line: 1 }] };
  }
  if (parsed.error) return { body: parsed.body, issues: [parsed.error] };
  const result = topicFrontmatter.safeParse(parsed.data);
  if (result.success) return { frontmatter: result.data, body: parsed.body, issues: [] };
  const issues = result.error.issues.map((issue) => {
    const key = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    const missing = key !== undefined && (parsed.data === null || typeof parsed.data !== 'object' || !(key in parsed.data));
    const message =
      key === undefined
        ? 'frontmatter must be a mapping of keys (name, description, type)'
        : missing
          ? `${key} is required${TOPIC_KEY_HELP[key] ? `: ${TOPIC_KEY_HELP[key]}` : ''}`
          : keyedMessage(key, issue.message);
    return { message, line: key === undefined ? 2 : keyLine(parsed.yaml ?? '', key) };
  });
  return { body: parsed.body, issues };
}

/** The file line of a top-level key in the block (line 1 is the opening ---), or 1 when absent. */
function keyLine(yaml: string, key: string): number {
  const lines = yaml.split('\n');
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`^(?:${escaped}|["']${escaped}["'])\\s*:`);
  const index = lines.findIndex((l) => pattern.test(l));
  return index === -1 ? 1 : index + 2;
}
