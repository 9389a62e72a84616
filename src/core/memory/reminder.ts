/**
 * Tier 1 goes to the model as a reminder at the start of the conversation, not in the system
 * prompt, so the system prompt stays byte-identical across sessions and the prompt cache hits.
 * `MEMORY_GUIDANCE` is the fixed part: it belongs in the static system prompt.
 */
import * as path from 'node:path';
import type { InstructionFile } from './instructions';
import type { LoadedIndex } from './memoryIndex';
import { INDEX_FILE, INDEX_LINE_SOFT_MAX, MEMORY_TYPE_HELP, MEMORY_TYPES } from './schema';

export interface MemoryReminderInput {
  instructions: readonly InstructionFile[];
  projectIndex?: LoadedIndex;
  userIndex?: LoadedIndex;
  /** The memory folders, so the model knows where to write even when an index does not exist yet. */
  memoryDirs: { project: string; user: string };
}

export function buildMemoryReminder(input: MemoryReminderInput): string {
  const parts: string[] = [];
  if (input.instructions.length > 0) {
    parts.push(
      '# Instructions\n' +
        'The instruction files below come from the user and the project. Follow them; they override default behaviour.',
    );
    for (const file of input.instructions) {
      const origin =
        file.scope === 'user' ? "user's instructions, for all projects" : 'project instructions';
      const via = file.importedFrom ? `, imported by ${file.importedFrom}` : '';
      let section = `Contents of ${file.path} (${origin}${via}):\n\n${file.content.trim()}`;
      if (file.notes.length > 0) section += `\n\n(Not loaded from this file: ${file.notes.join('; ')}.)`;
      parts.push(section);
    }
  }
  parts.push('# Memory');
  parts.push(indexSection('Project memory', input.memoryDirs.project, input.projectIndex));
  parts.push(indexSection('User memory (across all projects)', input.memoryDirs.user, input.userIndex));
  return `<system-reminder>\n${parts.join('\n\n')}\n</system-reminder>`;
}

function indexSection(label: string, dir: string, index: LoadedIndex | undefined): string {
  const indexFile = path.join(dir, INDEX_FILE);
  if (index === undefined) return `${label} folder: ${dir}\n${indexFile} does not exist yet; create it when you save the first memory there.`;
  const body = index.content.trim() === '' ? '(empty)' : index.content.trim();
  let section = `${label} folder: ${dir}\nContents of ${index.path} (memory index):\n\n${body}`;
  if (index.notice) section += `\n\nWARNING: ${index.notice}`;
  return section;
}

/** For the static system prompt. Paths are not here (they differ per workspace): the reminder has them. */
export const MEMORY_GUIDANCE = `# Memory
You have a persistent memory: plain markdown files that survive between sessions. There are two memory folders, one for this project and one for the user across projects; their paths and their indexes (${INDEX_FILE}) are given in a system reminder at the start of the conversation. The index is always loaded; topic files are not, so read one when its index line looks relevant.

Save a memory when you learn something that will matter in a future session, or when the user asks you to remember something. Saving takes two steps, with the ordinary file tools (writing inside a memory folder needs no approval):
1. Write a topic file in the memory folder, e.g. \`testing-setup.md\`, starting with frontmatter:
   ---
   name: A short title
   description: One line saying what this memory is about (used to judge relevance later)
   type: ${MEMORY_TYPES.join(' | ')}
   ---
   then the memory itself. Update an existing topic file rather than creating a near-duplicate.
2. Add one line to ${INDEX_FILE} in the same folder: \`- [Title](file.md) — hook\`, under about ${INDEX_LINE_SOFT_MAX} characters. The index is cut after 200 lines, so keep it an index: detail goes in topic files.

Types:
${MEMORY_TYPES.map((t) => `- ${t}: ${MEMORY_TYPE_HELP[t]}`).join('\n')}

Do not save: code structure, file layouts or conventions you can read from the code; git history (use git); anything already in instruction files (AGENTS.md, CLAUDE.md); ephemeral task state such as the current plan or progress on this task. Remove or correct memories that turn out to be wrong.

Memories can be stale. Before relying on a remembered file, function or command, check that it still exists (read or search for it); trust what you observe now over what was remembered.`;
