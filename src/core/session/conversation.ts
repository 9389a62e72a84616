import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { SYSTEM_PROMPT } from '../context/systemPrompt';
import { ModelError } from '../model/modelError';
import { streamMessage, type StreamListener, type Usage } from '../model/modelClient';
import type { Logger, ModelAccess } from '../ports';

/** How a turn ended. The agent-loop issue grows this into the full set of named end states. */
export type TurnEndState = 'completed' | 'aborted' | 'model_error';

export interface TurnOutcome {
  state: TurnEndState;
  /** The assistant text received, complete or partial. */
  text: string;
  stopReason?: string | null;
  usage?: Usage;
  error?: ModelError;
}

export interface ConversationOptions {
  maxTokens?: number;
  /** Retries the SDK makes on 408/409/429/5xx before a turn fails. */
  maxRetries?: number;
  /** How long a silent stream is tolerated before the turn fails as a timeout. */
  idleTimeoutMs?: number;
}

const DEFAULT_MAX_TOKENS = 8192;

/**
 * A conversation with the model: the message history and one streamed turn at a time.
 * Interrupted or failed turns keep what arrived, so nothing the user saw is lost and the next
 * message continues the same conversation (consecutive user turns are valid for the API).
 */
export class Conversation {
  private readonly history: MessageParam[] = [];

  constructor(
    private readonly access: ModelAccess,
    private readonly log: Logger,
    private readonly options: ConversationOptions = {},
  ) {}

  get messages(): readonly MessageParam[] {
    return this.history;
  }

  clear(): void {
    this.history.length = 0;
  }

  /** Sends a user message and streams the answer into `listener`. Never throws for model failures. */
  async send(text: string, signal: AbortSignal, listener: StreamListener = {}): Promise<TurnOutcome> {
    this.history.push({ role: 'user', content: text });
    return this.runTurn(signal, listener);
  }

  /** Asks again after a failed turn, without repeating the user's message. */
  async retry(signal: AbortSignal, listener: StreamListener = {}): Promise<TurnOutcome> {
    if (this.history.at(-1)?.role !== 'user') {
      throw new Error('retry() needs a conversation whose last message awaits an answer');
    }
    return this.runTurn(signal, listener);
  }

  /** True when the last user message has no answer yet (after a failure or a stop before any text). */
  get awaitingAnswer(): boolean {
    return this.history.at(-1)?.role === 'user';
  }

  private async runTurn(signal: AbortSignal, listener: StreamListener): Promise<TurnOutcome> {
    let text = '';
    const tee: StreamListener = {
      ...listener,
      onText: (delta) => {
        text += delta;
        listener.onText?.(delta);
      },
    };
    try {
      const apiKey = await this.access.apiKey();
      if (!apiKey) throw new ModelError('no_api_key');
      const model = this.access.model();
      this.log.info(`turn: model=${model} messages=${this.history.length}`);
      const result = await streamMessage(
        { apiKey, baseUrl: this.access.baseUrl(), maxRetries: this.options.maxRetries, idleTimeoutMs: this.options.idleTimeoutMs, logger: this.log },
        { model, system: SYSTEM_PROMPT, messages: [...this.history], maxTokens: this.options.maxTokens ?? DEFAULT_MAX_TOKENS },
        signal,
        tee,
      );
      this.keepAnswer(text);
      const u = result.usage;
      this.log.info(`turn completed: stop=${result.stopReason} in=${u.inputTokens} out=${u.outputTokens} cache_write=${u.cacheCreationInputTokens} cache_read=${u.cacheReadInputTokens}`);
      return { state: 'completed', text, stopReason: result.stopReason, usage: result.usage };
    } catch (err) {
      if (!(err instanceof ModelError)) throw err;
      this.keepAnswer(text);
      if (err.reason === 'aborted') {
        this.log.info(`turn aborted after ${text.length} characters`);
        return { state: 'aborted', text };
      }
      this.log.warn(`turn failed: ${err.reason}${err.status ? ` (${err.status})` : ''} ${err.detail}`);
      return { state: 'model_error', text, error: err };
    }
  }

  private keepAnswer(text: string): void {
    if (text.length > 0) this.history.push({ role: 'assistant', content: text });
  }
}
