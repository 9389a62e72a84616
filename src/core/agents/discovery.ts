/**
 * Finding custom agents: `<folder>/*.md` in `~/.reverie/agents` (user) and `.reverie/agents` in
 * cwd and its parents up to the repository root (project, nearest first). Frontmatter `name`,
 * `description`, `tools`, `model`, `max-turns`, `max-tokens`, `read-only`; the body is the system
 * prompt. User beats project beats built-in on a name clash. A malformed file is skipped with a
 * problem and a log line; discovery never throws for one.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { parseFrontmatter } from '../memory/frontmatter';
import { keyedMessage } from '../memory/schema';
import { markdownText } from '../memory/textFile';
import type { FileSystem, Logger } from '../ports';
import { CLAUDE_CODE_TOOLS, toolEntries } from '../skills/allowedTools';
import { projectLevels } from '../skills/discovery';
import { BUILT_IN_AGENTS } from './builtins';
import type { AgentDefinition, AgentPlaces, AgentProblem, AgentSet, AgentSource } from './types';

export const AGENTS_DIR = path.join('.reverie', 'agents');
export const AGENT_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Tools that never change anything outside the conversation: an agent made only of these is read-only. */
const READ_ONLY_TOOL_NAMES = new Set([
  'read_file', 'grep', 'glob', 'list_files', 'search_history', 'command_output', 'get_diagnostics',
  'go_to_definition', 'find_references', 'document_symbols', 'todo_write', 'skill',
]);

/** Claude Code's subagent tool names, besides the ones skills already map. */
const CLAUDE_AGENT_TOOLS: Readonly<Record<string, string>> = { ...CLAUDE_CODE_TOOLS, Task: 'task', Agent: 'task' };

const positiveInt = (key: string) => z.number({ error: `${key}: a positive whole number` }).int(`${key}: a positive whole number`).positive(`${key}: a positive whole number`);

const agentFrontmatter = z.looseObject({
  name: z.string().regex(AGENT_NAME, 'name: lower-case letters, digits and hyphens, at most 64 characters'),
  description: z.string().trim().min(1, 'description is required').max(1024, 'description: at most 1024 characters'),
  tools: z.union([z.string(), z.array(z.string())], { error: 'tools: a list of tool names' }).optional(),
  model: z.string().optional(),
  'max-turns': positiveInt('max-turns').optional(),
  'max-tokens': positiveInt('max-tokens').optional(),
  'read-only': z.boolean({ error: 'read-only: true or false' }).optional(),
});

/** The folders to read, highest precedence first. */
export async function agentFolders(fs: FileSystem, places: AgentPlaces): Promise<Array<{ dir: string; source: AgentSource }>> {
  const levels = await projectLevels(fs, places);
  return [
    { dir: path.join(places.home, AGENTS_DIR), source: 'user' },
    ...levels.map((l) => ({ dir: path.join(l, AGENTS_DIR), source: 'project' as const })),
  ];
}

/** Custom agents from `places` and the built-ins, one per name (the highest-precedence one wins), sorted by name. */
export async function discoverAgents(fs: FileSystem, places: AgentPlaces, log?: Logger): Promise<AgentSet> {
  const folders = await agentFolders(fs, places);
  const read = await Promise.all(folders.map((f) => readAgentFolder(fs, f.dir, f.source, log)));
  return mergeAgents([...read.map((r) => r.agents), BUILT_IN_AGENTS], read.flatMap((r) => r.problems));
}

/** One set from lists already in precedence order. */
export function mergeAgents(lists: ReadonlyArray<readonly AgentDefinition[]>, problems: AgentProblem[] = []): AgentSet {
  const byName = new Map<string, AgentDefinition>();
  const shadowed: AgentSet['shadowed'] = [];
  for (const agent of lists.flat()) {
    const winner = byName.get(agent.name);
    if (winner) shadowed.push({ agent, by: winner });
    else byName.set(agent.name, agent);
  }
  const agents = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { agents, shadowed, problems };
}

async function readAgentFolder(fs: FileSystem, dir: string, source: AgentSource, log?: Logger): Promise<{ agents: AgentDefinition[]; problems: AgentProblem[] }> {
  let entries: Array<{ name: string; kind: string }>;
  try {
    if ((await fs.stat(dir))?.kind !== 'directory') return { agents: [], problems: [] };
    entries = await fs.readDirectory(dir);
  } catch (err) {
    log?.warn(`agents: cannot read ${dir}: ${message(err)}`);
    return { agents: [], problems: [] };
  }
  const agents: AgentDefinition[] = [];
  const problems: AgentProblem[] = [];
  const seen = new Set<string>();
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || !entry.name.endsWith('.md') || entry.kind === 'directory') continue;
    const file = path.join(dir, entry.name);
    const skip = (problem: string) => {
      problems.push({ file, source, message: problem });
      log?.warn(`agents: skipped ${file}: ${problem}`);
    };
    let text: string;
    try {
      if ((await fs.stat(file))?.kind !== 'file') continue;
      const read = markdownText(await fs.readFile(file));
      if (read.problem !== undefined) throw new Error(`${entry.name} ${read.problem}`);
      text = read.text;
    } catch (err) {
      skip(`cannot be read: ${message(err)}`);
      continue;
    }
    const parsed = parseAgentFile(text, { file, source, fileName: entry.name });
    if ('problem' in parsed) skip(parsed.problem);
    else if (seen.has(parsed.agent.name)) skip(`another file in ${dir} already defines "${parsed.agent.name}"`);
    else {
      seen.add(parsed.agent.name);
      agents.push(parsed.agent);
    }
  }
  return { agents, problems };
}

/** An agent file's text as an AgentDefinition, or the reason it cannot be used. */
export function parseAgentFile(text: string, info: { file: string; source: AgentSource; fileName: string }): { agent: AgentDefinition } | { problem: string } {
  const fm = parseFrontmatter(text);
  if (!fm.present) return { problem: 'no frontmatter: start the file with a --- block holding name and description' };
  if (fm.error) return { problem: `${fm.error.message} (line ${fm.error.line})` };
  if (fm.data === null || typeof fm.data !== 'object' || Array.isArray(fm.data)) return { problem: 'frontmatter must be a mapping of keys (name, description, ...)' };
  const data = { ...(fm.data as Record<string, unknown>) };
  if (data.name === undefined || data.name === null) data.name = info.fileName.replace(/\.md$/, '');
  const result = agentFrontmatter.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
    return { problem: key !== undefined && !(key in data) ? `${key} is required` : key === undefined ? issue.message : keyedMessage(key, issue.message) };
  }
  const f = result.data;
  const prompt = fm.body.trim();
  if (!prompt) return { problem: 'the body (the agent\'s system prompt) is empty' };
  const tools = f.tools === undefined ? undefined : toolNames(f.tools);
  const model = f.model?.trim();
  return {
    agent: {
      name: f.name,
      description: f.description.trim(),
      tools,
      readOnly: f['read-only'] ?? (tools !== undefined && tools.every((t) => READ_ONLY_TOOL_NAMES.has(t))),
      model: model && model !== 'inherit' ? model : undefined,
      maxTurns: f['max-turns'],
      maxTokens: f['max-tokens'],
      prompt,
      source: info.source,
      file: info.file,
    },
  };
}

/** `tools: Read, Grep, run_command` -> our tool names, without duplicates (Claude Code names mapped). */
function toolNames(value: string | string[]): string[] {
  const names = (Array.isArray(value) ? value : [value]).flatMap((v) => toolEntries(v).map((e) => e.text.replace(/\(.*$/s, '').trim()));
  return [...new Set(names.filter(Boolean).map((n) => CLAUDE_AGENT_TOOLS[n] ?? n))];
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
