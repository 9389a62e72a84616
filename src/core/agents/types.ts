/**
 * Agent types for the `task` tool: the built-ins (`explore`, `plan`, `general`) and custom agents
 * from `.reverie/agents/*.md` (project) and `~/.reverie/agents/*.md` (user). A subagent runs with
 * a fresh context, the agent's own system prompt, a scoped tool set and a budget.
 */

/** Where an agent type comes from. On a name clash: user > project > built-in. */
export type AgentSource = 'user' | 'project' | 'built-in';

export interface AgentDefinition {
  /** What the model passes as `agent`: lower-case letters, digits and hyphens. */
  name: string;
  /** When to use it; listed to the model in the `task` tool's description. */
  description: string;
  /**
   * Tool names it may use (always intersected with the parent's tools). Undefined: the parent's
   * tools. `task` among them allows it to start subagents of its own.
   */
  tools?: string[];
  /**
   * Read-only: only read-only tools (plus `run_command`), behind a plan-mode gate, so even when
   * told to write it cannot. Read-only subagents run in parallel.
   */
  readOnly: boolean;
  /** A model id; undefined (or `inherit` in the file) uses the parent's model. */
  model?: string;
  /** Caps overriding the defaults. */
  maxTurns?: number;
  maxTokens?: number;
  /** Its system prompt (added after Reverie's fixed one). */
  prompt: string;
  source: AgentSource;
  /** The `.md` file, for custom agents. */
  file?: string;
}

/** An agent file that could not be used, and why. It is skipped; the session goes on. */
export interface AgentProblem {
  file: string;
  source: AgentSource;
  message: string;
}

export interface AgentSet {
  /** One agent per name (the highest-precedence one), sorted by name; built-ins included. */
  agents: AgentDefinition[];
  /** Agents hidden by a higher-precedence one of the same name. */
  shadowed: Array<{ agent: AgentDefinition; by: AgentDefinition }>;
  problems: AgentProblem[];
}

/** Where custom agents are looked for. */
export interface AgentPlaces {
  /** `.reverie/agents` here and in parent folders up to the repository root (nearest first). */
  cwd: string;
  roots: string[];
  /** `~/.reverie/agents`. */
  home: string;
}

/** Budget defaults for every subagent (the host reads them from settings). */
export const DEFAULT_SUBAGENT_MAX_TURNS = 25;
export const DEFAULT_SUBAGENT_MAX_TOKENS = 200_000;
/** A subagent started by a subagent is depth 2; none deeper, even when agents allow nesting. */
export const MAX_SUBAGENT_DEPTH = 2;

/** The tool that starts subagents; removed from a subagent's tools unless its agent lists it. */
export const TASK_TOOL_NAME = 'task';
