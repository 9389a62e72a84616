/**
 * The narrow interfaces the core needs from the world. The VS Code host implements them in
 * `src/host`, tests implement them with fakes; the core never imports `vscode`.
 */

/** One log sink. Implementations must never receive secrets: callers redact before logging. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Where model access comes from, read fresh for every request so a new key takes effect at once. */
export interface ModelAccess {
  /** The API key, or undefined when none is configured. */
  apiKey(): Promise<string | undefined>;
  /** A base URL for gateways and Anthropic-compatible servers; undefined means Anthropic's API. */
  baseUrl(): string | undefined;
  /** The model id, e.g. `claude-sonnet-5-5`. */
  model(): string;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
