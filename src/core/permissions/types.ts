/**
 * The permission layer's vocabulary. `decide()` (permissions/decide.ts) maps an access request and
 * this context to allow / ask / deny; the agent turns "ask" into a question through the Approvals port.
 */
export type PermissionMode = 'ask' | 'acceptEdits' | 'plan' | 'bypass';

export interface PermissionRules {
  /** e.g. `run_command(npm test:*)`, `edit_file(src/**)`, `read_file(./secrets/**)`, `run_command`. */
  allow: string[];
  ask: string[];
  deny: string[];
}

export interface PermissionContext {
  mode: PermissionMode;
  rules: PermissionRules;
  /** Absolute workspace roots. */
  roots: string[];
  /** Workspace Trust: false means no command runs and nothing is auto-approved. */
  trusted: boolean;
  /** Folders outside the roots the user allowed (absolute). */
  additionalDirectories?: string[];
  /** The user's home folder, for shell startup files and ~ in rules. */
  home: string;
  /** The memory folder: writes there need no approval (used from the memory issue on). */
  autoApprovedDirectories?: string[];
}

export type PermissionDecision =
  | { behavior: 'allow'; reason: string; rule?: string }
  | { behavior: 'ask'; reason: string; rule?: string }
  | { behavior: 'deny'; reason: string; rule?: string };
