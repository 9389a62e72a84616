/**
 * What the chat controller needs from the editor: kept free of `vscode` so the controller runs in
 * plain Node tests (which pass fakes), and agentHost.ts provides the editor's.
 */
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import type { CodeAction } from '../shared/protocol';
import type { PanelApprovals } from './approvals/panelApprovals';
import type { ChatCheckpoints } from './checkpoints/chatCheckpoints';
import type { ComposerEnvironment } from './composerEnvironment';
import type { PlanEnvironment } from './plan/planPanel';
import type { UserSkill } from './slashCommands';

/** What the controller needs from the editor; kept free of `vscode` so it runs in plain Node tests. */
export interface ChatEnvironment {
  hasApiKey(): Promise<boolean>;
  model(): string;
  setApiKey(): Promise<void>;
  openSettings(): Promise<void>;
  /** Told when a turn starts or ends (the host sets a `reverie.busy` context key). */
  busyChanged?(busy: boolean): void;
  /** Whether a path the agent wrote (as given to the tool) is a topic file in a memory folder. */
  isMemoryTopic?(path: string): boolean;
  /**
   * The optional background pass after a completed turn that saved no memory itself: returns how
   * many memories it saved (0 when it is turned off).
   */
  extractMemories?(turn: readonly MessageParam[]): Promise<number>;
  /**
   * The user's `/name args`: the prompt to send for that skill, an error to show (no such skill),
   * or undefined when the text is not a skill command (then it is sent as typed).
   */
  expandSkill?(text: string): Promise<{ prompt: string } | { error: string } | undefined>;
  /** Skills the user can run as `/name`, for completion in the input. */
  userSkills?(): UserSkill[];
  /** Fires when the skills change (a SKILL.md added, edited, removed, disabled). */
  onSkillsChanged?(listener: () => void): { dispose(): void };
  /** Checkpoints before each prompt, rewind and fork (checkpoints/); without it rewinding says it cannot. */
  checkpoints?: ChatCheckpoints;
  /** A code block's Copy (fallback) / Insert at cursor / Apply button (codeActions.ts). */
  codeAction?(msg: CodeAction): Promise<void>;
  /** The composer (`@` mentions, mode, model) and the sessions view; without it those messages are ignored. */
  composer?: ComposerEnvironment;
  /** Approvals also answered from cards in the panel (the approval UI opens them). */
  approvals?: PanelApprovals;
  /** A subagent card's Stop: false when no such subagent is running. */
  stopSubagent?(id: string): boolean;
  /** Plan reviews (plan/planPanel.ts): the document the agent's plan opened in, the mode switch. */
  plans?: PlanEnvironment;
}
