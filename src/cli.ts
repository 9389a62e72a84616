/**
 * Headless Reverie: the same core as the extension, on Node adapters.
 *   node dist/cli.js -p "<prompt>" [--cwd DIR] [--model M] [--permission-mode ask|acceptEdits|plan|bypass]
 *                    [--output-format text|json|stream-json] [--max-turns N] [--resume SESSION_ID]
 *   node dist/cli.js dream [--cwd DIR] [--memory-dir DIR] [--apply] [--force]   (see node/cliDream.ts)
 * ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL come from the environment. Exit 0 when the run
 * completed, 1 when it did not, 2 for bad usage.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { AgentEvent } from './core/agent/events';
import { createAuthorizer } from './core/agent/authorizer';
import { discoverAgents } from './core/agents/discovery';
import { Subagents } from './core/agents/subagents';
import { estimateCostUsd } from './core/model/pricing';
import type { PermissionMode } from './core/permissions/types';
import { Conversation, textStorage } from './core/session/conversation';
import { projectMemoryDir, transcriptsDir, userMemoryDir } from './core/memory/locations';
import { isMemoryRead, memoryHooks } from './core/memory/memoryHooks';
import { combineHooks } from './core/session/hooks';
import { SkillCatalog } from './core/skills/catalog';
import { createSkillTool } from './core/tools/skill';
import { createTaskTool } from './core/tools/task';
import { skillFileProblems } from './lsp/skillCheck';
import { resumeMessages, skippedLinesNotice, transcriptRecorder } from './core/session/transcript';
import { ALL_TOOLS, finalizeToolResult } from './core/tools';
import { createSearchHistoryTool } from './core/tools/searchHistory';
import { NodeCommandRunner } from './node/nodeCommandRunner';
import { NodeFileSearch, findOnPath } from './node/nodeFileSearch';
import { NodeFileSystem } from './node/nodeFileSystem';
import { cliCheckpointTracker } from './node/nodeCheckpointStorage';
import { NodeTranscriptStore, searchHistory } from './node/nodeTranscripts';
import { cliLogger, loadCliRules, terminalApprovals } from './node/cliSupport';
import { runDreamCommand } from './node/cliDream';

const USAGE = `usage: reverie -p "<prompt>" [--cwd DIR] [--model M] [--permission-mode ask|acceptEdits|plan|bypass]
               [--output-format text|json|stream-json] [--max-turns N] [--resume SESSION_ID]
               [--memory-dir DIR] [--no-claude-skills] [--compact-at TOKENS] [--no-micro-compaction]
               [--no-session-notes] [--verbose]`;
const MODES = ['ask', 'acceptEdits', 'plan', 'bypass'];
const FORMATS = ['text', 'json', 'stream-json'];

function fail(message: string): never {
  process.stderr.write(`reverie: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: {
        print: { type: 'string', short: 'p' },
        cwd: { type: 'string' },
        model: { type: 'string' },
        'permission-mode': { type: 'string', default: 'ask' },
        'output-format': { type: 'string', default: 'text' },
        'max-turns': { type: 'string' },
        resume: { type: 'string' },
        'memory-dir': { type: 'string' },
        'no-claude-skills': { type: 'boolean', default: false },
        'no-micro-compaction': { type: 'boolean', default: false },
        'no-session-notes': { type: 'boolean', default: false },
        'compact-at': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const prompt = args.print?.trim();
  if (!prompt) fail('a prompt is required: -p "<prompt>"');
  const mode = args['permission-mode']!;
  if (!MODES.includes(mode)) fail(`--permission-mode must be one of ${MODES.join(', ')}`);
  const format = args['output-format']!;
  if (!FORMATS.includes(format)) fail(`--output-format must be one of ${FORMATS.join(', ')}`);
  const maxTurns = args['max-turns'] === undefined ? undefined : Number(args['max-turns']);
  if (maxTurns !== undefined && !(Number.isInteger(maxTurns) && maxTurns > 0)) fail('--max-turns must be a positive whole number');
  const compactAt = args['compact-at'] === undefined ? undefined : Number(args['compact-at']);
  if (compactAt !== undefined && !(Number.isInteger(compactAt) && compactAt > 0)) fail('--compact-at must be a positive whole number of tokens');
  const cwd = path.resolve(args.cwd ?? process.cwd());
  const fsPort = new NodeFileSystem();
  if ((await fsPort.stat(cwd))?.kind !== 'directory') fail(`--cwd ${cwd} is not a folder`);

  const apiKey = process.env.ANTHROPIC_API_KEY?.trim();
  const model = args.model ?? process.env.REVERIE_MODEL ?? 'claude-sonnet-5-5';
  const home = os.homedir();
  const transcripts = new NodeTranscriptStore(transcriptsDir(home, cwd));
  const previous = args.resume ? await transcripts.read(args.resume) : undefined;
  if (args.resume && !previous) fail(`no saved session ${JSON.stringify(args.resume)}`);
  // The same memory folder the extension uses for this folder: the repository's own when it has
  // one (reverie.memory.location = workspace), else the private one keyed by the path.
  const inRepo = path.join(cwd, '.reverie', 'memory');
  const projectDir = args['memory-dir'] ? path.resolve(cwd, args['memory-dir'])
    : (await fsPort.stat(inRepo))?.kind === 'directory' ? inRepo : projectMemoryDir({ home, workspaceRoot: cwd, location: 'private' });
  const userDir = userMemoryDir(home);

  const log = cliLogger(args.verbose === true);
  const commands = new NodeCommandRunner();
  const search = new NodeFileSearch();
  const rules = await loadCliRules(fsPort, [path.join(home, '.reverie', 'settings.json'), path.join(cwd, '.reverie', 'settings.json')], log);
  const permissions = () => ({ mode: mode as PermissionMode, rules, roots: [cwd], trusted: true, home, autoApprovedDirectories: [projectDir, userDir] });
  const authorize = createAuthorizer({
    permissions,
    approvals: process.stdin.isTTY && process.stderr.isTTY ? terminalApprovals() : undefined,
    sessionRules: [],
    turnRules: () => conversation.session.turnRules,
    log,
  });
  const memory = memoryHooks(fsPort, () => ({ roots: [cwd], cwd, home, reverieDir: path.join(home, '.reverie'), projectDir, userDir }), log);
  const rgPath = await findOnPath('rg'); // else the history search uses its JS scan
  const searchTool = createSearchHistoryTool((o) => searchHistory({ root: transcriptsDir(home, cwd), rgPath, ...o }));
  // Skills from --cwd up to the repository root, ~/.reverie/skills, Claude Code's folders, and ours.
  const skills = new SkillCatalog({
    fs: fsPort,
    log,
    places: () => ({
      cwd, roots: [cwd], home, includeClaudeCode: !args['no-claude-skills'], disabled: [],
      bundledDir: path.join(__dirname, '..', 'resources', 'skills'),
    }),
    checkSkillFile: skillFileProblems,
  });
  const access = { apiKey: async () => apiKey, baseUrl: () => process.env.ANTHROPIC_BASE_URL?.trim() || undefined, model: () => model };
  const record = transcriptRecorder(transcripts, { cwd, model: () => model }, args.resume);
  // Subagents (the task tool, `context: fork` skills): built-in agent types and .reverie/agents/*.md from --cwd up, ~/.reverie/agents.
  const agents = await discoverAgents(fsPort, { cwd, roots: [cwd], home }, log);
  const subagents = Subagents.create({
    access, log, permissions, record, hooks: memory,
    parentId: () => conversation.id,
    tools: () => tools,
    agents: () => agents.agents,
    finalizeResult: (result, name, session) => finalizeToolResult(result, name, session, fsPort),
    sessionDir: (id) => path.join(transcriptsDir(home, cwd), id),
    storage: textStorage(fsPort),
    transcriptExists: async (id) => (await transcripts.read(id)) !== undefined,
  });
  const tools = [...ALL_TOOLS, searchTool, createSkillTool(skills, subagents), createTaskTool(subagents)];
  const conversation = new Conversation({
    access,
    log,
    tools,
    hooks: combineHooks([memory, skills.hooks], (err) => log.error(`context hook failed: ${err instanceof Error ? err.message : String(err)}`)),
    record,
    toolContext: (signal, progress, session) => ({
      cwd, roots: [cwd], signal, fs: checkpoints.fileSystem(fsPort), search, commands, session, log, progress,
      authorize: (request) => authorize(request, signal),
    }),
    finalizeResult: (result, name, session) => finalizeToolResult(result, name, session, fsPort),
    sessionDir: (id) => path.join(transcriptsDir(home, cwd), id),
    compaction: () => ({ microCompaction: !args['no-micro-compaction'], sessionNotes: !args['no-session-notes'], autoCompactAt: compactAt }),
    storage: textStorage(fsPort),
    keepResult: isMemoryRead(() => ({ cwd, home, projectDir, userDir })),
    transcriptPath: (id) => path.join(transcriptsDir(home, cwd), `${id}.jsonl`),
    options: { maxTurns },
  });
  if (previous) {
    const last = previous.messages.at(-1);
    conversation.restore(resumeMessages(previous), args.resume, { lastActivityAt: last ? Date.parse(last.time) : undefined, cleared: previous.cleared });
    const skipped = skippedLinesNotice(previous.skippedLines);
    if (skipped) process.stderr.write(`reverie: ${skipped}\n`);
  }
  const sessionId = conversation.id;
  // Files the agent writes are snapshotted before the prompt, in the session folder (as the editor does).
  const checkpoints = cliCheckpointTracker(path.join(transcriptsDir(home, cwd), sessionId), cwd, fsPort, log);
  await checkpoints.open(sessionId, prompt).catch(() => undefined);
  // `-p "/name args"` runs a skill, as typing it in the panel does.
  const expanded = await skills.expandCommand(prompt, conversation.session);
  if (expanded && 'error' in expanded) fail(expanded.error);

  const out = (obj: unknown) => process.stdout.write(`${JSON.stringify(obj)}\n`);
  if (format === 'stream-json') {
    out({ type: 'system', subtype: 'init', session_id: sessionId, model, cwd, permission_mode: mode, tools: tools.map((t) => t.name).sort(), memory_dir: projectDir });
  }
  const abort = new AbortController();
  process.on('SIGINT', () => abort.abort());
  const started = Date.now();
  const outcome = await conversation.send(expanded ? expanded.prompt : prompt, abort.signal, (e: AgentEvent) => {
    if (format === 'stream-json') streamEvent(e, out);
  });
  commands.dispose();

  const u = outcome.usage;
  const cost = estimateCostUsd(model, u);
  const ok = outcome.state === 'completed';
  const result = {
    type: 'result',
    state: outcome.state,
    is_error: !ok,
    result: outcome.finalText,
    error: outcome.error?.message,
    session_id: sessionId,
    turns: outcome.turns,
    duration_ms: Date.now() - started,
    usage: { input_tokens: u.inputTokens, output_tokens: u.outputTokens, cache_creation_input_tokens: u.cacheCreationInputTokens, cache_read_input_tokens: u.cacheReadInputTokens },
    cost_usd: cost === undefined ? null : Number(cost.toFixed(6)),
  };
  if (format === 'text') {
    if (outcome.finalText) process.stdout.write(outcome.finalText.endsWith('\n') ? outcome.finalText : `${outcome.finalText}\n`);
    if (!ok) process.stderr.write(`reverie: ended in ${outcome.state}${outcome.error ? `: ${outcome.error.message}` : ''}\n`);
  } else {
    out(result);
  }
  return ok ? 0 : 1;
}

function streamEvent(e: AgentEvent, out: (obj: unknown) => void): void {
  switch (e.type) {
    case 'text': return out({ type: 'assistant', subtype: 'text_delta', text: e.text });
    case 'discard_text': return out({ type: 'assistant', subtype: 'discard' });
    case 'tool_call': return out({ type: 'assistant', subtype: 'tool_use', id: e.id, name: e.name, input: e.input });
    case 'tool_result': return out({ type: 'user', subtype: 'tool_result', tool_use_id: e.id, name: e.name, is_error: e.isError, content: e.content });
    case 'retry_wait': return out({ type: 'system', subtype: 'retry', reason: e.reason, attempt: e.attempt, delay_ms: e.delayMs });
    case 'continue': return out({ type: 'system', subtype: 'continue', reason: e.reason });
    case 'compaction':
      return out({ type: 'system', subtype: 'compaction', trigger: e.trigger, summarised_messages: e.summarisedMessages, kept_messages: e.keptMessages, tokens_before: e.tokensBefore, tokens_after: e.tokensAfter, from_notes: e.fromNotes });
    case 'micro_compaction': return out({ type: 'system', subtype: 'micro_compaction', reason: e.reason, cleared: e.cleared, tokens_saved: e.tokensSaved });
    case 'notice': return out({ type: 'system', subtype: 'notice', text: e.text });
    case 'subagent_start':
      return out({ type: 'system', subtype: 'subagent_start', subagent_id: e.id, agent: e.agent, description: e.description, tool_use_id: e.toolUseId, read_only: e.readOnly, max_turns: e.budget.maxTurns, max_tokens: e.budget.maxTokens });
    case 'subagent_event': return streamSubagentEvent(e.id, e.event, out);
    case 'subagent_end': return out({ type: 'system', subtype: 'subagent_end', subagent_id: e.id, state: e.state, turns: e.turns, tokens: e.tokens });
    default: return;
  }
}

/** A subagent's tool calls, results and usage, tagged with its id (nested subagents' events come through here too). */
function streamSubagentEvent(id: string, e: AgentEvent, out: (obj: unknown) => void): void {
  switch (e.type) {
    case 'tool_call': return out({ type: 'subagent', subagent_id: id, subtype: 'tool_use', id: e.id, name: e.name, input: e.input });
    case 'tool_result': return out({ type: 'subagent', subagent_id: id, subtype: 'tool_result', tool_use_id: e.id, name: e.name, is_error: e.isError, content: e.content });
    case 'usage': return out({ type: 'subagent', subagent_id: id, subtype: 'usage', input_tokens: e.usage.inputTokens, output_tokens: e.usage.outputTokens, cache_creation_input_tokens: e.usage.cacheCreationInputTokens, cache_read_input_tokens: e.usage.cacheReadInputTokens });
    case 'subagent_start': case 'subagent_event': case 'subagent_end': return streamEvent(e, out);
    default: return;
  }
}

(process.argv[2] === 'dream' ? runDreamCommand(process.argv.slice(3)) : main()).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`reverie: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
