import type { Usage } from '../model/modelClient';
import type { ModelErrorReason } from '../model/modelError';
import type { Meter } from '../compaction/meter';

/** Why the loop goes round again. Tests assert on these names. */
export type ContinueReason =
  | 'next_turn' // tool results are in; ask the model what next
  | 'retry' // a recoverable API failure; same request after a delay
  | 'max_tokens_escalate' // output cut off: the same request once more with a higher limit
  | 'max_tokens_continue' // still cut off: keep the partial answer and ask it to go on
  | 'context_overflow_retry' // input + max_tokens exceeded the window: retry with max_tokens that fits
  | 'reactive_compact'; // the prompt was too long: compacted once, same request again

/** How a run of the loop ended. Tests assert on these names. */
export type EndState =
  | 'completed'
  | 'aborted_streaming'
  | 'aborted_tools'
  | 'max_turns'
  | 'max_tokens'
  | 'model_error'
  | 'prompt_too_long';

/** What the loop reports as it works; the panel and the CLI render these. */
export type AgentEvent =
  | { type: 'request_start'; turn: number; attempt: number; maxTokens: number }
  | { type: 'text'; text: string }
  /** The text streamed since the last request_start will not be kept (a retry or an escalation follows). */
  | { type: 'discard_text' }
  | { type: 'tool_use_start'; id: string; name: string }
  | { type: 'tool_call'; id: string; name: string; input: unknown }
  | { type: 'tool_progress'; id: string; text: string }
  | { type: 'tool_result'; id: string; name: string; content: string; isError: boolean }
  | { type: 'continue'; reason: ContinueReason; detail?: string }
  | { type: 'retry_wait'; reason: ModelErrorReason; attempt: number; delayMs: number; discardedText: boolean }
  | { type: 'usage'; usage: Usage }
  /** Something the user should know that is not an error, e.g. auto-compaction turned itself off. */
  | { type: 'notice'; text: string }
  /** The context meter after a response: tokens in context, distance to auto-compaction, cost, cache hits. */
  | { type: 'context'; meter: Meter }
  /** Old tool results were cleared from the request (the transcript keeps them). */
  /** `tokensSaved`: by this batch; `clearedIds`: the tool_use ids it cleared (the transcript records them). */
  | { type: 'micro_compaction'; reason: 'cold' | 'pressure'; cleared: number; tokensSaved: number; clearedIds: string[] }
  | { type: 'compaction_start'; trigger: 'auto' | 'manual' | 'reactive' }
  /** The history was compacted: the older part is now a summary (the transcript keeps everything). */
  | ({ type: 'compaction' } & CompactionInfo)
  /**
   * A subagent started (the `task` tool, or a `context: fork` skill). `id` is its transcript's
   * session id (`<parent>-sub-<n>`); `toolUseId` the parent's tool call that started it.
   */
  | { type: 'subagent_start'; id: string; agent: string; description: string; toolUseId?: string; readOnly: boolean; budget: SubagentBudget }
  /** Something a running subagent did: its tool_call, tool_result and usage events (never text deltas), and its own subagents' events. */
  | { type: 'subagent_event'; id: string; event: AgentEvent }
  /** A subagent finished; its one final message went to the parent as the tool result. */
  | { type: 'subagent_end'; id: string; state: SubagentState; turns: number; tokens: number };

/** How a subagent ended. `budget_*`: stopped at its cap after the response that reached it. */
export type SubagentState = 'completed' | 'budget_turns' | 'budget_tokens' | 'aborted' | 'failed';

/** A subagent's caps: API rounds, and tokens (input, cache reads and writes, and output, summed over its responses). */
export interface SubagentBudget {
  maxTurns: number;
  maxTokens: number;
}

/** What a compaction did, for the panel, the CLI and the transcript. */
export interface CompactionInfo {
  trigger: 'auto' | 'manual' | 'reactive';
  /** Messages replaced by the summary. */
  summarisedMessages: number;
  /** Messages kept verbatim after it. */
  keptMessages: number;
  tokensBefore: number;
  tokensAfter: number;
  /** The session notes stood in for the summary (no model call). */
  fromNotes: boolean;
  /** The summary text, as the model will read it. */
  summary: string;
}

export interface AgentOutcome {
  state: EndState;
  /** API rounds made (requests that returned a message). */
  turns: number;
  usage: Usage;
  /** For model_error / prompt_too_long: what went wrong, safe to show. */
  error?: import('../model/modelError').ModelError;
  /** The last assistant text, for the CLI's text output. */
  finalText: string;
}
