import type { z } from 'zod';
import type { AgentEvent } from '../agent/events';
import type {
  AccessRequest, CommandRunner, Diagnostics, FileSearch, FileSystem, LanguageFeatures, Logger,
} from '../ports';

/** The result of letting the permission layer (and maybe the user) decide on an access. */
export type Authorization =
  | { granted: true; /** for edits: the user's version of the new text, when they changed it */ finalText?: string }
  | { granted: false; /** said to the model, e.g. "denied by rule run_command(rm:*)" or the user's reason */ reason: string };

/** What the tool knows about files it has read in this conversation (for edit safety and re-read notices). */
export interface ReadRecord {
  mtimeMs: number;
  size: number;
  /** Whether the whole file was read (offset 0, not truncated). */
  complete: boolean;
}

export interface TodoItem {
  content: string;
  status: 'pending' | 'in_progress' | 'completed';
}

/** Per-conversation state that tools share. */
export interface ToolSession {
  /** Absolute path -> what was read; in the order last read (most recent last). */
  readonly readFiles: Map<string, ReadRecord>;
  /** Folder for spilled large outputs (created on demand). */
  readonly dir: string;
  todos: TodoItem[];
  /** Skills already listed to the model in this conversation (a listing is never repeated). */
  readonly listedSkills: Set<string>;
  /** Skills whose body is already in this conversation: name -> the text that was injected. */
  readonly loadedSkills: Map<string, string>;
  /**
   * Allow rules for the current turn only (a loaded skill's `allowed-tools`): emptied when the
   * user sends the next message. Treated like allow rules from settings, so deny rules, protected
   * paths and Workspace Trust still apply.
   */
  turnRules: string[];
  /** The plan the user approved (exit_plan_mode, then Approve): restored after a compaction. */
  plan?: string;
}

/** A fresh tool session for a new conversation. */
export function newToolSession(dir: string): ToolSession {
  return { readFiles: new Map(), dir, todos: [], listedSkills: new Set(), loadedSkills: new Map(), turnRules: [] };
}

export interface ToolContext {
  /** Absolute working folder; relative paths in tool input resolve against it. */
  cwd: string;
  /** Absolute workspace root folders (paths outside them need approval). */
  roots: string[];
  signal: AbortSignal;
  fs: FileSystem;
  search: FileSearch;
  commands: CommandRunner;
  /** Absent in the CLI: tools that need them answer with an error result saying so. */
  diagnostics?: Diagnostics;
  language?: LanguageFeatures;
  session: ToolSession;
  log: Logger;
  /**
   * Must be called, and must return granted, before any read outside the caller's control, any
   * write and any command. Checks rules, mode, protected paths and trust; asks the user if needed.
   */
  authorize(request: AccessRequest): Promise<Authorization>;
  /** Streams partial output to the UI (command output as it arrives). */
  progress?(text: string): void;
  /** The run's event stream (set by the tool runner): subagents report their progress through it. */
  emit?(event: AgentEvent): void;
  /** The id of the tool call being run (set by the tool runner). */
  toolUseId?: string;
}

export interface ToolResult {
  /** What the model sees. */
  content: string;
  /** Marks a failure the model should react to (bad input, missing file, denied, non-zero exit). */
  isError?: boolean;
}

export interface ToolDefinition<I = any> {
  /** snake_case, as the model sees it. */
  name: string;
  /** For the model: what it does, when to use it, its limits. */
  description: string;
  input: z.ZodType<I>;
  /**
   * Read-only calls may run in parallel (up to 10); the others run one at a time, in order. A
   * function decides per call, from the validated input (e.g. `task` is read-only when its agent is).
   */
  readOnly: boolean | ((input: I) => boolean);
  run(input: I, ctx: ToolContext): Promise<ToolResult>;
}

/** Whether one call of `tool` with this (validated) input is read-only; a throwing predicate means no. */
export function isReadOnlyCall<I>(tool: ToolDefinition<I>, input: I): boolean {
  if (typeof tool.readOnly === 'boolean') return tool.readOnly;
  try {
    return tool.readOnly(input) === true;
  } catch {
    return false;
  }
}

/** Declares a tool; the identity function, for type inference. */
export function defineTool<I>(def: ToolDefinition<I>): ToolDefinition<I> {
  return def;
}

/** An expected failure, as a result the model can act on (never a throw). */
export const toolError = (content: string): ToolResult => ({ content, isError: true });
