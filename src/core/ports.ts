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

// ---- the editor as the agent's hands ---------------------------------------------------------
// All paths crossing these ports are absolute. Tools resolve and permission-check paths before
// calling a port; adapters do no permission checks of their own.

export interface FileStat {
  kind: 'file' | 'directory';
  size: number;
  mtimeMs: number;
  /** A file's hard link count, when the adapter knows it: above 1, the same file has other names, maybe outside the workspace. */
  links?: number;
}

export interface FileSystem {
  /** undefined when nothing exists at the path. Follows symlinks. */
  stat(path: string): Promise<FileStat | undefined>;
  /** The path with every symlink resolved (for containment checks); throws if it does not exist. */
  realPath(path: string): Promise<string>;
  /** Bytes as the user sees them: the host returns an open editor's unsaved text when there is one. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Replaces (or creates, with parent folders) a text file. The host goes through a WorkspaceEdit,
   * so open editors update, Undo works, and the file is saved afterwards.
   */
  writeFile(path: string, text: string): Promise<void>;
  /** Entries of one folder (names only, not recursive). */
  readDirectory(path: string): Promise<Array<{ name: string; kind: 'file' | 'directory' | 'other' }>>;
}

export interface GrepOptions {
  /** A regular expression (ripgrep / Rust syntax; the JS fallback uses JS RegExp). */
  pattern: string;
  /** File or folder to search. */
  path: string;
  /** Only files matching this glob, e.g. `*.ts` or `src/**`. */
  glob?: string;
  caseInsensitive?: boolean;
  /** Lines of context around each match. */
  context?: number;
  /** Stop after this many matching lines. */
  limit: number;
  signal: AbortSignal;
}

export interface GrepMatch {
  path: string;
  line: number;
  text: string;
}

export interface FileSearch {
  /**
   * Files (not folders) under `cwd` matching a glob, respecting .gitignore (and the editor's
   * files.exclude in the host), newest-modified first, at most `limit`.
   */
  glob(pattern: string, options: { cwd: string; limit: number; signal: AbortSignal }): Promise<{ files: string[]; truncated: boolean }>;
  grep(options: GrepOptions): Promise<{ matches: GrepMatch[]; truncated: boolean }>;
}

export interface CommandResult {
  /** undefined when the process was killed (timeout, interrupt) or the shell did not report one. */
  exitCode: number | undefined;
  /** stdout and stderr interleaved as they arrived, escape codes stripped. */
  output: string;
  timedOut: boolean;
  interrupted: boolean;
}

export interface CommandRunner {
  /** Runs a shell command line and waits for it; the signal kills it (and its children). */
  run(command: string, options: { cwd: string; timeoutMs: number; signal: AbortSignal; onOutput?(chunk: string): void }): Promise<CommandResult>;
  /** Starts a command in the background; returns an id for readBackground / killBackground. */
  startBackground(command: string, options: { cwd: string }): Promise<string>;
  /** Output since the last read (or since start), and whether it is still running. */
  readBackground(id: string): Promise<{ output: string; running: boolean; exitCode: number | undefined } | undefined>;
  killBackground(id: string): Promise<boolean>;
}

export interface Diagnostic {
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'hint';
  message: string;
  source?: string;
}

export interface Diagnostics {
  /** Problems for one file, or for the whole workspace when path is omitted. */
  get(path?: string): Promise<Diagnostic[]>;
}

export interface SourceLocation {
  path: string;
  /** 1-based. */
  line: number;
  column: number;
  /** The line's text, trimmed. */
  preview?: string;
}

export interface SymbolInfo {
  name: string;
  kind: string;
  line: number;
  endLine: number;
  children?: SymbolInfo[];
}

/** The editor's language intelligence; absent in the CLI. Positions are 1-based. */
export interface LanguageFeatures {
  definition(path: string, line: number, column: number): Promise<SourceLocation[]>;
  references(path: string, line: number, column: number): Promise<SourceLocation[]>;
  documentSymbols(path: string): Promise<SymbolInfo[]>;
}

/** What the agent needs to do, as the permission layer and the approval UI see it. */
export type AccessRequest =
  | { kind: 'read'; tool: string; path: string; hardLinks?: number }
  | { kind: 'edit'; tool: string; path: string; before: string | undefined; after: string; hardLinks?: number }
  | { kind: 'command'; tool: string; command: string; cwd: string };

export type ApprovalAnswer =
  /**
   * `finalText`: for edits, the text the user left in the diff if they changed it.
   * `always`: "Always allow": the agent adds a rule (computed by the permission layer) for the session.
   */
  | { approved: true; finalText?: string; always?: boolean }
  | { approved: false; reason?: string };

/** Asks the user about one access (diff for edits, the exact command line for commands). */
export interface Approvals {
  ask(request: AccessRequest, signal: AbortSignal): Promise<ApprovalAnswer>;
}
