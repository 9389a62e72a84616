import * as vscode from 'vscode';
import type { ReverieApi } from '../../../src/extension';
import type { HostToWebview } from '../../../src/shared/protocol';

export const EXTENSION_ID = 'reverie-dev.reverie';

export async function activateReverie(): Promise<ReverieApi> {
  const ext = vscode.extensions.getExtension<ReverieApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

export async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Records everything the host posts to the chat panel. */
export function recordPosts(api: ReverieApi): { posts: HostToWebview[]; dispose(): void } {
  const posts: HostToWebview[] = [];
  const sub = api.chat.onDidPost((m) => posts.push(m));
  return { posts, dispose: () => sub.dispose() };
}
