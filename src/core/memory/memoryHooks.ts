import * as path from 'node:path';
import { isInside } from '../permissions/paths';
import type { FileSystem, Logger } from '../ports';
import type { ConversationHooks } from '../session/hooks';
import type { ToolResult } from '../tools/tool';
import { loadInstructions, NestedInstructions, type InstructionFile, type InstructionOptions } from './instructions';
import { indexPath } from './locations';
import { loadIndex } from './memoryIndex';
import { buildMemoryReminder, MEMORY_GUIDANCE } from './reminder';
import { INDEX_FILE } from './schema';

export interface MemoryPlaces {
  roots: string[];
  cwd: string;
  home: string;
  /** `<home>/.reverie` */
  reverieDir: string;
  projectDir: string;
  userDir: string;
}

export { isInside };

/** A topic file (not the index) in one of the memory folders; `abs` is an absolute path. */
export function isMemoryTopicPath(abs: string, places: Pick<MemoryPlaces, 'projectDir' | 'userDir'>): boolean {
  return path.basename(abs) !== INDEX_FILE && abs.endsWith('.md') && [places.projectDir, places.userDir].some((d) => isInside(abs, d));
}

/**
 * Whether a tool result is a read of a memory file (index or topic): such results are never
 * cleared from the request by micro-compaction, since memory is what the model was told to trust.
 */
export function isMemoryRead(places: () => Pick<MemoryPlaces, 'cwd' | 'home' | 'projectDir' | 'userDir'>): (toolName: string, input: unknown) => boolean {
  return (toolName, input) => {
    const file = (input as { path?: unknown } | null)?.path;
    if (toolName !== 'read_file' || typeof file !== 'string') return false;
    const p = places();
    const abs = path.resolve(p.cwd, file.replace(/^~(?=\/)/, p.home));
    return [p.projectDir, p.userDir].some((d) => isInside(abs, d));
  };
}

/**
 * A repository's instruction files may import only from the workspace (or the user's own
 * `~/.reverie`): an `@~/.ssh/id_rsa` in a cloned AGENTS.md must not reach the model.
 * The user's own files may import anything.
 */
export function importGate(places: MemoryPlaces): InstructionOptions['allowImport'] {
  return (target, importer) => {
    if (importer.scope === 'user') return true;
    return places.roots.some((r) => isInside(target, r)) || isInside(target, places.reverieDir);
  };
}

/**
 * The memory parts of a conversation: the start reminder (tier 1: instruction files and both
 * MEMORY.md indexes), nested instruction files when the agent first reads a file in their folder,
 * and the static guidance for the system prompt. Shared by the extension and the CLI.
 */
export function memoryHooks(fs: FileSystem, places: () => MemoryPlaces, log: Logger): ConversationHooks {
  let nested: NestedInstructions | undefined;
  return {
    systemAddendum: MEMORY_GUIDANCE,

    async startReminder(): Promise<string | undefined> {
      const p = places();
      const options = { roots: p.roots, cwd: p.cwd, userDir: p.reverieDir, home: p.home, allowImport: importGate(p) };
      const instructions = await loadInstructions(fs, options);
      nested = new NestedInstructions(fs, options, instructions);
      const [projectIndex, userIndex] = await Promise.all([loadIndex(fs, indexPath(p.projectDir)), loadIndex(fs, indexPath(p.userDir))]);
      for (const index of [projectIndex, userIndex]) {
        if (index?.truncatedBy) log.warn(`${index.path} is over its ${index.truncatedBy} cap; only part of it is loaded`);
        if (index?.problem) log.warn(`${index.path} ${index.problem}; it was not loaded`);
      }
      return buildMemoryReminder({ instructions, projectIndex, userIndex, memoryDirs: { project: p.projectDir, user: p.userDir } });
    },

    /** After a successful read_file: instruction files of folders the agent reaches for the first time. */
    async afterTool(toolName: string, input: unknown, result: ToolResult): Promise<string | undefined> {
      if (toolName !== 'read_file' || result.isError || !nested) return undefined;
      const file = (input as { path?: unknown }).path;
      if (typeof file !== 'string') return undefined;
      const p = places();
      const found: InstructionFile[] = await nested.forPath(path.resolve(p.cwd, file.replace(/^~(?=\/)/, p.home)));
      if (!found.length) return undefined;
      return buildMemoryReminder({ instructions: found, memoryDirs: { project: p.projectDir, user: p.userDir } });
    },
  };
}
