/**
 * What the chat controller needs for checkpoints, rewind and fork; vscode-free so the controller
 * stays testable in plain Node. The editor's implementation is editorCheckpoints.ts.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { ForkPoint } from '../../core/checkpoints/fork';
import type { RewindResult } from '../../core/checkpoints/rewind';
import type { ParsedTranscript, TranscriptEvent } from '../../core/session/transcript';

export interface ChatCheckpoints {
  /** Opens the checkpoint for a prompt about to be sent; its id (undefined when it could not be saved). */
  open(sessionId: string, label: string): Promise<string | undefined>;
  /** Shows what rewinding to this checkpoint changes and applies it if the user agrees; undefined when cancelled. */
  rewind(checkpointId: string, label: string): Promise<RewindResult | undefined>;
  /** A session's saved transcript, for forks from before a compaction. */
  readTranscript?(sessionId: string): Promise<ParsedTranscript | undefined>;
  /** Appends to a session's transcript, as the conversation's recorder does (the fork's own transcript). */
  record?(sessionId: string, messages: MessageParam[], event?: TranscriptEvent): Promise<void>;
}

/** Where one user entry's message sits, and the checkpoint opened before it. */
export interface RewindPoint extends Omit<ForkPoint, 'laterDuplicates'> {
  checkpointId?: string;
}

/** The panel's notice after a rewind: "Rewound 3 files to before 'fix the test'". */
export function rewindNotice(result: RewindResult, label: string): string {
  const n = result.restored + result.deleted;
  const files = `${n} ${n === 1 ? 'file' : 'files'}`;
  const left = result.leftAlone ? ` (${result.leftAlone} left as ${result.leftAlone === 1 ? 'it is' : 'they are'}: earlier content unknown)` : '';
  return `Rewound ${files} to before '${label}'${left}`;
}
