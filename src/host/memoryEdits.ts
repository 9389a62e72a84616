/**
 * The editor-free half of the Memory view's commands: names, index lines, and creating a memory
 * (its topic file and its MEMORY.md line). Index text is read strictly: a MEMORY.md that is not
 * UTF-8 is refused with an error naming it, never rewritten with replacement characters.
 */
import * as path from 'node:path';
import { markdownText } from '../core/memory/textFile';
import { INDEX_FILE, INDEX_LINE_SOFT_MAX, type MemoryType } from '../core/memory/schema';
import type { FileSystem } from '../core/ports';

export interface MemoryCommandDeps {
  fs: FileSystem;
  projectMemoryDir: () => string;
}

export interface NewMemory {
  type: MemoryType;
  name: string;
  description: string;
}

export function indexLine(name: string, file: string, description: string): string {
  return `- [${escapeTitle(name)}](${file}) — ${description}`;
}

export function validateName(name: string): string | undefined {
  if (!name.trim()) return 'A name is required.';
  if (name.includes('\n')) return 'The name must be one line.';
  if (!slugify(name)) return 'The name needs at least one letter or digit.';
  return undefined;
}

export function validateDescription(name: string, description: string): string | undefined {
  const d = description.trim();
  if (!d) return 'A one-line description is required: Reverie uses it to decide when to read this memory.';
  if (/[\r\n]/.test(d)) return 'The description must be one line.';
  const len = indexLine(name.trim(), `${slugify(name)}.md`, d).length;
  if (len > INDEX_LINE_SOFT_MAX) return `The index line would be ${len} characters; keep it under ${INDEX_LINE_SOFT_MAX} (shorten by ${len - INDEX_LINE_SOFT_MAX}).`;
  return undefined;
}

export function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
}

/** Writes `<slug>.md` with frontmatter and adds its line to MEMORY.md (created if missing). Returns the new file's path. */
export async function createMemory(deps: MemoryCommandDeps, input: NewMemory): Promise<string> {
  const problem = validateName(input.name) ?? validateDescription(input.name, input.description);
  if (problem) throw new Error(problem);
  const dir = deps.projectMemoryDir();
  const name = input.name.trim();
  const description = input.description.trim();
  const slug = slugify(name);
  let file = `${slug}.md`;
  for (let n = 2; await deps.fs.stat(path.join(dir, file)); n++) file = `${slug}-${n}.md`;
  const target = path.join(dir, file);
  const indexPath = path.join(dir, INDEX_FILE);
  const index = await readText(deps.fs, indexPath); // first: an index that cannot be read stops it before any write
  await deps.fs.writeFile(target, `---\nname: ${yamlScalar(name)}\ndescription: ${yamlScalar(description)}\ntype: ${input.type}\n---\n\n`);
  const prefix = index === undefined || index === '' ? '' : index.endsWith('\n') ? index : `${index}\n`;
  await deps.fs.writeFile(indexPath, `${prefix}${indexLine(name, file, description)}\n`);
  return target;
}

export function escapeTitle(name: string): string {
  return name.replace(/[[\]\\]/g, '\\$&');
}

/**
 * A memory file's text, or undefined when it does not exist. A file that is not UTF-8 text is an
 * error naming it: decoding it leniently and writing it back would replace its bytes with U+FFFD.
 */
export async function readText(fs: FileSystem, p: string): Promise<string | undefined> {
  if (!(await fs.stat(p))) return undefined;
  const bytes = await fs.readFile(p);
  const read = markdownText(bytes);
  if (read.problem !== undefined) throw new Error(`${p} ${read.problem}; Reverie leaves it unchanged.`);
  // A byte order mark is kept, so a rewrite changes only what it means to.
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? `\ufeff${read.text}` : read.text;
}

/** A YAML scalar: plain when that is unambiguous, otherwise double-quoted (JSON strings are valid YAML). */
export function yamlScalar(s: string): string {
  return /^[A-Za-z0-9][^:#\n"'{}[\],&*!|>%@`]*$/.test(s) && !/\s$/.test(s) ? s : JSON.stringify(s);
}
