/**
 * A parent Conversation with the task tool on real Node adapters in a temp folder, against the
 * mock server; every event and every recorded transcript message kept for assertions.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentEvent } from '../../../src/core/agent/events';
import { createAuthorizer } from '../../../src/core/agent/authorizer';
import { BUILT_IN_AGENTS } from '../../../src/core/agents/builtins';
import { Subagents, type SubagentDeps, type SubagentOptions } from '../../../src/core/agents/subagents';
import type { AgentDefinition } from '../../../src/core/agents/types';
import type { PermissionMode } from '../../../src/core/permissions/types';
import { Conversation, type ConversationDeps } from '../../../src/core/session/conversation';
import { ALL_TOOLS } from '../../../src/core/tools';
import { createTaskTool } from '../../../src/core/tools/task';
import type { ToolDefinition } from '../../../src/core/tools/tool';
import { NodeCommandRunner } from '../../../src/node/nodeCommandRunner';
import { NodeFileSearch } from '../../../src/node/nodeFileSearch';
import { NodeFileSystem } from '../../../src/node/nodeFileSystem';
import { lastUserText, systemText, type MockBlock, type MockStep, type MockUsage } from '../../fixtures/mockAnthropic';
import { MemoryLogger, fakeAccess } from '../fakes';

export interface AgentWorld {
  root: string;
  home: string;
  log: MemoryLogger;
  conversation: Conversation;
  subagents: Subagents;
  /** Every event the parent's emit heard, with the time it arrived. */
  events: Array<{ at: number; event: AgentEvent }>;
  /** Messages handed to `record`, by session id. */
  recorded: Map<string, MessageParam[]>;
  send(text: string, signal?: AbortSignal): ReturnType<Conversation['send']>;
  dispose(): void;
}

export interface WorldOptions {
  mode?: PermissionMode;
  agents?: AgentDefinition[];
  options?: SubagentOptions;
  /** Extra parent tools built around the Subagents (e.g. the skill tool). */
  extraTools?(subagents: Subagents): ToolDefinition[];
  record?: SubagentDeps['record'];
}

export function agentWorld(mockUrl: string, o: WorldOptions = {}): AgentWorld {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'reverie-agents-')));
  const home = path.join(root, 'home');
  const cwd = path.join(root, 'ws');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(cwd, { recursive: true });
  const log = new MemoryLogger();
  const access = fakeAccess(mockUrl);
  const files = new NodeFileSystem();
  const search = new NodeFileSearch({ ripgrep: false });
  const commands = new NodeCommandRunner();
  const recorded = new Map<string, MessageParam[]>();
  const record: NonNullable<ConversationDeps['record']> = o.record ?? (async (id, messages) => {
    recorded.set(id, [...(recorded.get(id) ?? []), ...messages]);
  });
  const permissions = () => ({ mode: o.mode ?? 'bypass' as PermissionMode, rules: { allow: [], ask: [], deny: [] }, roots: [cwd], trusted: true, home });
  const authorize = createAuthorizer({ permissions, sessionRules: [], log, turnRules: () => conversation.session.turnRules });
  const sessionDir = (id: string) => path.join(root, 'sessions', id);
  const subagents = Subagents.create({
    access, log, permissions, record, sessionDir,
    parentId: () => conversation.id,
    tools: () => tools,
    agents: () => [...(o.agents ?? []), ...BUILT_IN_AGENTS],
    options: { sleep: async () => true, ...o.options },
  });
  const tools: ToolDefinition[] = [...ALL_TOOLS, createTaskTool(subagents), ...(o.extraTools?.(subagents) ?? [])];
  const conversation = new Conversation({
    access, log, tools, record, sessionDir,
    toolContext: (signal, progress, session) => ({
      cwd, roots: [cwd], signal, fs: files, search, commands, session, log, progress,
      authorize: (request) => authorize(request, signal),
    }),
    options: { sleep: async () => true },
  });
  const events: AgentWorld['events'] = [];
  return {
    root: cwd, home, log, conversation, subagents, events, recorded,
    send: (text, signal = new AbortController().signal) => conversation.send(text, signal, (event) => events.push({ at: Date.now(), event })),
    dispose: () => {
      commands.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

// ---- reading requests ---------------------------------------------------------------------------

export const SUBAGENT_MARK = 'You are a subagent';

/** Whether a request comes from a subagent (its system prompt), and which (a marker in its prompt). */
export const isSub = (body: any, marker = SUBAGENT_MARK) => systemText(body).includes(SUBAGENT_MARK) && systemText(body).includes(marker);

/** The first user message's text (a subagent's header and prompt). */
export function firstUserText(body: any): string {
  const m = body.messages?.[0];
  if (!m) return '';
  return typeof m.content === 'string' ? m.content : m.content.filter((b: any) => b.type === 'text').map((b: any) => b.text).join('\n');
}

/** Tool results already in a request: how far its conversation got. */
export function toolResultCount(body: any): number {
  return (body.messages ?? []).filter((m: any) => m.role === 'user' && Array.isArray(m.content) && m.content.some((b: any) => b.type === 'tool_result')).length;
}

export const toolNames = (body: any): string[] => (body.tools ?? []).map((t: { name: string }) => t.name);

export { lastUserText };

/** One assistant message with several blocks. */
export function blocks(content: MockBlock[], opts: { usage?: Partial<MockUsage>; delayMs?: number } = {}): MockStep {
  return { kind: 'message', content, stopReason: content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn', ...opts };
}

/** Parent requests: the ones without the subagent system prompt. */
export const parentRequests = (requests: Array<{ body: any }>) => requests.filter((r) => !systemText(r.body).includes(SUBAGENT_MARK));
export const subRequests = (requests: Array<{ body: any }>, marker = SUBAGENT_MARK) => requests.filter((r) => isSub(r.body, marker));

export function eventsOf<T extends AgentEvent['type']>(w: AgentWorld, type: T): Array<{ at: number; event: Extract<AgentEvent, { type: T }> }> {
  return w.events.filter((e): e is { at: number; event: Extract<AgentEvent, { type: T }> } => e.event.type === type);
}
