import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import * as path from 'node:path';
import { createAuthorizer } from '../agent/authorizer';
import type { CommandRunner, FileSearch, FileSystem, Logger, ModelAccess } from '../ports';
import { Conversation } from '../session/conversation';
import { ALL_TOOLS } from '../tools';
import { isMemoryTopicPath, memoryHooks, type MemoryPlaces } from './memoryHooks';

/** The tools the extraction pass gets: reading anywhere it may, writing only where memory lives. */
const EXTRACTION_TOOLS = new Set(['read_file', 'write_file', 'edit_file', 'list_files', 'glob']);
const DIGEST_MAX_CHARS = 24_000;

/** The user and assistant text of one turn (tool traffic summarised), for the extraction prompt. */
export function turnDigest(messages: readonly MessageParam[]): string {
  const lines: string[] = [];
  for (const m of messages) {
    const blocks = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
    for (const b of blocks) {
      if (b.type === 'text' && !b.text.startsWith('<system-reminder>')) lines.push(`${m.role === 'user' ? 'User' : 'Assistant'}: ${b.text}`);
      else if (b.type === 'tool_use') lines.push(`Assistant used ${b.name} ${JSON.stringify(b.input).slice(0, 200)}`);
    }
  }
  const text = lines.join('\n\n');
  return text.length > DIGEST_MAX_CHARS ? `…${text.slice(-DIGEST_MAX_CHARS)}` : text;
}

export const EXTRACTION_PROMPT = (digest: string) => `Below is the latest exchange between the user and you. Decide whether it contains anything worth remembering in future conversations: the user's preferences, corrections or feedback about how to work, facts about the project that are not in the code, or where to find things.

If there is nothing worth keeping, answer "Nothing to save." and stop. Otherwise save each memory in two steps, as the memory guidance says: a topic file with frontmatter (name, description, type), then one short line in MEMORY.md. Before writing, read MEMORY.md and update an existing topic instead of duplicating it. Do not save code structure, git history, anything already in instruction files, or the state of the current task.

<exchange>
${digest}
</exchange>`;

export interface ExtractorDeps {
  access: ModelAccess;
  log: Logger;
  fs: FileSystem;
  search: FileSearch;
  commands: CommandRunner;
  places(): MemoryPlaces;
  sessionDir(id: string): string;
}

/**
 * The background pass that keeps what a finished turn taught. Its permissions are enforced in
 * code, not by its prompt: "ask" mode with no one to ask, so anything that needs approval is
 * denied; the memory folders are auto-approved for writes (and readable). Returns how many
 * topic files it saved.
 */
export function createMemoryExtractor(deps: ExtractorDeps): (turn: readonly MessageParam[], signal: AbortSignal) => Promise<number> {
  return async (turn, signal) => {
    const places = deps.places();
    const memory = memoryHooks(deps.fs, () => places, deps.log);
    const authorize = createAuthorizer({
      permissions: () => ({
        mode: 'ask', rules: { allow: [], ask: [], deny: [] }, roots: places.roots, trusted: true, home: places.home,
        additionalDirectories: [places.projectDir, places.userDir], autoApprovedDirectories: [places.projectDir, places.userDir],
      }),
      sessionRules: [],
      log: deps.log,
    });
    const conversation = new Conversation({
      access: deps.access,
      log: deps.log,
      tools: ALL_TOOLS.filter((t) => EXTRACTION_TOOLS.has(t.name)),
      hooks: { startReminder: memory.startReminder, systemAddendum: memory.systemAddendum },
      sessionDir: deps.sessionDir,
      toolContext: (s, progress, session) => ({
        cwd: places.cwd, roots: places.roots, signal: s, fs: deps.fs, search: deps.search, commands: deps.commands, session, log: deps.log, progress,
        authorize: (request) => authorize(request, s),
      }),
      options: { maxTurns: 8 },
    });
    const written = new Map<string, string>();
    const saved = new Set<string>();
    const outcome = await conversation.send(EXTRACTION_PROMPT(turnDigest(turn)), signal, (e) => {
      if (e.type === 'tool_call' && (e.name === 'write_file' || e.name === 'edit_file')) written.set(e.id, String((e.input as { path?: unknown }).path ?? ''));
      if (e.type === 'tool_result' && !e.isError && written.has(e.id)) {
        const abs = path.resolve(places.cwd, written.get(e.id)!);
        if (isMemoryTopicPath(abs, places)) saved.add(abs);
      }
    });
    deps.log.info(`memory extraction: ${outcome.state}, saved ${saved.size}`);
    return saved.size;
  };
}
