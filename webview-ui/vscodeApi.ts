import type { WebviewToHost } from '../src/shared/protocol';

/** What the panel keeps across reloads: only the unsent draft, never anything secret. */
export interface PanelState {
  draft?: string;
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
export const saveState = (state: PanelState): void => api.setState(state);
