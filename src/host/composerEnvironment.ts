/**
 * What the panel's composer and sessions view need from the editor, kept free of `vscode` so the
 * controller runs in plain Node tests: `@` mention items and their expansion, the permission mode
 * and the model, the saved sessions, and a confirmation dialog. `composerHost.ts` implements it.
 */
import type { PermissionMode } from '../core/permissions/types';
import type { HostToWebview, MentionItem } from '../shared/protocol';
import type { SessionService } from './sessions/sessionService';

export interface ComposerState {
  mode: PermissionMode;
  model: string;
  /** The models the picker offers (a few known ones and the current setting). */
  models: string[];
}

export interface ComposerEnvironment {
  /** Items for `@query`, ranked best first. */
  mentionItems(query: string): Promise<MentionItem[]>;
  /** The prompt for a message: the text plus an attachment per mention (see mentions/expandMentions.ts). */
  expandMentions(text: string): Promise<string>;
  state(): ComposerState;
  /** Resolves to false when the user declined (bypass asks first) or it is not allowed. */
  setMode(mode: PermissionMode): Promise<boolean>;
  setModel(model: string): Promise<void>;
  /** Fires when the mode or the model changes, from the panel or elsewhere (status bar, settings). */
  onStateChanged(listener: () => void): { dispose(): void };
  sessions: SessionService;
  /** A modal question; true when the user chose `action`. */
  confirm(message: string, detail: string, action: string): Promise<boolean>;
  /** `/dream`: runs Dream Now. */
  dreamNow(): Promise<void>;
  /** The session the panel shows, remembered across window reloads; undefined for a new, empty one. */
  openSession?: { get(): string | undefined; set(id: string | undefined): void };
}

/** Known Claude models offered by the picker; the current setting is added when it is not among them. */
export const KNOWN_MODELS = ['claude-sonnet-5-5', 'claude-opus-5-5', 'claude-sonnet-4-5', 'claude-opus-4-1', 'claude-haiku-4-5'] as const;

export function modelChoices(current: string): string[] {
  return KNOWN_MODELS.includes(current as (typeof KNOWN_MODELS)[number]) ? [...KNOWN_MODELS] : [current, ...KNOWN_MODELS];
}

export function composerStateMessage(env: ComposerEnvironment): HostToWebview {
  const s = env.state();
  return { type: 'composerState', mode: s.mode, model: s.model.slice(0, 100), models: s.models.map((m) => m.slice(0, 100)).slice(0, 20) };
}

/** `/skills`: a one-line-per-skill notice, from the same list the `/` completion uses. */
export function skillsNotice(skills: ReadonlyArray<{ name: string; description: string; source: string }>): string {
  if (!skills.length) return 'No skills found. Add one under .reverie/skills/<name>/SKILL.md (or ask Reverie to create one).';
  const lines = skills.map((s) => `/${s.name} (${s.source}): ${s.description.replace(/\s+/g, ' ').slice(0, 120)}`);
  return `Skills you can run as /name:\n${lines.join('\n')}`;
}
