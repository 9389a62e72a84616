/**
 * Topic files (tier 2): one memory each, beside MEMORY.md, read on demand by the model. The list
 * is for the tree and the language server; a file with broken frontmatter is listed with its issues.
 */
import * as path from 'node:path';
import type { FileSystem } from '../ports';
import { parseTopic, type FrontmatterIssue } from './frontmatter';
import { INDEX_FILE, type TopicFrontmatter } from './schema';
import { markdownText } from './textFile';

export interface TopicFile {
  path: string;
  /** The file name, e.g. `testing.md`. */
  file: string;
  /** Present when the frontmatter is valid. */
  frontmatter?: TopicFrontmatter;
  issues: FrontmatterIssue[];
}

/** Every `*.md` in the memory folder except MEMORY.md, by file name; [] when the folder is missing. */
export async function listTopics(fs: FileSystem, memoryDir: string): Promise<TopicFile[]> {
  const stat = await fs.stat(memoryDir);
  if (stat?.kind !== 'directory') return [];
  const entries = await fs.readDirectory(memoryDir);
  const topics: TopicFile[] = [];
  for (const entry of entries) {
    if (!entry.name.toLowerCase().endsWith('.md') || entry.name.toLowerCase() === INDEX_FILE.toLowerCase()) continue;
    const file = path.join(memoryDir, entry.name);
    // Symlinks come back as 'other': keep them when they lead to a file.
    if (entry.kind === 'directory' || (entry.kind === 'other' && (await fs.stat(file))?.kind !== 'file')) continue;
    let read: ReturnType<typeof markdownText>;
    try {
      read = markdownText(await fs.readFile(file));
    } catch (err) {
      topics.push({ path: file, file: entry.name, issues: [{ message: `could not be read: ${err instanceof Error ? err.message : String(err)}`, line: 1 }] });
      continue;
    }
    if (read.problem !== undefined) {
      topics.push({ path: file, file: entry.name, issues: [{ message: `${entry.name} ${read.problem}`, line: 1 }] });
      continue;
    }
    const parsed = parseTopic(read.text);
    topics.push({ path: file, file: entry.name, ...(parsed.frontmatter && { frontmatter: parsed.frontmatter }), issues: parsed.issues });
  }
  return topics.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}
