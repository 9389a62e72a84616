import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { SYSTEM_PROMPT } from '../context/systemPrompt';
import type { AgentEvent, AgentOutcome } from '../agent/events';
import { runAgentLoop } from '../agent/loop';
import { ModelError } from '../model/modelError';
import type { Logger, ModelAccess } from '../ports';
import { ResultBudget } from '../tools/output';
import type { ToolContext, ToolDefinition, ToolResult, ToolSession } from '../tools/tool';

export interface ConversationOptions {
  maxTokens?: number;
  maxTurns?: number;
  idleTimeoutMs?: number;
  /** Injected by tests to make retry waits instant. */
  sleep?(ms: number, signal: AbortSignal): Promise<boolean>;
}

export interface ConversationDeps {
  access: ModelAccess;
  log: Logger;
  tools: ToolDefinition[];
  /** Builds a tool context for one call (ports, authorize, cwd) around this conversation's tool session. */
  toolContext(signal: AbortSignal, progress: (text: string) => void, session: ToolSession): ToolContext;
  /** Output caps and spilling, applied to every tool result. */
  finalizeResult?(result: ToolResult, toolName: string, session: ToolSession): Promise<ToolResult>;
  /** Where this conversation's spilled outputs go. */
  sessionDir(): string;
  options?: ConversationOptions;
}

/**
 * One conversation: the history and the tools' shared state, and one agent run at a time.
 * Every end state leaves the history valid, so the next message continues the same conversation.
 */
export class Conversation {
  private readonly history: MessageParam[] = [];
  private toolSession: ToolSession;

  constructor(private readonly deps: ConversationDeps) {
    this.toolSession = this.newToolSession();
  }

  get messages(): readonly MessageParam[] {
    return this.history;
  }

  get todos(): ToolSession['todos'] {
    return this.toolSession.todos;
  }

  /** Continues a saved conversation (the CLI's --resume). */
  restore(messages: MessageParam[]): void {
    this.history.splice(0, this.history.length, ...messages);
  }

  clear(): void {
    this.history.length = 0;
    this.toolSession = this.newToolSession();
  }

  /** Sends a user message and runs the agent until it ends. Never throws for model failures. */
  async send(text: string, signal: AbortSignal, emit: (e: AgentEvent) => void = () => {}): Promise<AgentOutcome> {
    this.history.push({ role: 'user', content: text });
    return this.run(signal, emit);
  }

  /** Runs again after a failure, without repeating the user's message. */
  async retry(signal: AbortSignal, emit: (e: AgentEvent) => void = () => {}): Promise<AgentOutcome> {
    if (!this.awaitingAnswer) throw new Error('retry() needs a conversation whose last message awaits an answer');
    return this.run(signal, emit);
  }

  /** True when the last message is the user's (a failure, or a stop before any answer). */
  get awaitingAnswer(): boolean {
    return this.history.at(-1)?.role === 'user';
  }

  private async run(signal: AbortSignal, emit: (e: AgentEvent) => void): Promise<AgentOutcome> {
    const apiKey = await this.deps.access.apiKey();
    const empty = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
    if (!apiKey) return { state: 'model_error', turns: 0, usage: empty, error: new ModelError('no_api_key'), finalText: '' };
    const model = this.deps.access.model();
    const session = this.toolSession;
    this.deps.log.info(`run: model=${model} messages=${this.history.length}`);
    // At most 200,000 characters of tool results per API round, whatever the tools return.
    let budget = new ResultBudget();
    const finalize = async (result: ToolResult, name: string) =>
      budget.take(this.deps.finalizeResult ? await this.deps.finalizeResult(result, name, session) : result);
    const outcome = await runAgentLoop({
      apiKey,
      baseUrl: this.deps.access.baseUrl(),
      model,
      system: SYSTEM_PROMPT,
      tools: this.deps.tools,
      history: this.history,
      runner: { context: (s, progress) => this.deps.toolContext(s, progress, session), finalize },
      emit: (e) => {
        if (e.type === 'request_start') budget = new ResultBudget();
        emit(e);
      },
      signal,
      log: this.deps.log,
      ...this.deps.options,
    });
    const u = outcome.usage;
    const level = outcome.state === 'model_error' ? 'warn' : 'info';
    this.deps.log[level](
      `run ended: ${outcome.state} after ${outcome.turns} turns; in=${u.inputTokens} out=${u.outputTokens} cache_write=${u.cacheCreationInputTokens} cache_read=${u.cacheReadInputTokens}` +
        (outcome.error ? `; ${outcome.error.reason} ${outcome.error.detail}` : ''),
    );
    return outcome;
  }

  private newToolSession(): ToolSession {
    return { readFiles: new Map(), dir: this.deps.sessionDir(), todos: [] };
  }
}
