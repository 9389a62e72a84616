/**
 * createDreamer: the gate, the dream itself, and what comes after (apply, discard, undo).
 *
 * The dream is modelled on the memory extraction pass: a Conversation with a restricted tool set
 * and an authorizer that no one answers. Its permissions are decided in code: `decide()` in "ask"
 * mode with the staging folder auto-approved (so writes land only there), and for what would ask a
 * person, a fixed policy: reads of the transcripts folder and read-only commands pass, nothing
 * else. It works on a staging copy of the memory folder; the proposal is the difference.
 */
import * as path from 'node:path';
import type { AgentEvent } from '../agent/events';
import { isReadOnlyCommand, decide } from '../permissions';
import { containingDir } from '../permissions/paths';
import type { PermissionContext } from '../permissions/types';
import type { AccessRequest, CommandRunner, FileSearch, FileSystem, Logger, ModelAccess } from '../ports';
import { Conversation } from '../session/conversation';
import { ALL_TOOLS, finalizeToolResult } from '../tools';
import { createDeleteFileTool } from '../tools/deleteFile';
import { createSearchHistoryTool, type SearchFn } from '../tools/searchHistory';
import type { Authorization } from '../tools/tool';
import { attachReasons, copyMemory, countChanges, diffFolders } from './diff';
import { sessionsSince, DreamGate } from './gate';
import { DreamHistory, stamp } from './history';
import { DreamLock } from './lock';
import { DREAM_ADDENDUM, dreamPrompt, parseDreamReport } from './prompt';
import type { DreamPlaces, DreamStore } from './store';
import type { Dreamer, DreamOutcome, DreamProposal, DreamSettings } from './types';

export { DreamConflictError } from './history';

/** Read anywhere allowed, search, read-only commands; write only in staging (and delete_file, added below). */
const DREAM_TOOLS = new Set(['read_file', 'grep', 'glob', 'list_files', 'run_command', 'write_file', 'edit_file']);
const DEFAULT_MAX_TURNS = 60;

export interface DreamerDeps {
  access: ModelAccess;
  log: Logger;
  fs: FileSystem;
  search: FileSearch;
  commands: CommandRunner;
  store: DreamStore;
  places(): DreamPlaces;
  settings(): DreamSettings;
  /** The search_history tool's search over this workspace's transcripts; without it the dream greps them. */
  searchHistory?: SearchFn;
  /** The clock (tests inject one). */
  now?(): number;
  options?: { maxTurns?: number; promptCache?: boolean; idleTimeoutMs?: number };
}

type Usage = DreamProposal['usage'];
const NO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

export function createDreamer(deps: DreamerDeps): Dreamer {
  const now = deps.now ?? Date.now;
  const lock = () => new DreamLock(deps.store, deps.places().memoryDir, deps.log, now);
  // One gate for the dreamer's life, so the scan throttle holds across turns.
  let gate: { dir: string; gate: DreamGate } | undefined;
  const history = new DreamHistory(deps.store, () => deps.places().memoryDir, () => deps.places().snapshotsRoot, deps.log, now);

  return {
    async isDue(currentSessionId) {
      const places = deps.places();
      if (gate?.dir !== places.memoryDir) {
        gate = { dir: places.memoryDir, gate: new DreamGate(lock(), deps.store, () => deps.places().transcriptsDir, deps.settings, now) };
      }
      const answer = await gate.gate.check(currentSessionId);
      deps.log.debug(`dream gate: ${answer.due ? 'due' : 'not due'}: ${answer.why}`);
      return answer;
    },

    async dream(signal, progress, currentSessionId) {
      const places = deps.places();
      if (containingDir(places.stagingRoot, [places.memoryDir]) || containingDir(places.memoryDir, [places.stagingRoot])) {
        return { status: 'failed', reason: `The staging folder ${places.stagingRoot} must be outside the memory folder ${places.memoryDir}.` };
      }
      const held = await lock().acquire();
      if (!held.ok) return { status: 'busy', reason: held.reason };
      const id = `dream-${new Date(now()).toISOString().replace(/[-:.]/g, '')}-${deps.store.token().slice(0, 6)}`;
      const stagingDir = path.join(places.stagingRoot, id);
      const spillDir = path.join(places.stagingRoot, `${id}.spill`);
      let outcome: DreamOutcome;
      try {
        outcome = await runDream(deps, places, { id, stagingDir, spillDir, previous: held.handle.previous, currentSessionId }, signal, progress, now);
      } catch (err) {
        outcome = signal.aborted ? { status: 'cancelled' } : { status: 'failed', reason: `The dream failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      await deps.store.remove(spillDir).catch(() => undefined);
      if (outcome.status !== 'proposed') await deps.store.remove(stagingDir).catch((err) => deps.log.warn(`dream: could not remove ${stagingDir}: ${String(err)}`));
      // A dream that ended (with or without changes) counts; a failed or cancelled one does not.
      const success = outcome.status === 'proposed' || outcome.status === 'nothing';
      await held.handle.release(success).catch((err) => deps.log.error(`dream: could not release the lock: ${String(err)}`));
      deps.log.info(`dream ${id}: ${outcome.status}${outcome.status === 'failed' ? `: ${outcome.reason}` : ''}`);
      return outcome;
    },

    apply: (proposal, files) => history.apply(proposal, files),
    async discard(proposal) {
      await deps.store.remove(proposal.stagingDir);
      deps.log.info(`dream ${proposal.id}: discarded`);
    },
    undo: (snapshotId) => history.undo(snapshotId),
    async snapshots() {
      return (await history.list()).map(({ id, createdAt, summary }) => ({ id, createdAt, summary }));
    },
  };
}

interface Run { id: string; stagingDir: string; spillDir: string; previous: number | undefined; currentSessionId?: string }

async function runDream(deps: DreamerDeps, places: DreamPlaces, run: Run, signal: AbortSignal, progress: (text: string) => void, now: () => number): Promise<DreamOutcome> {
  progress('Reading memory…');
  const files = await copyMemory(deps.store, places.memoryDir, run.stagingDir);
  await deps.store.makeDir(run.stagingDir);
  const sessionIds = await sessionsSince(deps.store, places.transcriptsDir, run.previous, run.currentSessionId);
  const times = new Map((await deps.store.sessions(places.transcriptsDir)).map((s) => [s.id, s.mtimeMs]));
  if (signal.aborted) return { status: 'cancelled' };

  const authorize = dreamAuthorizer(places, run.stagingDir, deps.log);
  const tools = [
    ...ALL_TOOLS.filter((t) => DREAM_TOOLS.has(t.name)),
    createDeleteFileTool((p) => deps.store.remove(p)),
    ...(deps.searchHistory ? [createSearchHistoryTool(deps.searchHistory)] : []),
  ];
  const conversation = new Conversation({
    access: deps.access,
    log: deps.log,
    tools,
    hooks: { systemAddendum: DREAM_ADDENDUM },
    sessionDir: () => run.spillDir,
    toolContext: (s, toolProgress, session) => ({
      cwd: run.stagingDir, roots: places.roots, signal: s, fs: deps.fs, search: deps.search, commands: deps.commands, session, log: deps.log,
      progress: toolProgress, authorize: (request) => authorize(request),
    }),
    finalizeResult: (result, name, session) => finalizeToolResult(result, name, session, deps.fs),
    options: { maxTurns: deps.options?.maxTurns ?? DEFAULT_MAX_TURNS, promptCache: deps.options?.promptCache, idleTimeoutMs: deps.options?.idleTimeoutMs },
  });
  const prompt = dreamPrompt({
    memoryDir: run.stagingDir, transcriptsDir: places.transcriptsDir, roots: places.roots, files,
    sessions: sessionIds.map((id) => ({ id, date: stamp(times.get(id) ?? 0) })),
    lastDream: run.previous === undefined ? undefined : stamp(run.previous),
    today: new Date(now()).toISOString().slice(0, 10),
  });
  const result = await conversation.send(prompt, signal, (e: AgentEvent) => {
    if (e.type === 'tool_call') progress(describeCall(e.name, e.input, run.stagingDir));
  });
  if (signal.aborted || result.state === 'aborted_streaming' || result.state === 'aborted_tools') return { status: 'cancelled' };
  if (result.state !== 'completed') {
    const why = result.error?.message ?? (result.state === 'max_turns' ? `it used all ${deps.options?.maxTurns ?? DEFAULT_MAX_TURNS} turns without finishing` : result.state);
    return { status: 'failed', reason: `The dream did not finish: ${why}` };
  }

  progress('Comparing…');
  const report = parseDreamReport(result.finalText);
  if (!report.parsed) deps.log.warn(`dream ${run.id}: the answer had no readable report; changes have no reasons`);
  const changes = attachReasons(await diffFolders(deps.store, places.memoryDir, run.stagingDir), report.changes, [run.stagingDir, places.memoryDir]);
  const usage: Usage = { ...NO_USAGE, ...result.usage };
  if (!changes.length) return { status: 'nothing', summary: report.summary || 'Nothing needed to change.', usage };
  return {
    status: 'proposed',
    proposal: {
      id: run.id, memoryDir: places.memoryDir, stagingDir: run.stagingDir, changes, summary: report.summary,
      counts: countChanges(changes), sessions: sessionIds, usage,
    },
  };
}

/**
 * The dream's gate on every access, in code: `decide()` in "ask" mode (staging auto-approved,
 * readable), and where a person would be asked, only transcript reads and read-only commands pass.
 */
export function dreamAuthorizer(places: DreamPlaces, stagingDir: string, log: Logger): (request: AccessRequest) => Promise<Authorization> {
  const ctx: PermissionContext = {
    mode: 'ask', rules: { allow: [], ask: [], deny: [] }, roots: places.roots, trusted: true, home: places.home,
    additionalDirectories: [stagingDir], autoApprovedDirectories: [stagingDir],
  };
  return async (request) => {
    const decision = decide(request, ctx);
    if (decision.behavior === 'allow') return { granted: true };
    if (decision.behavior === 'ask') {
      if (request.kind === 'read' && containingDir(path.resolve(request.path), [places.transcriptsDir])) return { granted: true };
      if (request.kind === 'command' && isReadOnlyCommand(request.command)) return { granted: true };
    }
    const what = request.kind === 'command' ? `${request.tool} ${JSON.stringify(request.command)}` : `${request.tool} ${request.path}`;
    log.info(`dream: denied ${what}: ${decision.reason}`);
    const rule = request.kind === 'edit' ? 'a dream writes only inside its memory folder'
      : request.kind === 'command' ? 'a dream runs only read-only commands' : 'a dream reads only the workspace, its memory folder and the transcripts';
    return { granted: false, reason: `Permission denied (${decision.reason}): ${rule}` };
  };
}

/** `read_file MEMORY.md`, `grep "deploy"`: the progress line for one tool call. */
function describeCall(name: string, input: unknown, stagingDir: string): string {
  const i = (input ?? {}) as Record<string, unknown>;
  const arg = [i.pattern, i.query, i.command, i.path].find((v) => typeof v === 'string') as string | undefined;
  if (!arg) return name;
  const shown = path.isAbsolute(arg) && containingDir(arg, [stagingDir]) ? path.relative(stagingDir, arg) || '.' : arg;
  return `${name} ${shown.length > 80 ? `${shown.slice(0, 79)}…` : shown}`;
}
