import type { WebviewToHost } from '../src/shared/protocol';

/** What the panel keeps across reloads: the unsent draft and the input history, never anything secret. */
export interface PanelState {
  draft?: string;
  /** Sent messages, oldest first, for Up in the input. */
  history?: string[];
}

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export const post = (msg: WebviewToHost): void => api.postMessage(msg);
export const loadState = (): PanelState => api.getState() ?? {};
/** Merges into what is kept: each part of the panel saves only its own fields. */
export const saveState = (state: PanelState): void => api.setState({ ...loadState(), ...state });
