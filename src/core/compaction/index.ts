/** Compaction's pure building blocks; see each module's header. */
export * from './tokens';
export * from './thresholds';
export * from './microcompact';
export * from './groups';
export * from './boundary';
export * from './render';
export * from './summary';
export * from './restore';
export * from './notes';
export * from './cacheBreak';
export * from './meter';
export * from './breaker';
