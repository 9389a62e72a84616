/**
 * What the memory language client and server agree on. There are no custom requests or
 * notifications yet; only standard LSP (diagnostics, completion, hover) is used.
 */

/** The client's id and the name shown in the Output view. */
export const MEMORY_SERVER_ID = 'reverieMemory';
export const MEMORY_SERVER_NAME = 'Reverie Memory';
/** The `source` of every diagnostic the server publishes. */
export const DIAGNOSTIC_SOURCE = 'reverie';

/**
 * The files the server serves (LSP DocumentFilters): memory indexes, markdown in memory folders,
 * and skills. The server decides per file which checks apply (see `documentKind`).
 */
export const MEMORY_DOCUMENT_SELECTOR = [
  { scheme: 'file', pattern: '**/MEMORY.md' },
  { scheme: 'file', language: 'markdown', pattern: '**/.reverie/**' },
  { scheme: 'file', language: 'markdown', pattern: '**/memory/**' },
  { scheme: 'file', pattern: '**/SKILL.md' },
] as const;
